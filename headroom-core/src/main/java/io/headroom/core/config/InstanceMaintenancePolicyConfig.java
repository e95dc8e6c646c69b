package io.headroom.core.config;

/**
 * A group's instance maintenance policy (AWS's InstanceMaintenancePolicy): how instances are replaced when they are
 * replaced rather than scaled — an unhealthy one, one past {@code maxInstanceLifetime}, one moved by zone
 * rebalancing — and the default minimum and maximum healthy percentages of an instance refresh.
 *
 * <pre>
 *   maxHealthyPercentage &gt; 100   launch before terminating: the replacement is ready first, capacity never dips
 *   maxHealthyPercentage = 100   terminate and launch: a healthy instance goes first while at least
 *                                ceil(desired × minHealthyPercentage / 100) ready ones remain (else it launches
 *                                first); an unhealthy one, which serves nothing, goes at once
 * </pre>
 *
 * @param minHealthyPercentage 0..100: the share of the desired capacity kept InService, healthy and warmed up
 * @param maxHealthyPercentage 100..200, at most 100 above the minimum: the share of the desired capacity that may be
 *                             healthy or pending while instances are replaced
 */
public record InstanceMaintenancePolicyConfig(int minHealthyPercentage, int maxHealthyPercentage) {

    /** Whether replacements are launched before the instances they replace are terminated. */
    public boolean launchesBeforeTerminating() {
        return maxHealthyPercentage > 100;
    }

    /** The ready instances to keep while replacing, for this desired capacity. */
    public int minHealthy(int desiredCapacity) {
        return (int) Math.ceil(desiredCapacity * minHealthyPercentage / 100.0);
    }
}
