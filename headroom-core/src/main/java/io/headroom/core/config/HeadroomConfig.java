package io.headroom.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole validated configuration: one YAML file (see {@code docs/configuration.md}). Every value here is
 * already checked and defaulted by {@link ConfigLoader}; names are AWS's, in camelCase.
 */
public record HeadroomConfig(
        AdminConfig admin,
        Path stateDir,
        int workerThreads,
        List<LoadBalancerConfig> loadBalancers,
        List<TargetGroupConfig> targetGroups,
        List<LaunchTemplateConfig> launchTemplates,
        List<AutoScalingGroupConfig> autoScalingGroups,
        List<NotificationConfig> notifications) {

    public HeadroomConfig {
        notifications = notifications == null ? List.of() : List.copyOf(notifications);
        loadBalancers = List.copyOf(loadBalancers);
        targetGroups = List.copyOf(targetGroups);
        launchTemplates = List.copyOf(launchTemplates);
        autoScalingGroups = List.copyOf(autoScalingGroups);
    }

    public Optional<TargetGroupConfig> targetGroup(String name) {
        return targetGroups.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<LaunchTemplateConfig> launchTemplate(String name) {
        return launchTemplates.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<AutoScalingGroupConfig> autoScalingGroup(String name) {
        return autoScalingGroups.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
