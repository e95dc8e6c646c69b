package io.headroom.core.scaling;

/** The combined outcome of one evaluation: the new desired capacity (clamped) and the decision that caused it. */
public record CapacityChange(int newDesiredCapacity, ScalingDecision cause) {}
