package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class CronTest {
    /** The next {@code count} fire times after {@code from}. */
    static List<Instant> next(String cron, ZoneId zone, String from, int count) {
        CronExpression e = Cron.parse(cron, zone);
        List<Instant> out = new ArrayList<>();
        Date t = Date.from(Instant.parse(from));
        for (int i = 0; i < count; i++) {
            t = e.getNextValidTimeAfter(t);
            out.add(t.toInstant());
        }
        return out;
    }

    @Test
    void weekdayNamesInATimeZone() {
        // 2026-11-27 is a Friday; Berlin is UTC+1 in winter.
        assertThat(next("0 8 * * MON-FRI", ZoneId.of("Europe/Berlin"), "2026-11-27T00:00:00Z", 2)).containsExactly(
                Instant.parse("2026-11-27T07:00:00Z"), Instant.parse("2026-11-30T07:00:00Z"));
    }

    @Test
    void numericDaysAreCronsNotQuartzs() {
        assertThat(next("30 9 * * 1-5", ZoneOffset.UTC, "2026-11-27T10:00:00Z", 1))
                .containsExactly(Instant.parse("2026-11-30T09:30:00Z")); // Monday
        assertThat(next("0 0 * * 0", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 1))
                .containsExactly(Instant.parse("2026-11-29T00:00:00Z")); // Sunday
        assertThat(next("0 0 * * 7", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 1))
                .containsExactly(Instant.parse("2026-11-29T00:00:00Z")); // Sunday as 7
        assertThat(next("0 0 * * 5-7", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 3)).containsExactly(
                Instant.parse("2026-11-27T00:00:00Z"), Instant.parse("2026-11-28T00:00:00Z"), Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(next("0 0 * * 6,0", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 2)).containsExactly(
                Instant.parse("2026-11-28T00:00:00Z"), Instant.parse("2026-11-29T00:00:00Z"));
    }

    @Test
    void everyFiveMinutesAndDayOfMonth() {
        assertThat(next("*/5 * * * *", ZoneOffset.UTC, "2026-11-25T10:01:00Z", 2)).containsExactly(
                Instant.parse("2026-11-25T10:05:00Z"), Instant.parse("2026-11-25T10:10:00Z"));
        assertThat(next("0 12 1 * *", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 1))
                .containsExactly(Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(next("0 12 1 jan *", ZoneOffset.UTC, "2026-11-25T00:00:00Z", 1))
                .containsExactly(Instant.parse("2027-01-01T12:00:00Z"));
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertThatThrownBy(() -> Cron.parse("0 8 * * * *", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"0 8 * * * *\" has 6 fields (expected: 5, minute hour day-of-month month day-of-week)");
        assertThatThrownBy(() -> Cron.parse("0 8 1 * 1", ZoneOffset.UTC))
                .hasMessage("\"0 8 1 * 1\" restricts both day-of-month and day-of-week (expected: * in one of them)");
        assertThatThrownBy(() -> Cron.parse("61 8 * * *", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("\"61 8 * * *\" is not a valid cron expression (");
        assertThatThrownBy(() -> Cron.parse("0 8 * * FUN", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("\"0 8 * * FUN\" is not a valid cron expression (");
        assertThatThrownBy(() -> Cron.parse(" ", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
    }
}
