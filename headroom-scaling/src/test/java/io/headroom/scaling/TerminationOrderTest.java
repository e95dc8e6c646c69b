package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationOrderTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static Member member(String id, String zone, int version, int launchedAtSecond, LifecycleState state) {
        Member m = new Member(id, zone, version, T0.plusSeconds(launchedAtSecond), false);
        m.state = state;
        return m;
    }

    private static Member inService(String id, String zone, int version, int launchedAtSecond) {
        return member(id, zone, version, launchedAtSecond, LifecycleState.InService);
    }

    private static List<String> ids(List<Member> ms) {
        return ms.stream().map(m -> m.id).toList();
    }

    @Test
    void zoneBalanceComesBeforeThePolicy() {
        // zone-a has 3, zone-b 1: the oldest overall (b1) survives because zone-a must shrink first.
        List<Member> active = List.of(inService("b1", "zone-b", 1, 0), inService("a1", "zone-a", 1, 10),
                inService("a2", "zone-a", 1, 20), inService("a3", "zone-a", 1, 30));
        assertThat(ids(TerminationOrder.choose(active, 1, List.of(TerminationPolicy.OLDEST_INSTANCE), 1))).containsExactly("a1");
        // Three out: a1 and a2 (zone-a 3 → 1), then zones are even and the oldest of all goes: b1.
        assertThat(ids(TerminationOrder.choose(active, 3, List.of(TerminationPolicy.OLDEST_INSTANCE), 1)))
                .containsExactly("a1", "a2", "b1");
    }

    @Test
    void oldestAndNewestInstance() {
        List<Member> active = List.of(inService("i1", "zone-a", 1, 0), inService("i2", "zone-a", 1, 10),
                inService("i3", "zone-a", 1, 20));
        assertThat(ids(TerminationOrder.choose(active, 1, List.of(TerminationPolicy.OLDEST_INSTANCE), 1))).containsExactly("i1");
        assertThat(ids(TerminationOrder.choose(active, 1, List.of(TerminationPolicy.NEWEST_INSTANCE), 1))).containsExactly("i3");
    }

    @Test
    void defaultTakesInstancesNotOnTheCurrentTemplateVersionFirstThenTheOldest() {
        List<Member> active = List.of(inService("old-v2", "zone-a", 2, 0), inService("v1", "zone-a", 1, 30),
                inService("v3-old", "zone-a", 3, 5), inService("v3-new", "zone-a", 3, 40));
        assertThat(ids(TerminationOrder.choose(active, 4, List.of(TerminationPolicy.DEFAULT), 3)))
                .containsExactly("v1", "old-v2", "v3-old", "v3-new");
        assertThat(ids(TerminationOrder.choose(active, 1, List.of(TerminationPolicy.OLDEST_LAUNCH_TEMPLATE), 3)))
                .containsExactly("v1");
        // Policies apply in order: NewestInstance first decides, OldestLaunchTemplate only breaks its ties.
        assertThat(ids(TerminationOrder.choose(active, 1,
                List.of(TerminationPolicy.NEWEST_INSTANCE, TerminationPolicy.OLDEST_LAUNCH_TEMPLATE), 3))).containsExactly("v3-new");
    }

    @Test
    void protectedInstancesAreNeverChosenButCountForZoneBalance() {
        Member a1 = inService("a1", "zone-a", 1, 0);
        a1.protectedFromScaleIn = true;
        Member a2 = inService("a2", "zone-a", 1, 10);
        a2.protectedFromScaleIn = true;
        List<Member> active = List.of(a1, a2, inService("b1", "zone-b", 1, 20));
        // zone-a has the most but nothing unprotected there, so zone-b's instance goes; then nothing is left.
        assertThat(ids(TerminationOrder.choose(active, 3, List.of(TerminationPolicy.OLDEST_INSTANCE), 1))).containsExactly("b1");
    }

    @Test
    void pendingInstancesGoBeforeInServiceOnes() {
        List<Member> active = List.of(inService("i1", "zone-a", 1, 0), member("p1", "zone-b", 1, 50, LifecycleState.Pending),
                inService("i2", "zone-a", 1, 10));
        assertThat(ids(TerminationOrder.choose(active, 2, List.of(TerminationPolicy.NEWEST_INSTANCE), 1)))
                .containsExactly("p1", "i2");
    }
}
