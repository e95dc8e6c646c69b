package io.headroom.scaling.provider;

/**
 * One resource sample of an instance.
 *
 * @param cpuUtilizationPercent CPU time of the instance's process tree over the wall time since the previous sample,
 *                              as a percentage of the instance's vCPUs (two busy cores with {@code vcpus: 2} = 100);
 *                              may exceed 100 when the instance uses more cores than it was sized for
 * @param rssBytes              resident set size summed over the instance's process tree (MemoryUtilization)
 */
public record InstanceStats(double cpuUtilizationPercent, long rssBytes) {
    public InstanceStats {
        if (cpuUtilizationPercent < 0 || Double.isNaN(cpuUtilizationPercent)) {
            throw new IllegalArgumentException("cpuUtilizationPercent: " + cpuUtilizationPercent + " (expected: >= 0)");
        }
        if (rssBytes < 0) {
            throw new IllegalArgumentException("rssBytes: " + rssBytes + " (expected: >= 0)");
        }
    }
}
