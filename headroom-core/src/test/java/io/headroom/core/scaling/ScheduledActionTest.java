package io.headroom.core.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ScheduledActionConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduledActionTest {
    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    private static ScheduledAction businessHours(Instant start, Instant end) {
        return ScheduledAction.of(new ScheduledActionConfig("business-hours", "0 8 * * MON-FRI", "Europe/Berlin",
                start, end, 4, null, 4));
    }

    @Test
    void firesAtEightBerlinTimeOnWeekdaysAcrossTheSpringDstChange() {
        ScheduledAction a = businessHours(null, null);
        List<Instant> fires = new ArrayList<>();
        Instant cursor = t("2026-03-26T12:00:00Z"); // Thursday; clocks go forward on Sunday 29 March
        for (int i = 0; i < 4; i++) {
            cursor = a.nextFireAfter(cursor).orElseThrow();
            fires.add(cursor);
        }
        assertThat(fires).containsExactly(
                t("2026-03-27T07:00:00Z"),  // Friday, CET (UTC+1)
                t("2026-03-30T06:00:00Z"),  // Monday, CEST (UTC+2); the weekend is skipped
                t("2026-03-31T06:00:00Z"),
                t("2026-04-01T06:00:00Z"));
    }

    @Test
    void firesAtEightBerlinTimeAfterTheAutumnDstChange() {
        ScheduledAction a = businessHours(null, null);
        assertThat(a.nextFireAfter(t("2026-10-23T07:00:00Z"))).contains(t("2026-10-26T07:00:00Z"));
        assertThat(a.nextFireAfter(t("2026-10-22T12:00:00Z"))).contains(t("2026-10-23T06:00:00Z"));
    }

    @Test
    void dueReturnsTheUpdateInTheHalfOpenRangeAndTheLatestOfSeveral() {
        ScheduledAction a = businessHours(null, null);
        ScheduledUpdate expected = new ScheduledUpdate("business-hours", t("2026-03-30T06:00:00Z"), 4, null, 4);

        assertThat(a.due(t("2026-03-30T05:59:59Z"), t("2026-03-30T06:00:00Z"))).contains(expected);
        assertThat(a.due(t("2026-03-30T06:00:00Z"), t("2026-03-30T06:00:01Z"))).isEmpty(); // from is exclusive
        assertThat(a.due(t("2026-03-28T00:00:00Z"), t("2026-03-29T23:59:59Z"))).isEmpty(); // weekend
        // A controller that was down for days applies only the latest.
        assertThat(a.due(t("2026-03-26T00:00:00Z"), t("2026-03-31T12:00:00Z")))
                .contains(new ScheduledUpdate("business-hours", t("2026-03-31T06:00:00Z"), 4, null, 4));
    }

    @Test
    void startAndEndTimeBoundTheRecurrence() {
        ScheduledAction a = businessHours(t("2026-03-31T06:00:00Z"), t("2026-04-02T12:00:00Z"));
        assertThat(a.nextFireAfter(t("2026-03-26T00:00:00Z"))).contains(t("2026-03-31T06:00:00Z")); // start inclusive
        assertThat(a.due(t("2026-03-29T00:00:00Z"), t("2026-03-30T23:00:00Z"))).isEmpty();
        assertThat(a.nextFireAfter(t("2026-04-01T06:00:00Z"))).contains(t("2026-04-02T06:00:00Z"));
        assertThat(a.nextFireAfter(t("2026-04-02T06:00:00Z"))).isEmpty(); // the next would be after endTime
    }

    @Test
    void oneTimeActionAtStartTime() {
        ScheduledAction a = ScheduledAction.of(new ScheduledActionConfig("launch-day", null, null,
                t("2026-12-01T09:30:00Z"), null, null, 12, 10));
        assertThat(a.nextFireAfter(t("2026-11-30T00:00:00Z"))).contains(t("2026-12-01T09:30:00Z"));
        assertThat(a.due(t("2026-12-01T09:29:59Z"), t("2026-12-01T09:30:00Z")))
                .contains(new ScheduledUpdate("launch-day", t("2026-12-01T09:30:00Z"), null, 12, 10));
        assertThat(a.due(t("2026-12-01T09:30:00Z"), t("2026-12-02T00:00:00Z"))).isEmpty();
        assertThat(a.nextFireAfter(t("2026-12-01T09:30:00Z"))).isEmpty();
    }

    @Test
    void utcByDefault() {
        ScheduledAction a = ScheduledAction.of(new ScheduledActionConfig("nightly", "30 2 * * *", null, null, null,
                null, null, 1));
        assertThat(a.nextFireAfter(t("2026-07-01T00:00:00Z"))).contains(t("2026-07-01T02:30:00Z"));
    }

    @Test
    void rejectsBadConfigNamingTheAction() {
        assertThatThrownBy(() -> ScheduledAction.of(new ScheduledActionConfig("x", "0 8 * * MON-FRI", "Mars/Olympus",
                null, null, 1, null, null))).hasMessageStartingWith("scheduledActions[x].timeZone: Mars/Olympus");
        assertThatThrownBy(() -> ScheduledAction.of(new ScheduledActionConfig("x", "0 8 * *", null,
                null, null, 1, null, null))).hasMessageStartingWith("scheduledActions[x].recurrence: ");
        assertThatThrownBy(() -> ScheduledAction.of(new ScheduledActionConfig("x", null, null,
                null, null, 1, null, null))).hasMessageContaining("neither recurrence nor startTime");
        assertThatThrownBy(() -> ScheduledAction.of(new ScheduledActionConfig("x", "0 8 * * *", null,
                null, null, null, null, null))).hasMessageContaining("sets none of minSize, maxSize, desiredCapacity");
    }
}
