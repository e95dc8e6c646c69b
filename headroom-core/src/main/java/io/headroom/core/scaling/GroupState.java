package io.headroom.core.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What a scaling policy sees of its auto scaling group at one instant. {@code inServiceCount} counts
 * InService instances; {@code warmingUpCount} counts those of them (and pending ones) still inside their
 * instance warmup (the group's defaultInstanceWarmupSeconds), which AWS leaves out of the group's aggregated metrics
 * and counts as capacity already added.
 *
 * @param inServiceSince when each InService instance went InService, for {@link #warmingUp(int, Instant)}; empty when
 *                       not known (then a policy's own warmup falls back to {@code warmingUpCount})
 */
public record GroupState(
        String groupName,
        int minSize,
        int maxSize,
        int desiredCapacity,
        int inServiceCount,
        int pendingCount,
        int warmingUpCount,
        List<Instant> inServiceSince) {

    public GroupState {
        inServiceSince = List.copyOf(inServiceSince);
    }

    public GroupState(String groupName, int minSize, int maxSize, int desiredCapacity, int inServiceCount,
                      int pendingCount, int warmingUpCount) {
        this(groupName, minSize, maxSize, desiredCapacity, inServiceCount, pendingCount, warmingUpCount, List.of());
    }

    /**
     * The instances warming up with a policy's own warmup (AWS's estimatedInstanceWarmup): the pending ones and those
     * InService for less than {@code warmupSeconds} at {@code now}.
     */
    public int warmingUp(int warmupSeconds, Instant now) {
        if (inServiceSince.size() != inServiceCount) {
            return warmingUpCount;
        }
        int n = pendingCount;
        for (Instant t : inServiceSince) {
            if (now.isBefore(t.plusSeconds(warmupSeconds))) {
                n++;
            }
        }
        return n;
    }
}
