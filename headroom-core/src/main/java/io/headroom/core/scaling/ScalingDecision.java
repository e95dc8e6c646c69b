package io.headroom.core.scaling;

import java.util.OptionalInt;

/**
 * What one policy wants: a capacity (unclamped; the combiner clamps to min/max) or nothing, with the cause in
 * words as AWS's activity history gives it (for example "a monitor alarm cpu50-high in state ALARM triggered
 * policy cpu50"). {@code wantsScaleIn} is true only when the policy would allow a lower capacity.
 */
public record ScalingDecision(String policyName, OptionalInt wantedCapacity, String cause) {

    public static ScalingDecision none(String policyName, String why) {
        return new ScalingDecision(policyName, OptionalInt.empty(), why);
    }

    public static ScalingDecision want(String policyName, int capacity, String cause) {
        return new ScalingDecision(policyName, OptionalInt.of(capacity), cause);
    }
}
