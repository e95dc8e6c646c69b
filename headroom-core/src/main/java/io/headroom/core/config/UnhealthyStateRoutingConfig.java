package io.headroom.core.config;

/**
 * A target group's routing failover thresholds, ALB's and NLB's {@code target_group_health.unhealthy_state_routing}
 * attributes: when fewer targets are healthy than {@code minimumHealthyTargetsCount}, or (when set) than
 * {@code minimumHealthyTargetsPercentage} percent of the group's targets, the load balancer sends traffic to all
 * its available targets, unhealthy ones included (fail-open). AWS applies them per zone; Headroom has one load
 * balancer node, so they apply to the whole group. The defaults (count 1, percentage off) fail open only when no
 * target is healthy.
 *
 * @param minimumHealthyTargetsCount      1 or more (AWS: 1 to the maximum number of targets; default 1)
 * @param minimumHealthyTargetsPercentage 1..100, or {@link #OFF} (0; the default)
 */
public record UnhealthyStateRoutingConfig(int minimumHealthyTargetsCount, int minimumHealthyTargetsPercentage) {
    /** {@code minimumHealthyTargetsPercentage: off}. */
    public static final int OFF = 0;

    /** AWS's defaults: fail open only when no target is healthy. */
    public static final UnhealthyStateRoutingConfig DEFAULT = new UnhealthyStateRoutingConfig(1, OFF);

    public UnhealthyStateRoutingConfig {
        if (minimumHealthyTargetsCount < 1) {
            throw new IllegalArgumentException("minimumHealthyTargetsCount: " + minimumHealthyTargetsCount
                    + " (expected: an integer >= 1)");
        }
        if (minimumHealthyTargetsPercentage < 0 || minimumHealthyTargetsPercentage > 100) {
            throw new IllegalArgumentException("minimumHealthyTargetsPercentage: " + minimumHealthyTargetsPercentage
                    + " (expected: off or 1..100)");
        }
    }

    /**
     * Whether routing failover is in effect: either threshold is breached (AWS: "the load balancer takes the action
     * when either threshold is breached").
     *
     * @param healthy the targets in state healthy
     * @param targets the targets counted for the percentage: every registered target that is not draining
     */
    public boolean failOpen(int healthy, int targets) {
        return healthy < minimumHealthyTargetsCount
                || (minimumHealthyTargetsPercentage != OFF
                    && (long) healthy * 100 < (long) minimumHealthyTargetsPercentage * targets);
    }

    /** The percentage as written in config and shown by the API: {@code "off"} or the number. */
    public Object percentageValue() {
        return minimumHealthyTargetsPercentage == OFF ? "off" : minimumHealthyTargetsPercentage;
    }

    /** For logs: {@code count 3, percentage off}. */
    public String describe() {
        return "minimumHealthyTargetsCount " + minimumHealthyTargetsCount + ", minimumHealthyTargetsPercentage "
                + percentageValue();
    }
}
