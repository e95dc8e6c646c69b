package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.target.TargetState;
import io.headroom.scaling.Fixtures.Group;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The instance maintenance policy (AWS's InstanceMaintenancePolicy) against real processes: above 100 % the
 * replacement of an unhealthy, expired or rebalanced instance is InService and warmed up before the instance goes; at
 * 100 % the instance goes first (an unhealthy one at once, a healthy one while the minimum stays ready); an instance
 * refresh takes its percentages from it. Health is set by the test ({@link ManualHealthRegistry}), so {@code sleep}
 * processes stand in for instances.
 */
class InstanceMaintenancePolicyTest extends ControllerHarness {
    private final ManualHealthRegistry targets = new ManualHealthRegistry("web");

    @AfterEach
    void closeTargets() {
        targets.close();
    }

    private AutoScalingGroup startGroup(AutoScalingGroupConfig c) {
        return start(Fixtures.config(List.of(SLEEPER), c), c.name(), targets);
    }

    private static AutoScalingGroupConfig policy(Group g, int min, int max) {
        return Fixtures.withInstanceMaintenancePolicy(g.config(), min, max);
    }

    private static Set<String> ids(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).map(Instance::instanceId)
                .collect(Collectors.toSet());
    }

    private static Instance instance(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElse(null);
    }

    private static boolean gone(AutoScalingGroup g, String id) {
        Instance i = instance(g, id);
        return i == null || !i.lifecycleState().isActive();
    }

    private static Activity activity(AutoScalingGroup g, String description) {
        return g.activities().stream().filter(a -> a.description().equals(description)).findFirst().orElseThrow();
    }

    /** The launch activity of the instance launched after {@code ids} were there. */
    private static Activity launchOfAnotherThan(AutoScalingGroup g, Set<String> ids) {
        return g.activities().stream().filter(a -> a.description().startsWith("Launching a new EC2 instance")
                && ids.stream().noneMatch(id -> a.description().endsWith(id))).findFirst().orElseThrow();
    }

    private void failHealthCheck(Instance i) {
        targets.set(i.host(), i.port(), TargetState.UNHEALTHY);
    }

    @Test
    void above100AnUnhealthyInstanceStaysUntilItsReplacementIsInServiceAndWarmedUp() {
        AutoScalingGroup g = startGroup(policy(Group.of("web", "sleeper", 1, 3, 2).elb("web", 0).warmup(5), 100, 150));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        tick(6);
        Set<String> first = ids(g, LifecycleState.InService);
        Instance sick = instance(g, first.iterator().next());
        targets.newTargetsHealthy = false;
        failHealthCheck(sick);

        // The replacement is launched and Pending; the unhealthy instance stays InService meanwhile.
        tickUntil(() -> g.instances().size() == 3 && ids(g, LifecycleState.Pending).size() == 1);
        tick(5);
        assertThat(instance(g, sick.instanceId()).lifecycleState()).isEqualTo(LifecycleState.InService);
        assertThat(instance(g, sick.instanceId()).healthStatus()).isEqualTo(HealthStatus.Unhealthy);

        targets.passInitial();
        int[] fewest = {Integer.MAX_VALUE};
        tickUntil(() -> {
            fewest[0] = Math.min(fewest[0], ids(g, LifecycleState.InService).size());
            return gone(g, sick.instanceId());
        });
        assertThat(fewest[0]).as("InService never below the desired capacity").isGreaterThanOrEqualTo(2);
        Activity launched = launchOfAnotherThan(g, first);
        Activity terminated = activity(g, "Terminating EC2 instance: " + sick.instanceId());
        assertThat(terminated.cause()).endsWith("an instance was taken out of service in response to an ELB system"
                + " health check failure.");
        // Terminated only once the replacement was InService and past the group's 5 s instance warmup.
        assertThat(Duration.between(launched.endTime(), terminated.startTime())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void at100AnUnhealthyInstanceGoesFirstAndAReloadToLaunchBeforeTerminatingAppliesToTheNextOne() {
        Group group = Group.of("web", "sleeper", 1, 3, 2).elb("web", 0);
        AutoScalingGroup g = startGroup(policy(group, 90, 100));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        Set<String> first = ids(g, LifecycleState.InService);
        Instance sick = instance(g, first.iterator().next());
        targets.newTargetsHealthy = false;
        failHealthCheck(sick);

        // Terminate and launch: it serves nothing, so it goes at once although 90 % of 2 is 2.
        tickUntil(() -> gone(g, sick.instanceId()));
        assertThat(g.instances()).filteredOn(i -> i.lifecycleState() == LifecycleState.InService
                && !first.contains(i.instanceId())).as("no replacement InService yet").isEmpty();
        Activity terminated = activity(g, "Terminating EC2 instance: " + sick.instanceId());
        tickUntil(() -> g.instances().stream().anyMatch(i -> !first.contains(i.instanceId())));
        assertThat(launchOfAnotherThan(g, first).startTime()).isAfterOrEqualTo(terminated.startTime());
        targets.passInitial();
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        targets.newTargetsHealthy = false;

        // A reload to launch before terminating: the next unhealthy instance waits for its replacement.
        controller.apply(Fixtures.config(List.of(SLEEPER), policy(group, 100, 150)));
        Set<String> second = ids(g, LifecycleState.InService);
        Instance next = instance(g, second.iterator().next());
        failHealthCheck(next);
        tickUntil(() -> ids(g, LifecycleState.Pending).size() == 1);
        tick(3);
        assertThat(instance(g, next.instanceId()).lifecycleState()).isEqualTo(LifecycleState.InService);
        targets.passInitial();
        tickUntil(() -> gone(g, next.instanceId()));
        assertThat(ids(g, LifecycleState.InService)).hasSize(2).doesNotContain(next.instanceId());
    }

    @Test
    void at100With90PercentAnExpiredInstanceGoesBeforeItsReplacementOneAtATime() {
        Group group = Group.of("web", "sleeper", 1, 11, 10);
        AutoScalingGroup g = startGroup(Fixtures.withMaxInstanceLifetime(policy(group, 90, 100), 60));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 10);
        Set<String> first = ids(g, LifecycleState.InService);
        int[] fewest = {Integer.MAX_VALUE};
        int[] most = {0};
        tickUntil(() -> {
            fewest[0] = Math.min(fewest[0], ids(g, LifecycleState.InService).size());
            most[0] = (int) Math.max(most[0], g.instances().stream().filter(i -> i.lifecycleState().isActive()).count());
            return ids(g, LifecycleState.InService).stream().filter(first::contains).count() <= 8;
        });
        // Terminate and launch, keeping 90 % of 10 = 9 InService: one at a time, never above the desired capacity.
        assertThat(fewest[0]).isEqualTo(9);
        assertThat(most[0]).isEqualTo(10);
        List<Activity> terminations = g.activities().stream()
                .filter(a -> a.description().startsWith("Terminating EC2 instance")).toList();
        assertThat(terminations).hasSizeGreaterThanOrEqualTo(2).allMatch(a -> a.cause().contains("in response to a maximum instance"
                + " lifetime limit"));
        Instant firstTermination = terminations.stream().map(Activity::startTime).min(Instant::compareTo).orElseThrow();
        assertThat(launchOfAnotherThan(g, first).startTime()).isAfterOrEqualTo(firstTermination);
    }

    @Test
    void above100AnExpiredInstanceGoesOnlyOnceItsReplacementIsWarmedUp() {
        Group group = Group.of("web", "sleeper", 1, 3, 2).warmup(5);
        AutoScalingGroup g = startGroup(Fixtures.withMaxInstanceLifetime(policy(group, 100, 150), 60));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        Set<String> first = ids(g, LifecycleState.InService);
        int[] fewest = {Integer.MAX_VALUE};
        tickUntil(() -> {
            fewest[0] = Math.min(fewest[0], ids(g, LifecycleState.InService).size());
            return g.activities().stream().anyMatch(a -> a.description().startsWith("Terminating EC2 instance"));
        });
        assertThat(fewest[0]).as("InService never below the desired capacity").isGreaterThanOrEqualTo(2);
        Activity terminated = g.activities().stream().filter(a -> a.description().startsWith("Terminating EC2 instance"))
                .findFirst().orElseThrow();
        assertThat(Duration.between(launchOfAnotherThan(g, first).endTime(), terminated.startTime()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void at100ZoneRebalancingTerminatesFirstWhileTheMinimumStaysReady() {
        Group group = Group.of("web", "sleeper", 1, 4, 4).zones("zone-a", "zone-b");
        AutoScalingGroup g = startGroup(policy(group, 50, 100));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 4);
        // Both of zone-b's instances go with the desired capacity: 2 in zone-a, 0 in zone-b.
        String firstInB = inZoneB(g);
        g.terminateInstance(firstInB, true);
        tickUntil(() -> gone(g, firstInB) && ids(g, LifecycleState.InService).size() == 3);
        g.terminateInstance(inZoneB(g), true);
        Set<String> before = ids(g, LifecycleState.InService);
        int[] fewest = {Integer.MAX_VALUE};
        tickUntil(() -> {
            fewest[0] = Math.min(fewest[0], ids(g, LifecycleState.InService).size());
            return zones(g).equals(Map.of("zone-a", 1L, "zone-b", 1L));
        });
        // 50 % of 2 is 1: the zone-a instance goes first, then its replacement is launched into zone-b.
        assertThat(fewest[0]).isEqualTo(1);
        Activity terminated = g.activities().stream().filter(a -> a.description().startsWith("Terminating EC2 instance")
                && a.cause().contains("to aid in balancing the group's zones")).findFirst().orElseThrow();
        assertThat(launchOfAnotherThan(g, before).startTime()).isAfterOrEqualTo(terminated.startTime());
    }

    private static String inZoneB(AutoScalingGroup g) {
        return g.instances().stream().filter(x -> x.lifecycleState() == LifecycleState.InService
                && x.availabilityZone().equals("zone-b")).findFirst().orElseThrow().instanceId();
    }

    private static Map<String, Long> zones(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService)
                .collect(Collectors.groupingBy(Instance::availabilityZone, TreeMap::new, Collectors.counting()));
    }

    @Test
    void anInstanceRefreshTakesThePercentagesItDoesNotGiveFromThePolicy() {
        Group group = Group.of("web", "sleeper", 1, 3, 2);
        AutoScalingGroup g = startGroup(policy(group, 50, 150));
        InstanceRefresh byPolicy = g.startInstanceRefresh(null, RefreshPreferences.DEFAULTS);
        assertThat(byPolicy.minHealthyPercentage()).isEqualTo(50);
        assertThat(byPolicy.maxHealthyPercentage()).isEqualTo(150);
        g.cancelInstanceRefresh();

        // A percentage the refresh gives wins; the other still comes from the policy.
        InstanceRefresh explicit = g.startInstanceRefresh(null, new RefreshPreferences(100, null, null, false, List.of(),
                null, false, List.of(), null, null));
        assertThat(explicit.minHealthyPercentage()).isEqualTo(100);
        assertThat(explicit.maxHealthyPercentage()).isEqualTo(150);
        g.cancelInstanceRefresh();

        // A reload that removes the policy: AWS's 90 % and 100 % again.
        controller.apply(Fixtures.config(List.of(SLEEPER), group));
        InstanceRefresh byAws = g.startInstanceRefresh(null, RefreshPreferences.DEFAULTS);
        assertThat(byAws.minHealthyPercentage()).isEqualTo(90);
        assertThat(byAws.maxHealthyPercentage()).isEqualTo(100);
    }
}
