package io.headroom.core.config;

import java.util.List;

/** A scaling policy of an auto scaling group. Nullable Integer fields mean "use the documented default". */
public sealed interface ScalingPolicyConfig {
    String name();

    enum AdjustmentType { CHANGE_IN_CAPACITY, EXACT_CAPACITY, PERCENT_CHANGE_IN_CAPACITY }

    enum PredefinedMetricType { ASG_AVERAGE_CPU_UTILIZATION, ALB_REQUEST_COUNT_PER_TARGET, ASG_AVERAGE_NETWORK_IN }

    /**
     * Target tracking. Exactly one of {@code predefinedMetricType} / {@code customizedMetric} is set.
     * {@code resourceLabel} is the target group the ALBRequestCountPerTarget metric reads (defaults to the
     * group's first target group). The window fields tune how fast it reacts (null = defaults).
     */
    record TargetTracking(
            String name,
            PredefinedMetricType predefinedMetricType,
            String resourceLabel,
            MetricSpec customizedMetric,
            double targetValue,
            boolean disableScaleIn,
            Integer estimatedInstanceWarmupSeconds,
            Integer scaleOutWindowSeconds,
            Integer scaleInWindowSeconds) implements ScalingPolicyConfig {}

    record Step(
            String name,
            AdjustmentType adjustmentType,
            String metricAggregationType,
            List<StepAdjustment> stepAdjustments,
            Integer minAdjustmentMagnitude,
            Integer estimatedInstanceWarmupSeconds,
            AlarmConfig alarm) implements ScalingPolicyConfig {
        public Step {
            stepAdjustments = List.copyOf(stepAdjustments);
        }
    }

    record Simple(
            String name,
            AdjustmentType adjustmentType,
            int scalingAdjustment,
            Integer minAdjustmentMagnitude,
            Integer cooldownSeconds,
            AlarmConfig alarm) implements ScalingPolicyConfig {}

    /** Bounds are relative to the alarm threshold; null means unbounded (negative/positive infinity). */
    record StepAdjustment(Double metricIntervalLowerBound, Double metricIntervalUpperBound, int scalingAdjustment) {}

    /** A metric by name, dimensions and statistic (e.g. TargetResponseTime {TargetGroup=web} p99). */
    record MetricSpec(String metricName, java.util.Map<String, String> dimensions, String statistic) {
        public MetricSpec {
            dimensions = java.util.Map.copyOf(dimensions);
        }
    }
}
