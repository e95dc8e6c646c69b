package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.scaling.Fixtures.Group;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * AZRebalance against real processes: an unbalanced group moves instances to its emptiest zone one at a time,
 * launching each replacement before terminating the instance it replaces.
 */
class ZoneRebalanceTest extends ControllerHarness {
    private static Set<String> inService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService)
                .map(Instance::instanceId).collect(Collectors.toSet());
    }

    /** InService instances per zone. */
    private static Map<String, Long> zones(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService)
                .collect(Collectors.groupingBy(Instance::availabilityZone, TreeMap::new, Collectors.counting()));
    }

    private static String inZone(AutoScalingGroup g, String zone) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService
                && i.availabilityZone().equals(zone)).map(Instance::instanceId).findFirst().orElseThrow();
    }

    @Test
    void terminatingWithDecrementUnbalancesTheZonesAndTheGroupMovesOneInstanceLaunchingFirst() {
        Group group = Group.of("web", "sleeper", 1, 4, 4).zones("zone-a", "zone-b");
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), group), "web");
        tickUntil(() -> inService(g).size() == 4);
        assertThat(zones(g)).containsExactly(Map.entry("zone-a", 2L), Map.entry("zone-b", 2L));

        // Both of zone-b's instances go, the desired capacity with them: 2 in zone-a, 0 in zone-b.
        g.terminateInstance(inZone(g, "zone-b"), true);
        tickUntil(() -> zones(g).getOrDefault("zone-b", 0L) == 1);
        g.terminateInstance(inZone(g, "zone-b"), true);
        tickUntil(() -> inService(g).size() == 2 && !zones(g).containsKey("zone-b"));
        Set<String> before = inService(g);

        // One instance moves: a zone-b instance is launched, and only once it is InService does a zone-a one go.
        int[] fewest = {Integer.MAX_VALUE};
        tickUntil(() -> {
            fewest[0] = Math.min(fewest[0], inService(g).size());
            return zones(g).equals(Map.of("zone-a", 1L, "zone-b", 1L));
        });
        assertThat(fewest[0]).as("InService never below the desired capacity").isGreaterThanOrEqualTo(2);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(inService(g)).hasSize(2).containsAnyElementsOf(before);
        assertThat(g.activities()).anyMatch(a -> a.description().startsWith("Launching a new EC2 instance")
                && a.cause().contains("an instance was launched to aid in balancing the group's zones"));
        assertThat(g.activities()).anyMatch(a -> a.description().startsWith("Terminating EC2 instance")
                && a.cause().contains("to aid in balancing the group's zones (zone-a: 2, zone-b: 0)"));

        // Balanced now: nothing more moves.
        Set<String> balanced = inService(g);
        tick(30);
        assertThat(inService(g)).isEqualTo(balanced);
    }

    @Test
    void atMaxSizeTheReplacementGoesAboveMaxAndAZoneRemovedByAReloadIsEmptied() {
        Group group = Group.of("web", "sleeper", 2, 2, 2).zones("zone-a", "zone-b");
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), group), "web");
        tickUntil(() -> inService(g).size() == 2);
        String inB = inZone(g, "zone-b");

        // zone-b is removed: its instance is replaced in zone-a, launched first although the group is at maxSize 2.
        controller.apply(Fixtures.config(List.of(SLEEPER), group.zones("zone-a")));
        int[] most = {0};
        tickUntil(() -> {
            most[0] = (int) Math.max(most[0], g.instances().stream().filter(i -> i.lifecycleState().isActive()).count());
            return zones(g).equals(Map.of("zone-a", 2L));
        });
        assertThat(most[0]).as("one instance above maxSize while the replacement launched").isEqualTo(3);
        tickUntil(() -> g.instances().stream().noneMatch(i -> i.instanceId().equals(inB)
                && i.lifecycleState() != LifecycleState.Terminated));
        assertThat(g.activities()).anyMatch(a -> a.description().equals("Terminating EC2 instance: " + inB)
                && a.cause().contains("in response to the removal of its Availability Zone zone-b from the group"));
    }

    @Test
    void suspendedAZRebalanceAndProtectedInstancesStayWhereTheyAre() {
        Group group = Group.of("web", "sleeper", 1, 4, 4).zones("zone-a", "zone-b");
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), group), "web");
        tickUntil(() -> inService(g).size() == 4);
        g.suspendProcesses(List.of(ScalingProcess.AZRebalance));
        g.terminateInstance(inZone(g, "zone-b"), true);
        tickUntil(() -> zones(g).getOrDefault("zone-b", 0L) == 1);
        g.terminateInstance(inZone(g, "zone-b"), true);
        tickUntil(() -> inService(g).size() == 2 && !zones(g).containsKey("zone-b"));
        Set<String> unbalanced = inService(g);
        tick(30);
        assertThat(inService(g)).isEqualTo(unbalanced);
        assertThat(g.instances()).noneMatch(Instance::replacing);

        // Resumed, but both zone-a instances protected from scale in: still nothing moves.
        unbalanced.forEach(id -> g.setInstanceProtection(id, true));
        g.resumeProcesses(List.of(ScalingProcess.AZRebalance));
        tick(30);
        assertThat(inService(g)).isEqualTo(unbalanced);

        // One unprotected: that one moves.
        String unprotected = unbalanced.iterator().next();
        g.setInstanceProtection(unprotected, false);
        tickUntil(() -> zones(g).equals(Map.of("zone-a", 1L, "zone-b", 1L)));
        assertThat(inService(g)).doesNotContain(unprotected);
    }
}
