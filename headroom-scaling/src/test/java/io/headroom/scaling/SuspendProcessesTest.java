package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScheduledActionConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.Fixtures.Group;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Suspending and resuming a group's processes (AWS's SuspendProcesses / ResumeProcesses) against real child
 * processes. Time is a {@link ManualClock} moved one second per tick.
 */
class SuspendProcessesTest extends ControllerHarness {
    private AutoScalingGroup start(HeadroomConfig config) {
        return start(config, "workers");
    }

    private static Set<String> inService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService)
                .map(Instance::instanceId).collect(Collectors.toSet());
    }

    private static long active(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState().isActive()).count();
    }

    @Test
    void launchAndTerminateSuspendedHoldTheInstancesUntilResumed() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 4, 2)));
        tickUntil(() -> inService(g).size() == 2);

        g.suspendProcesses(List.of(ScalingProcess.Launch, ScalingProcess.Terminate));
        assertThat(g.suspendedProcesses()).containsOnlyKeys(ScalingProcess.Launch, ScalingProcess.Terminate)
                .containsValue("User suspended at " + AutoScalingGroup.at(clock.instant()));
        g.setDesiredCapacity(3, null);
        tick(10);
        assertThat(active(g)).isEqualTo(2); // no launch
        g.resumeProcesses(List.of(ScalingProcess.Launch));
        tickUntil(() -> inService(g).size() == 3);

        g.setDesiredCapacity(1, null);
        tick(10);
        assertThat(inService(g)).hasSize(3); // no scale in
        g.resumeProcesses(List.of());
        assertThat(g.suspendedProcesses()).isEmpty();
        tickUntil(() -> inService(g).size() == 1 && active(g) == 1);
    }

    @Test
    void healthCheckAndReplaceUnhealthySuspendedLeaveADeadInstanceAlone() throws Exception {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 4, 2)));
        tickUntil(() -> inService(g).size() == 2);
        Instance victim = g.instances().get(0);
        g.suspendProcesses(List.of(ScalingProcess.HealthCheck, ScalingProcess.ReplaceUnhealthy));
        ProcessHandle.of(provider.describe(victim.instanceId()).orElseThrow().pid()).orElseThrow().destroyForcibly();
        tick(10);
        // No health check: its process is gone but the group still counts it Healthy and InService.
        assertThat(g.instances()).filteredOn(i -> i.instanceId().equals(victim.instanceId())).singleElement()
                .satisfies(i -> assertThat(i.healthStatus()).isEqualTo(HealthStatus.Healthy));

        // Health checks again, still no replacement: Unhealthy, kept, nothing launched in its place.
        g.resumeProcesses(List.of(ScalingProcess.HealthCheck));
        tickUntil(() -> g.instances().stream().anyMatch(i -> i.instanceId().equals(victim.instanceId())
                && i.healthStatus() == HealthStatus.Unhealthy));
        tick(10);
        assertThat(active(g)).isEqualTo(2);
        assertThat(inService(g)).contains(victim.instanceId());

        g.resumeProcesses(List.of(ScalingProcess.ReplaceUnhealthy));
        tickUntil(() -> !inService(g).contains(victim.instanceId()) && inService(g).size() == 2);
    }

    @Test
    void alarmNotificationSuspendedKeepsAlarmsButChangesNoCapacity() {
        AlarmConfig deepQueue = new AlarmConfig("QueueDepth", Map.of("Queue", "jobs"), "Maximum", 10, 1, 1, 100,
                AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD);
        ScalingPolicyConfig.Simple addOne = new ScalingPolicyConfig.Simple("queue",
                ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY, 1, null, 0, deepQueue);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 1).policies(addOne)));
        g.suspendProcesses(List.of(ScalingProcess.AlarmNotification));
        MetricKey depth = MetricKey.of("QueueDepth", Dimensions.of("Queue", "jobs"));
        for (int s = 0; s < 30; s++) {
            store.record(depth, clock.instant().getEpochSecond(), 500);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.alarms().get(0).state()).isEqualTo(AlarmState.ALARM);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        g.resumeProcesses(List.of(ScalingProcess.AlarmNotification));
        store.record(depth, clock.instant().getEpochSecond(), 500);
        controller.tick(clock.advanceSeconds(1));
        assertThat(g.desiredCapacity()).isEqualTo(2);
    }

    @Test
    void scheduledActionsDueWhileSuspendedAreSkipped() {
        ScheduledActionConfig at10 = new ScheduledActionConfig("at10", null, null, T0.plusSeconds(10), null, null, null, 3);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER),
                Group.of("workers", "sleeper", 0, 3, 0).scheduled(at10)));
        g.suspendProcesses(List.of(ScalingProcess.ScheduledActions));
        tick(15);
        g.resumeProcesses(List.of(ScalingProcess.ScheduledActions));
        tick(5);
        assertThat(g.desiredCapacity()).isZero();
        assertThat(g.instances()).isEmpty();
    }

    @Test
    void addToLoadBalancerSuspendedRegistersNewInstancesOnlyOnceResumed() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 1)
                .elb("web", 30)));
        g.suspendProcesses(EnumSet.of(ScalingProcess.AddToLoadBalancer));
        tickUntil(() -> g.instances().stream().anyMatch(i -> i.host() != null));
        tick(3);
        assertThat(registry.describe("web")).isEmpty();
        g.resumeProcesses(List.of(ScalingProcess.AddToLoadBalancer));
        tick(1);
        Instance i = g.instances().get(0);
        assertThat(registry.describe("web")).extracting(TargetHealth::target)
                .containsExactly(new TargetAddress(i.host(), i.port()));
    }

    @Test
    void instanceRefreshOrTerminateSuspendedStartsNoBatch() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 2)));
        tickUntil(() -> inService(g).size() == 2);
        Set<String> old = inService(g);
        g.suspendProcesses(List.of(ScalingProcess.InstanceRefresh, ScalingProcess.Terminate));
        g.startInstanceRefresh(50, 0, false);
        tick(5);
        assertThat(inService(g)).isEqualTo(old);
        g.resumeProcesses(List.of(ScalingProcess.InstanceRefresh));
        tick(5);
        assertThat(inService(g)).isEqualTo(old); // Terminate is still suspended
        g.resumeProcesses(List.of(ScalingProcess.Terminate));
        tickUntil(() -> g.instanceRefreshes().get(0).status() == InstanceRefresh.Status.Successful);
        assertThat(inService(g)).hasSize(2).doesNotContainAnyElementsOf(old);
    }

    @Test
    void aRefreshThatMustLaunchFirstWaitsWhileLaunchIsSuspended() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 2, 1)));
        tickUntil(() -> inService(g).size() == 1);
        Set<String> old = inService(g);
        g.suspendProcesses(List.of(ScalingProcess.Launch));
        g.startInstanceRefresh(90, 0, false);
        tick(10);
        assertThat(inService(g)).isEqualTo(old); // not terminated: its replacement could not be launched
        assertThat(g.instanceRefreshes().get(0).statusReason()).isEqualTo("Waiting for 1 replacement to be launched"
                + " before terminating.");
        g.resumeProcesses(List.of());
        tickUntil(() -> g.instanceRefreshes().get(0).status() == InstanceRefresh.Status.Successful);
        assertThat(inService(g)).hasSize(1).doesNotContainAnyElementsOf(old);
    }

    @Test
    void noProcessesGivenMeansAllAndResumingNoneSuspendedIsHarmless() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 0, 3, 0)));
        g.resumeProcesses(List.of(ScalingProcess.Launch));
        g.suspendProcesses(List.of());
        assertThat(g.suspendedProcesses().keySet()).containsExactlyInAnyOrder(ScalingProcess.values());
        String reason = g.suspendedProcesses().get(ScalingProcess.Launch);
        clock.advanceSeconds(5);
        g.suspendProcesses(List.of(ScalingProcess.Launch)); // already suspended: the reason stays
        assertThat(g.suspendedProcesses().get(ScalingProcess.Launch)).isEqualTo(reason);
    }
}
