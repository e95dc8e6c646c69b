package io.headroom.core.scaling;

import java.util.OptionalInt;

/**
 * What one policy wants: a capacity (unclamped; the combiner clamps to min/max) or nothing, with the cause in
 * words as AWS's activity history gives it (for example "a monitor alarm cpu50-high in state ALARM triggered
 * policy cpu50").
 *
 * <p>A <em>floor</em> ({@link #atLeast}) is a capacity the group must not go below but that never scales in by
 * itself: predictive scaling's forecast capacity. {@code maxSize}, when present, is a larger maximum size the
 * policy asks for (predictive scaling with IncreaseMaxCapacity).
 */
public record ScalingDecision(String policyName, OptionalInt wantedCapacity, String cause, boolean floor,
                              OptionalInt maxSize) {

    public ScalingDecision(String policyName, OptionalInt wantedCapacity, String cause) {
        this(policyName, wantedCapacity, cause, false, OptionalInt.empty());
    }

    public static ScalingDecision none(String policyName, String why) {
        return new ScalingDecision(policyName, OptionalInt.empty(), why);
    }

    public static ScalingDecision want(String policyName, int capacity, String cause) {
        return new ScalingDecision(policyName, OptionalInt.of(capacity), cause);
    }

    /** At least {@code capacity}: scales out to it, and limits other policies' scale-in, but never scales in. */
    public static ScalingDecision atLeast(String policyName, int capacity, String cause, OptionalInt maxSize) {
        return new ScalingDecision(policyName, OptionalInt.of(capacity), cause, true, maxSize);
    }
}
