package io.headroom.core.config;

import java.util.List;

/** An auto scaling group: a launch template, capacity limits, target groups, health checks and policies. */
public record AutoScalingGroupConfig(
        String name,
        String launchTemplateName,
        String launchTemplateVersion,
        int minSize,
        int maxSize,
        int desiredCapacity,
        List<String> availabilityZones,
        List<String> targetGroups,
        HealthCheckType healthCheckType,
        int healthCheckGracePeriodSeconds,
        int defaultInstanceWarmupSeconds,
        int defaultCooldownSeconds,
        List<TerminationPolicy> terminationPolicies,
        List<ScalingPolicyConfig> policies,
        List<ScheduledActionConfig> scheduledActions) {

    public AutoScalingGroupConfig {
        availabilityZones = List.copyOf(availabilityZones);
        targetGroups = List.copyOf(targetGroups);
        terminationPolicies = List.copyOf(terminationPolicies);
        policies = List.copyOf(policies);
        scheduledActions = List.copyOf(scheduledActions);
    }

    public enum HealthCheckType { EC2, ELB }

    public enum TerminationPolicy { DEFAULT, OLDEST_INSTANCE, NEWEST_INSTANCE, OLDEST_LAUNCH_TEMPLATE }
}
