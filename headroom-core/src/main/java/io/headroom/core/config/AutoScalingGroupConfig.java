package io.headroom.core.config;

import java.util.List;

/**
 * An auto scaling group: a launch template, capacity limits, target groups, health checks and policies.
 *
 * @param warmPool            null when the group has none
 * @param maxInstanceLifetime seconds an instance may live before it is replaced; 0 for no limit
 * @param instanceMaintenancePolicy how replacements are made; null for none (Headroom's defaults, see docs/scaling.md)
 */
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
        List<ScheduledActionConfig> scheduledActions,
        List<LifecycleHookConfig> lifecycleHooks,
        WarmPoolConfig warmPool,
        int maxInstanceLifetime,
        InstanceMaintenancePolicyConfig instanceMaintenancePolicy) {

    public AutoScalingGroupConfig {
        availabilityZones = List.copyOf(availabilityZones);
        targetGroups = List.copyOf(targetGroups);
        terminationPolicies = List.copyOf(terminationPolicies);
        policies = List.copyOf(policies);
        scheduledActions = List.copyOf(scheduledActions);
        lifecycleHooks = List.copyOf(lifecycleHooks);
    }

    /** The group without an instance maintenance policy. */
    public AutoScalingGroupConfig(String name, String launchTemplateName, String launchTemplateVersion, int minSize,
            int maxSize, int desiredCapacity, List<String> availabilityZones, List<String> targetGroups,
            HealthCheckType healthCheckType, int healthCheckGracePeriodSeconds, int defaultInstanceWarmupSeconds,
            int defaultCooldownSeconds, List<TerminationPolicy> terminationPolicies, List<ScalingPolicyConfig> policies,
            List<ScheduledActionConfig> scheduledActions, List<LifecycleHookConfig> lifecycleHooks,
            WarmPoolConfig warmPool, int maxInstanceLifetime) {
        this(name, launchTemplateName, launchTemplateVersion, minSize, maxSize, desiredCapacity, availabilityZones,
                targetGroups, healthCheckType, healthCheckGracePeriodSeconds, defaultInstanceWarmupSeconds,
                defaultCooldownSeconds, terminationPolicies, policies, scheduledActions, lifecycleHooks, warmPool,
                maxInstanceLifetime, null);
    }

    /** The group without lifecycle hooks, warm pool or instance lifetime (the tests' shape). */
    public AutoScalingGroupConfig(String name, String launchTemplateName, String launchTemplateVersion, int minSize,
            int maxSize, int desiredCapacity, List<String> availabilityZones, List<String> targetGroups,
            HealthCheckType healthCheckType, int healthCheckGracePeriodSeconds, int defaultInstanceWarmupSeconds,
            int defaultCooldownSeconds, List<TerminationPolicy> terminationPolicies, List<ScalingPolicyConfig> policies,
            List<ScheduledActionConfig> scheduledActions) {
        this(name, launchTemplateName, launchTemplateVersion, minSize, maxSize, desiredCapacity, availabilityZones,
                targetGroups, healthCheckType, healthCheckGracePeriodSeconds, defaultInstanceWarmupSeconds,
                defaultCooldownSeconds, terminationPolicies, policies, scheduledActions, List.of(), null, 0, null);
    }

    /** The hooks for one transition, in config order. */
    public List<LifecycleHookConfig> lifecycleHooks(LifecycleHookConfig.Transition transition) {
        return lifecycleHooks.stream().filter(h -> h.lifecycleTransition() == transition).toList();
    }

    public enum HealthCheckType { EC2, ELB }

    public enum TerminationPolicy { DEFAULT, OLDEST_INSTANCE, NEWEST_INSTANCE, OLDEST_LAUNCH_TEMPLATE }
}
