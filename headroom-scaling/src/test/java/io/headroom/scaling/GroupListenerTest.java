package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.Fixtures.Group;
import io.headroom.scaling.provider.ProcessProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hooks durable state and notifications use: listeners and {@link AutoScalingGroup#restore}. */
class GroupListenerTest {
    private static final LaunchTemplateConfig SLEEPER = Fixtures.template("sleeper", List.of("sleep", "300"));

    /** The groups here have no target groups: nothing is ever registered. */
    private static final io.headroom.core.target.TargetRegistry NO_TARGET_GROUPS = new io.headroom.core.target.TargetRegistry() {
        @Override
        public void register(String targetGroup, io.headroom.core.target.TargetAddress target) {
            throw new IllegalArgumentException("no target group " + targetGroup);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> deregister(String targetGroup,
                io.headroom.core.target.TargetAddress target) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public List<io.headroom.core.target.TargetHealth> describe(String targetGroup) {
            return List.of();
        }
    };

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final List<Activity> activities = new CopyOnWriteArrayList<>();
    private final List<GroupCapacity> capacities = new CopyOnWriteArrayList<>();
    private final List<PolicyAlarm> alarms = new CopyOnWriteArrayList<>();
    private ProcessProvider provider;
    private MetricStore store;
    private AutoScalingController controller;

    private final GroupListener recorder = new GroupListener() {
        @Override
        public void activity(Activity a) {
            activities.add(a);
        }

        @Override
        public void capacityChanged(GroupCapacity c) {
            capacities.add(c);
        }

        @Override
        public void alarmChanged(String groupName, PolicyAlarm alarm) {
            assertThat(groupName).isEqualTo("workers");
            alarms.add(alarm);
        }
    };

    @BeforeEach
    void setUp() {
        provider = new ProcessProvider(stateDir, clock);
        store = MetricStore.inMemory(Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() {
        try {
            if (controller != null) {
                controller.close();
            }
        } finally {
            provider.close();
        }
    }

    private AutoScalingGroup start(Group group) {
        controller = new AutoScalingController(Fixtures.config(List.of(SLEEPER), group), provider, NO_TARGET_GROUPS, store, clock);
        controller.addListener(recorder);
        return controller.group(group.name());
    }

    @Test
    void listenersHearCapacityChangesActivitiesAndAlarmTransitions() {
        AlarmConfig deep = new AlarmConfig("QueueDepth", Map.of("Queue", "jobs"), "Maximum", 10, 1, 1, 100,
                AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD);
        AutoScalingGroup g = start(Group.of("workers", "sleeper", 0, 3, 0).policies(new ScalingPolicyConfig.Simple("queue",
                ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY, 1, null, 60, deep)));
        MetricKey depth = MetricKey.of("QueueDepth", Dimensions.of("Queue", "jobs"));
        int ticks = 0;
        while (g.desiredCapacity() == 0 && ticks++ < 60) {
            store.record(depth, clock.instant().getEpochSecond(), 500);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(alarms).extracting(PolicyAlarm::state).containsExactly(AlarmState.ALARM);
        assertThat(alarms.get(0).history()).last().satisfies(t -> {
            assertThat(t.from()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
            assertThat(t.to()).isEqualTo(AlarmState.ALARM);
        });
        assertThat(capacities).containsExactly(new GroupCapacity("workers", 0, 3, 1, 0, 0));
        // One snapshot for the instant desired-capacity change, then the launch as it starts.
        assertThat(activities).filteredOn(a -> a.description().equals("Changing the desired capacity from 0 to 1"))
                .singleElement().extracting(Activity::statusCode).isEqualTo(Activity.SUCCESSFUL);
        assertThat(activities).anySatisfy(a -> {
            assertThat(a.description()).startsWith("Launching a new EC2 instance: ");
            assertThat(a.statusCode()).isEqualTo(Activity.IN_PROGRESS);
        });

        g.setDesiredCapacity(2, null);
        assertThat(capacities).last().isEqualTo(new GroupCapacity("workers", 0, 3, 2, 1, 0));
        int before = capacities.size();
        controller.tick(clock.advanceSeconds(1));
        assertThat(capacities).as("no change, nothing told").hasSize(before);
    }

    @Test
    void restoreClampsTheDesiredCapacityAndListsTheOldActivitiesAfterTheNewOnes() {
        AutoScalingGroup g = start(Group.of("workers", "sleeper", 1, 3, 1));
        Instant old = clock.instant().minusSeconds(3600);
        List<Activity> history = List.of(
                new Activity("old-2", "workers", "Launching a new EC2 instance: i-2", "c", old.plusSeconds(5), null,
                        Activity.IN_PROGRESS, null, 50),
                new Activity("old-1", "workers", "Changing the desired capacity from 1 to 5", "c", old, old,
                        Activity.SUCCESSFUL, null, 100));
        g.restore(5, history);

        assertThat(g.desiredCapacity()).as("clamped to maxSize").isEqualTo(3);
        assertThat(g.activities()).extracting(Activity::activityId).hasSize(3).endsWith("old-2", "old-1");
        assertThat(g.activities().get(0).description()).isEqualTo("Changing the desired capacity from 1 to 3");
        assertThat(g.activities().get(0).cause()).contains("a restart of Headroom restored the desired capacity");
        assertThat(g.activities().get(1)).satisfies(a -> {
            assertThat(a.statusCode()).as("never ended before the restart").isEqualTo(Activity.CANCELLED);
            assertThat(a.endTime()).isEqualTo(clock.instant());
        });
        assertThat(capacities).containsExactly(new GroupCapacity("workers", 1, 3, 3, 1, 1));
        assertThat(activities).extracting(Activity::activityId).doesNotContain("old-1", "old-2");
    }
}
