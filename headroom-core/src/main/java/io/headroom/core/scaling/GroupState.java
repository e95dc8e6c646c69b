package io.headroom.core.scaling;

/**
 * What a scaling policy sees of its auto scaling group at one instant. {@code inServiceCount} counts
 * InService instances; {@code warmingUpCount} counts those of them (and pending ones) still inside their
 * instance warmup, which AWS leaves out of the group's aggregated metrics and counts as capacity already added.
 */
public record GroupState(
        String groupName,
        int minSize,
        int maxSize,
        int desiredCapacity,
        int inServiceCount,
        int pendingCount,
        int warmingUpCount) {}
