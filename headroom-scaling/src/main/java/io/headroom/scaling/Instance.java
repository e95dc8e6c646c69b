package io.headroom.scaling;

import java.time.Instant;

/**
 * A snapshot of one instance of an auto scaling group, as AWS's DescribeAutoScalingInstances gives it.
 *
 * @param host      null and port 0 until the provider has started it
 * @param replacing past the group's maxInstanceLifetime: its replacement is on the way, then it is terminated
 */
public record Instance(
        String instanceId,
        LifecycleState lifecycleState,
        HealthStatus healthStatus,
        String availabilityZone,
        int launchTemplateVersion,
        Instant launchTime,
        boolean protectedFromScaleIn,
        String host,
        int port,
        boolean replacing) {}
