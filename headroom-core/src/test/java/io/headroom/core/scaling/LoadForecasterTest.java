package io.headroom.core.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;

class LoadForecasterTest {
    private static final long HOUR = 3600;
    private static final long DAY = 24 * HOUR;
    /** A Wednesday, 00:00 UTC. */
    private static final long NOW = java.time.Instant.parse("2026-11-25T00:00:00Z").getEpochSecond();

    /** 10 at night, 100 from 09:00 to 17:00, for {@code days} days before NOW. */
    private static Map<Long, Double> dailyPattern(int days) {
        Map<Long, Double> h = new HashMap<>();
        for (long t = NOW - days * DAY; t < NOW; t += HOUR) {
            long hourOfDay = Math.floorMod(t, DAY) / HOUR;
            h.put(t, hourOfDay >= 9 && hourOfDay < 17 ? 100.0 : 10.0);
        }
        return h;
    }

    @Test
    void noForecastBefore24HoursOfHistory() {
        Map<Long, Double> h = dailyPattern(1);
        h.remove(NOW - HOUR);
        assertThat(LoadForecaster.forecast(h, NOW)).isEmpty();
        assertThat(LoadForecaster.forecast(dailyPattern(1), NOW)).hasSize(48);
    }

    @Test
    void aDailyPatternIsForecastForBothDaysAhead() {
        NavigableMap<Long, Double> f = LoadForecaster.forecast(dailyPattern(3), NOW);
        assertThat(f).hasSize(48);
        assertThat(f.firstKey()).isEqualTo(NOW);
        assertThat(f.get(NOW + 8 * HOUR)).isEqualTo(10.0);
        assertThat(f.get(NOW + 9 * HOUR)).isEqualTo(100.0);
        assertThat(f.get(NOW + 16 * HOUR)).isEqualTo(100.0);
        assertThat(f.get(NOW + 17 * HOUR)).isEqualTo(10.0);
        assertThat(f.get(NOW + 33 * HOUR)).isEqualTo(100.0); // the second day: 09:00 again
        // With one day of history the second day repeats the first day's forecast.
        assertThat(LoadForecaster.forecast(dailyPattern(1), NOW).get(NOW + 33 * HOUR)).isEqualTo(100.0);
    }

    @Test
    void recentDaysWeighMoreAndTheSameWeekdayMost() {
        Map<Long, Double> h = new HashMap<>();
        for (long t = NOW - 2 * DAY; t < NOW; t += HOUR) {
            h.put(t, t >= NOW - DAY ? 100.0 : 0.0); // yesterday 100, the day before 0
        }
        // Weights 1 and 0.8: (100 * 1 + 0 * 0.8) / 1.8.
        assertThat(LoadForecaster.forecast(h, NOW).get(NOW)).isCloseTo(100 / 1.8, within(1e-6));

        Map<Long, Double> week = new HashMap<>();
        for (long t = NOW - 7 * DAY; t < NOW; t += HOUR) {
            week.put(t, t < NOW - 6 * DAY ? 700.0 : 0.0); // only the same weekday a week back was busy
        }
        double w7 = Math.pow(0.8, 6) * 3;
        double others = 1 + 0.8 + Math.pow(0.8, 2) + Math.pow(0.8, 3) + Math.pow(0.8, 4) + Math.pow(0.8, 5);
        assertThat(LoadForecaster.forecast(week, NOW).get(NOW)).isCloseTo(700 * w7 / (w7 + others), within(1e-6));
    }

    @Test
    void historyOlderThan14DaysOrInTheFutureIsIgnored() {
        Map<Long, Double> h = dailyPattern(1);
        h.put(NOW - 15 * DAY, 1e9);
        h.put(NOW, 1e9);
        h.put(NOW + HOUR, 1e9);
        NavigableMap<Long, Double> f = LoadForecaster.forecast(h, NOW);
        assertThat(f.values()).allSatisfy(v -> assertThat(v).isIn(10.0, 100.0));
    }
}
