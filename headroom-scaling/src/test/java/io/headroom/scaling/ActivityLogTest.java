package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActivityLogTest {
    @Test
    void keepsTheNewestFirstUpToItsCapacityAndTheFirstOutcomeStands() {
        ActivityLog log = new ActivityLog("web", 3);
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        ActivityLog.Entry first = null;
        for (int i = 1; i <= 5; i++) {
            ActivityLog.Entry e = log.start("activity " + i, "cause " + i, t.plusSeconds(i));
            if (i == 5) {
                first = e;
            }
        }
        first.end(t.plusSeconds(9), Activity.SUCCESSFUL, null);
        first.end(t.plusSeconds(10), Activity.FAILED, "too late");
        assertThat(log.snapshot()).extracting(Activity::description).containsExactly("activity 5", "activity 4", "activity 3");
        Activity newest = log.snapshot().get(0);
        assertThat(newest.statusCode()).isEqualTo(Activity.SUCCESSFUL);
        assertThat(newest.endTime()).isEqualTo(t.plusSeconds(9));
        assertThat(newest.progress()).isEqualTo(100);
        assertThat(log.snapshot().get(1).statusCode()).isEqualTo(Activity.IN_PROGRESS);
        assertThat(log.snapshot().get(1).groupName()).isEqualTo("web");
    }
}
