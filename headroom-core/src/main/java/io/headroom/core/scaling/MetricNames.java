package io.headroom.core.scaling;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import java.util.Map;
import java.util.Set;

/** Resolves a policy's metric name and (possibly empty) dimensions to a series key, once at policy creation. */
final class MetricNames {
    static final String CPU = "CPUUtilization";
    static final String NETWORK_IN = "NetworkIn";
    static final String NETWORK_OUT = "NetworkOut";
    static final String REQUEST_COUNT_PER_TARGET = "RequestCountPerTarget";
    static final String ASG = "AutoScalingGroupName";
    static final String TARGET_GROUP = "TargetGroup";

    private static final Set<String> TARGET_GROUP_METRICS = Set.of(
            "RequestCount", REQUEST_COUNT_PER_TARGET, "TargetResponseTime", "HealthyHostCount",
            "UnHealthyHostCount", "TargetConnectionErrorCount", "UnhealthyRoutingRequestCount",
            "UnhealthyRoutingFlowCount");

    private MetricNames() {}

    /**
     * Empty dimensions mean the policy's own group: {TargetGroup=first target group} for target group metrics
     * (RequestCount, RequestCountPerTarget, TargetResponseTime, HTTPCode_Target_*, HealthyHostCount, ...),
     * {AutoScalingGroupName=group} for everything else (CPUUtilization, MemoryUtilization, NetworkIn, NetworkOut, Group*).
     */
    static MetricKey resolve(String metricName, Map<String, String> dimensions, AutoScalingGroupConfig group,
                             String where) {
        if (metricName == null || metricName.isBlank()) {
            throw new IllegalArgumentException(where + ".metricName: missing (expected: a metric name such as CPUUtilization)");
        }
        if (dimensions != null && !dimensions.isEmpty()) {
            return MetricKey.of(metricName, Dimensions.of(dimensions));
        }
        if (isTargetGroupMetric(metricName)) {
            return MetricKey.of(metricName, Dimensions.of(TARGET_GROUP, firstTargetGroup(group, where)));
        }
        return MetricKey.of(metricName, Dimensions.of(ASG, group.name()));
    }

    static boolean isTargetGroupMetric(String metricName) {
        return TARGET_GROUP_METRICS.contains(metricName) || metricName.startsWith("HTTPCode_Target_");
    }

    static String firstTargetGroup(AutoScalingGroupConfig group, String where) {
        if (group.targetGroups().isEmpty()) {
            throw new IllegalArgumentException(where + ": needs a target group but auto scaling group '"
                    + group.name() + "' has no targetGroups (expected: set targetGroups or the dimension TargetGroup)");
        }
        return group.targetGroups().get(0);
    }
}
