package io.headroom.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.alarm.AlarmTransition;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.MinuteRollup;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.Activity;
import io.headroom.scaling.GroupCapacity;
import io.headroom.scaling.PolicyAlarm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on its own, on a real SQLite file, with a {@link ManualClock}. */
class StateStoreTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.at("2026-11-25T10:00:00Z");

    @Test
    void metricsAreRolledUpPerMinuteAndPrunedAfterFifteenDays() {
        MetricStore metrics = MetricStore.inMemory(Duration.ofHours(1));
        MetricKey rt = MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "web"));
        MetricKey cpu = MetricKey.of("CPUUtilization", Dimensions.of("AutoScalingGroupName", "web"));
        long m0 = clock.instant().getEpochSecond(); // 10:00:00
        for (int i = 1; i <= 100; i++) {
            metrics.record(rt, m0 + (i % 60), i); // 100 samples in the first minute: 1..100
        }
        metrics.record(cpu, m0 + 5, 20);
        metrics.record(cpu, m0 + 65, 40);
        metrics.record(cpu, m0 + 70, 60);
        try (StateStore s = StateStore.open(dir, clock)) {
            // 10:01:03: the first minute ended, but the publisher may still be writing its last second.
            assertThat(s.rollUp(metrics, Instant.parse("2026-11-25T10:01:03Z"))).isZero();
            assertThat(s.rollUp(metrics, Instant.parse("2026-11-25T10:01:06Z"))).isEqualTo(2);
            assertThat(s.rollUp(metrics, Instant.parse("2026-11-25T10:01:30Z"))).as("nothing new").isZero();
            assertThat(s.rollUp(metrics, Instant.parse("2026-11-25T10:02:10Z"))).isEqualTo(1);

            List<MinuteRollup> r = s.metricHistory(rt, Instant.parse("2026-11-25T09:00:00Z"), Instant.parse("2026-11-25T11:00:00Z"));
            assertThat(r).hasSize(1);
            MinuteRollup first = r.get(0);
            assertThat(first.minute()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
            assertThat(first.sampleCount()).isEqualTo(100);
            assertThat(first.sum()).isEqualTo(5050);
            assertThat(first.minimum()).isEqualTo(1);
            assertThat(first.maximum()).isEqualTo(100);
            assertThat(first.average()).isEqualTo(50.5);
            assertThat(first.p50()).isCloseTo(50, org.assertj.core.data.Offset.offset(0.5));
            assertThat(first.p99()).isCloseTo(99, org.assertj.core.data.Offset.offset(1.0));

            List<MinuteRollup> c = s.metricHistory(cpu, Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"));
            assertThat(c).extracting(MinuteRollup::minute).containsExactly(Instant.parse("2026-11-25T10:00:00Z"),
                    Instant.parse("2026-11-25T10:01:00Z"));
            assertThat(c.get(1).sum()).isEqualTo(100);
            assertThat(c.get(1).sampleCount()).isEqualTo(2);
            assertThat(c.get(1).maximum()).isEqualTo(60);

            // 15 days after the second minute: the first is past the retention, the second is not.
            s.prune(Instant.parse("2026-12-10T10:00:30Z"));
            assertThat(s.metricHistory(rt, Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"))).isEmpty();
            assertThat(s.metricHistory(cpu, Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z")))
                    .extracting(MinuteRollup::minute).containsExactly(Instant.parse("2026-11-25T10:01:00Z"));
            s.prune(Instant.parse("2026-12-10T10:02:00Z"));
            assertThat(s.metricHistory(cpu, Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"))).isEmpty();
        }
    }

    @Test
    void theWriterThreadRollsUpOnItsOwnWhenTheInjectedClockPassesAMinute() {
        MetricStore metrics = MetricStore.inMemory(Duration.ofHours(1));
        MetricKey rc = MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "web"));
        metrics.record(rc, clock.instant().getEpochSecond() + 10, 7);
        try (StateStore s = StateStore.open(dir, clock)) {
            s.startRollups(metrics);
            clock.advanceSeconds(66);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> s.metricHistory(rc, Instant.EPOCH, clock.instant()).size() == 1);
            assertThat(s.metricHistory(rc, Instant.EPOCH, clock.instant()).get(0).sum()).isEqualTo(7);
        }
    }

    @Test
    void capacitiesActivitiesAlarmsAndTargetsSurviveReopening() {
        Instant t0 = clock.instant();
        Activity launching = new Activity("a-1", "web", "Launching a new EC2 instance: i-1", "At ... started", t0, null,
                Activity.IN_PROGRESS, null, 0);
        try (StateStore s = StateStore.open(dir, clock)) {
            assertThat(s.status()).isEqualTo(new StateStatus(dir.resolve("headroom.db"), true, null));
            s.capacityChanged(new GroupCapacity("web", 1, 5, 3, 2, 2));
            s.activity(launching);
            s.activity(new Activity("a-1", "web", "Launching a new EC2 instance: i-1", "At ... started", t0,
                    t0.plusSeconds(9), Activity.SUCCESSFUL, null, 100));
            s.activity(new Activity("a-2", "web", "Changing the desired capacity from 2 to 3", "At ...", t0.plusSeconds(20),
                    t0.plusSeconds(20), Activity.SUCCESSFUL, null, 100));
            s.alarmChanged("web", new PolicyAlarm("burst", "StepScaling-web-burst", "CPU > 80", AlarmState.ALARM, "crossed",
                    t0, List.of(new AlarmTransition(t0, AlarmState.INSUFFICIENT_DATA, AlarmState.ALARM, "crossed"))));
            var targets = s.runtimeTargets(new RecordingRegistry());
            targets.register("web", new io.headroom.core.target.TargetAddress("127.0.0.1", 9001));
            targets.register("web", new io.headroom.core.target.TargetAddress("127.0.0.1", 9002));
            targets.deregister("web", new io.headroom.core.target.TargetAddress("127.0.0.1", 9001));
        }
        try (StateStore s = StateStore.open(dir, clock)) {
            assertThat(s.capacity("web")).get().extracting(SavedCapacity::minSize, SavedCapacity::maxSize,
                    SavedCapacity::desiredCapacity, SavedCapacity::configuredDesiredCapacity).containsExactly(1, 5, 3, 2);
            assertThat(s.capacity("other")).isEmpty();
            assertThat(s.activities("web", 10)).extracting(Activity::activityId, Activity::statusCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a-2", Activity.SUCCESSFUL),
                            org.assertj.core.groups.Tuple.tuple("a-1", Activity.SUCCESSFUL));
            assertThat(s.activities("web", 10).get(1).endTime()).isEqualTo(t0.plusSeconds(9));
            assertThat(s.alarmChanges("web", 10)).extracting(AlarmChange::alarmName, AlarmChange::to)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("StepScaling-web-burst", AlarmState.ALARM));
            assertThat(s.savedTargets()).extracting(StateStore.SavedTarget::targetGroup, t -> t.target().port())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("web", 9002));
        }
    }

    @Test
    void onlyTheNewest500ActivitiesOfAGroupAreKept() {
        try (StateStore s = StateStore.open(dir, clock)) {
            Instant t0 = clock.instant();
            for (int i = 0; i < 520; i++) {
                s.activity(new Activity("a-" + i, "web", "d", "c", t0.plusSeconds(i), t0.plusSeconds(i), Activity.SUCCESSFUL,
                        null, 100));
            }
            s.activity(new Activity("b-0", "api", "d", "c", t0, t0, Activity.SUCCESSFUL, null, 100));
            assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
            s.prune(t0.plusSeconds(600));
            assertThat(s.activities("web", 1000)).hasSize(500).first().extracting(Activity::activityId).isEqualTo("a-519");
            assertThat(s.activities("web", 1000)).last().extracting(Activity::activityId).isEqualTo("a-20");
            assertThat(s.activities("api", 1000)).hasSize(1);
        }
    }

    @Test
    void aCorruptFileIsMovedAsideAndAFreshOneStarted() throws Exception {
        Path db = dir.resolve("headroom.db");
        Files.writeString(db, "this is not an SQLite database, just garbage ".repeat(200));
        try (StateStore s = StateStore.open(dir, clock)) {
            assertThat(s.status().persisting()).isTrue();
            assertThat(s.status().problem()).contains(db.toString()).contains("corrupt").contains("headroom.db.corrupt-20261125T100000Z");
            s.capacityChanged(new GroupCapacity("web", 1, 5, 4, 2, 2));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("headroom.db", "headroom.db.corrupt-20261125T100000Z");
        }
        assertThat(Files.readString(dir.resolve("headroom.db.corrupt-20261125T100000Z"))).startsWith("this is not an SQLite");
        try (StateStore s = StateStore.open(dir, clock)) {
            assertThat(s.status().problem()).isNull();
            assertThat(s.capacity("web")).get().extracting(SavedCapacity::desiredCapacity).isEqualTo(4);
        }
    }

    @Test
    void anUnwritableStateDirMeansNoPersistenceAndAClearProblem() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        try (StateStore s = StateStore.open(notADir.resolve("state"), clock)) {
            assertThat(s.status().persisting()).isFalse();
            assertThat(s.status().problem()).contains(notADir.resolve("state").resolve("headroom.db").toString())
                    .contains("running without saving state");
            // Writes and reads are harmless no-ops.
            s.capacityChanged(new GroupCapacity("web", 1, 5, 4, 2, 2));
            assertThat(s.capacity("web")).isEmpty();
            assertThat(s.flush(Duration.ofSeconds(1))).isTrue();
        }
    }

    /** Records registrations, to stand in for the data plane's target groups. */
    static final class RecordingRegistry implements io.headroom.core.target.TargetRegistry {
        final java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void register(String targetGroup, io.headroom.core.target.TargetAddress target) {
            calls.add("register " + targetGroup + " " + target);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> deregister(String targetGroup,
                io.headroom.core.target.TargetAddress target) {
            calls.add("deregister " + targetGroup + " " + target);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public java.util.List<io.headroom.core.target.TargetHealth> describe(String targetGroup) {
            return java.util.List.of();
        }
    }
}
