package io.headroom.core.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCombinerTest {
    private static final GroupState GROUP = new GroupState("web", 2, 10, 4, 4, 0, 0);

    private static ScalingDecision want(String policy, int n) {
        return ScalingDecision.want(policy, n, "cause of " + policy);
    }

    private static ScalingDecision none(String policy) {
        return ScalingDecision.none(policy, "no view");
    }

    @Test
    void scalesOutWhenAnyPolicyWantsMoreToTheLargest() {
        Optional<CapacityChange> c = PolicyCombiner.combine(List.of(want("a", 3), want("b", 7), want("c", 5), none("d")), GROUP);
        assertThat(c).contains(new CapacityChange(7, want("b", 7)));
    }

    @Test
    void scalesInOnlyWhenEveryPolicyWithAViewWantsLessToTheLargestOfThem() {
        assertThat(PolicyCombiner.combine(List.of(want("a", 3), want("b", 2), none("c")), GROUP))
                .contains(new CapacityChange(3, want("a", 3)));
        // A policy that wants to keep the capacity blocks scale-in.
        assertThat(PolicyCombiner.combine(List.of(want("a", 3), want("b", 4)), GROUP)).isEmpty();
    }

    @Test
    void noViewsOrNoChangeGiveNothing() {
        assertThat(PolicyCombiner.combine(List.of(), GROUP)).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(none("a"), none("b")), GROUP)).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(want("a", 4)), GROUP)).isEmpty();
    }

    @Test
    void clampsToMinAndMax() {
        assertThat(PolicyCombiner.combine(List.of(want("a", 25)), GROUP)).contains(new CapacityChange(10, want("a", 25)));
        assertThat(PolicyCombiner.combine(List.of(want("a", 0)), GROUP)).contains(new CapacityChange(2, want("a", 0)));
        GroupState atMax = new GroupState("web", 2, 10, 10, 10, 0, 0);
        assertThat(PolicyCombiner.combine(List.of(want("a", 12)), atMax)).isEmpty();
        GroupState atMin = new GroupState("web", 2, 10, 2, 2, 0, 0);
        assertThat(PolicyCombiner.combine(List.of(want("a", 1)), atMin)).isEmpty();
    }

    @Test
    void clampingNeverReversesTheDirection() {
        // Desired above max (max was just lowered): a policy wanting more must not cause a scale-in.
        GroupState above = new GroupState("web", 2, 10, 12, 12, 0, 0);
        assertThat(PolicyCombiner.combine(List.of(want("a", 14)), above)).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(want("a", 11)), above)).contains(new CapacityChange(10, want("a", 11)));
    }

    @Test
    void tieReportsTheFirstPolicyInOrder() {
        assertThat(PolicyCombiner.combine(List.of(want("a", 6), want("b", 6)), GROUP))
                .contains(new CapacityChange(6, want("a", 6)));
    }

    private static ScalingDecision floor(String policy, int n) {
        return ScalingDecision.atLeast(policy, n, "forecast of " + policy, java.util.OptionalInt.empty());
    }

    @Test
    void aFloorAboveTheDesiredCapacityScalesOutUnlessAnotherPolicyWantsMore() {
        assertThat(PolicyCombiner.combine(List.of(floor("p", 6), none("a")), GROUP))
                .contains(new CapacityChange(6, floor("p", 6)));
        assertThat(PolicyCombiner.combine(List.of(floor("p", 6), want("a", 8)), GROUP))
                .contains(new CapacityChange(8, want("a", 8)));
        assertThat(PolicyCombiner.combine(List.of(floor("p", 6), want("a", 2)), GROUP))
                .contains(new CapacityChange(6, floor("p", 6)));
        assertThat(PolicyCombiner.combine(List.of(floor("p", 12)), GROUP)).contains(new CapacityChange(10, floor("p", 12)));
    }

    @Test
    void aFloorNeverScalesInByItselfButLimitsTheOthersScaleIn() {
        // Alone, a forecast below the desired capacity changes nothing (AWS: predictive scaling does not scale in).
        assertThat(PolicyCombiner.combine(List.of(floor("p", 2)), GROUP)).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(floor("p", 4)), GROUP)).isEmpty();
        // Another policy scales in to 2, the forecast needs 3: to 3, the scale-in policy is the cause.
        Optional<CapacityChange> c = PolicyCombiner.combine(List.of(want("a", 2), floor("p", 3)), GROUP);
        assertThat(c).isPresent();
        assertThat(c.get().newDesiredCapacity()).isEqualTo(3);
        assertThat(c.get().cause().policyName()).isEqualTo("a");
        assertThat(c.get().cause().cause()).isEqualTo("cause of a, limited by p's forecast to 3");
        // A floor at the desired capacity blocks the scale-in; one below the others' view does not matter.
        assertThat(PolicyCombiner.combine(List.of(want("a", 2), floor("p", 4)), GROUP)).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(want("a", 3), floor("p", 1)), GROUP))
                .contains(new CapacityChange(3, want("a", 3)));
    }
}
