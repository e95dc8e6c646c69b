package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Minute rollups in memory, and the history store answering a long query from them and a short one live. */
class InMemoryMinuteHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final MetricKey RC = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "web"));

    @Test
    void rollsUpWholeMinutesAndForgetsThoseOlderThanItsRetention() {
        MetricStore live = MetricStore.inMemory(Duration.ofHours(1));
        InMemoryMinuteHistory history = new InMemoryMinuteHistory(Duration.ofHours(2));
        assertThat(history.rolledUntil()).isNull();
        for (long s = 0; s < 150; s++) {
            live.record(RC, T0.getEpochSecond() + s, s < 60 ? 1 : 3); // minute 0: 60 × 1, minute 1: 60 × 3, minute 2: half
        }
        history.rollUp(live, T0.plusSeconds(150));
        assertThat(history.rolledUntil()).isEqualTo(T0.plusSeconds(120)); // minute 2 has not ended
        List<MinuteRollup> minutes = history.metricHistory(RC, T0, T0.plusSeconds(3600));
        assertThat(minutes).extracting(MinuteRollup::minute).containsExactly(T0, T0.plusSeconds(60));
        assertThat(minutes.get(0).sum()).isEqualTo(60);
        assertThat(minutes.get(1).sum()).isEqualTo(180);
        assertThat(minutes.get(1).sampleCount()).isEqualTo(60);
        assertThat(minutes.get(1).maximum()).isEqualTo(3);

        // Three hours on, only the last two hours are kept.
        Instant later = T0.plusSeconds(3 * 3600);
        live.record(RC, later.getEpochSecond() - 30, 5);
        history.rollUp(live, later);
        assertThat(history.metricHistory(RC, T0, later)).extracting(MinuteRollup::minute)
                .containsExactly(later.minusSeconds(60));
    }

    @Test
    void theHistoryStoreAnswersAQueryBeyondTheLiveStoreFromTheRollups() {
        MetricStore live = MetricStore.inMemory(Duration.ofHours(1));
        InMemoryMinuteHistory history = new InMemoryMinuteHistory(Duration.ofDays(15));
        MetricStore store = new HistoryMetricStore(live, history, Duration.ofHours(1));
        long hours = 26;
        for (long s = 0; s < hours * 3600; s++) {
            store.record(RC, T0.getEpochSecond() + s, (s / 3600) % 24 == 10 ? 400 : 20);
            if ((s + 1) % 60 == 0) {
                history.rollUp(live, T0.plusSeconds(s + 1));
            }
        }
        Instant end = T0.plusSeconds(hours * 3600);
        List<Datapoint> hourly = store.query(RC, T0, end, 3600, Statistic.AVERAGE);
        assertThat(hourly).hasSize((int) hours);
        assertThat(hourly.get(10).value()).isEqualTo(400);
        assertThat(hourly.get(9).value()).isEqualTo(20);
        // The live store alone has forgotten hour 10 of the first day.
        assertThat(live.query(RC, T0, end, 3600, Statistic.AVERAGE)).hasSizeLessThan((int) hours);
    }
}
