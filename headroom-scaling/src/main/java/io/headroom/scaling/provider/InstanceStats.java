package io.headroom.scaling.provider;

/**
 * One resource sample of an instance.
 *
 * @param cpuUtilizationPercent CPU time of the instance's process tree over the wall time since the previous sample,
 *                              as a percentage of the instance's vCPUs (two busy cores with {@code vcpus: 2} = 100);
 *                              may exceed 100 when the instance uses more cores than it was sized for
 * @param rssBytes              resident set size summed over the instance's process tree (MemoryUtilization)
 * @param networkInBytesPerSecond bytes the instance's process tree read since the previous sample, per second
 *                              ({@code rchar} of {@code /proc/PID/io}: what its reads from sockets returned, and
 *                              also pipes and files; for a network service mostly its network input); NaN when the
 *                              kernel does not say
 * @param networkOutBytesPerSecond bytes the instance's process tree wrote since the previous sample, per second
 *                              ({@code wchar}: its writes to sockets, and also to pipes and files; for a network
 *                              service mostly its network output, logs included); NaN when the kernel does not say
 */
public record InstanceStats(double cpuUtilizationPercent, long rssBytes, double networkInBytesPerSecond,
                            double networkOutBytesPerSecond) {
    public InstanceStats {
        if (cpuUtilizationPercent < 0 || Double.isNaN(cpuUtilizationPercent)) {
            throw new IllegalArgumentException("cpuUtilizationPercent: " + cpuUtilizationPercent + " (expected: >= 0)");
        }
        if (rssBytes < 0) {
            throw new IllegalArgumentException("rssBytes: " + rssBytes + " (expected: >= 0)");
        }
        if (networkInBytesPerSecond < 0) {
            throw new IllegalArgumentException("networkInBytesPerSecond: " + networkInBytesPerSecond + " (expected: >= 0)");
        }
        if (networkOutBytesPerSecond < 0) {
            throw new IllegalArgumentException("networkOutBytesPerSecond: " + networkOutBytesPerSecond
                    + " (expected: >= 0)");
        }
    }

    /** A sample without a network figure. */
    public InstanceStats(double cpuUtilizationPercent, long rssBytes) {
        this(cpuUtilizationPercent, rssBytes, Double.NaN, Double.NaN);
    }
}
