package io.headroom.core.config;

import java.util.List;

/** A scaling policy of an auto scaling group. Nullable Integer fields mean "use the documented default". */
public sealed interface ScalingPolicyConfig {
    String name();

    enum AdjustmentType { CHANGE_IN_CAPACITY, EXACT_CAPACITY, PERCENT_CHANGE_IN_CAPACITY }

    enum PredefinedMetricType {
        ASG_AVERAGE_CPU_UTILIZATION, ALB_REQUEST_COUNT_PER_TARGET, ASG_AVERAGE_NETWORK_IN, ASG_AVERAGE_NETWORK_OUT
    }

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

    /** The metric pairs of predictive scaling: a load metric (the group's total) and the scaling metric it divides. */
    enum PredictiveMetricPair {
        /** Load: the total CPU of the group's reporting instances; scaling metric: their average CPUUtilization. */
        ASG_CPU_UTILIZATION,
        /** Load: the target group's RequestCount per minute; scaling metric: RequestCountPerTarget per minute. */
        ALB_REQUEST_COUNT,
        /** Load: the reporting instances' NetworkIn summed, per minute; scaling metric: their average NetworkIn. */
        ASG_NETWORK_IN,
        /** Load: the reporting instances' NetworkOut summed, per minute; scaling metric: their average NetworkOut. */
        ASG_NETWORK_OUT
    }

    enum PredictiveMode { FORECAST_ONLY, FORECAST_AND_SCALE }

    enum MaxCapacityBreachBehavior { HONOR_MAX_CAPACITY, INCREASE_MAX_CAPACITY }

    /**
     * Predictive scaling (AWS's {@code PredictiveScalingConfiguration} with one metric specification and a
     * predefined metric pair). {@code resourceLabel} is the target group of ALBRequestCount (defaults to the group's
     * first). {@code maxCapacityBuffer} (percent) is set exactly when the behavior is IncreaseMaxCapacity.
     */
    record Predictive(
            String name,
            PredictiveMetricPair metricPair,
            String resourceLabel,
            double targetValue,
            PredictiveMode mode,
            int schedulingBufferTimeSeconds,
            MaxCapacityBreachBehavior maxCapacityBreachBehavior,
            Integer maxCapacityBuffer) implements ScalingPolicyConfig {}

    /** Bounds are relative to the alarm threshold; null means unbounded (negative/positive infinity). */
    record StepAdjustment(Double metricIntervalLowerBound, Double metricIntervalUpperBound, int scalingAdjustment) {}

    /**
     * A customized metric: a metric by name, dimensions and statistic (e.g. TargetResponseTime {TargetGroup=web} p99),
     * or, when {@code metrics} is not empty, metric math over several (AWS's {@code Metrics}; then metricName and
     * statistic are null).
     */
    record MetricSpec(String metricName, java.util.Map<String, String> dimensions, String statistic,
                      List<MetricDataQuery> metrics) {
        public MetricSpec {
            dimensions = java.util.Map.copyOf(dimensions);
            metrics = List.copyOf(metrics);
        }

        public MetricSpec(String metricName, java.util.Map<String, String> dimensions, String statistic) {
            this(metricName, dimensions, statistic, List.of());
        }

        /** Metric math over {@code metrics}. */
        public static MetricSpec math(List<MetricDataQuery> metrics) {
            return new MetricSpec(null, java.util.Map.of(), null, metrics);
        }

        public boolean isMath() {
            return !metrics.isEmpty();
        }
    }

    /**
     * One item of a customized metric's {@code metrics} (AWS's TargetTrackingMetricDataQuery): a {@code metricStat}
     * or an {@code expression} over the other items' ids. {@code returnData} defaults to true, as on AWS.
     */
    record MetricDataQuery(String id, MetricStat metricStat, String expression, String label, boolean returnData) {}

    /**
     * AWS's TargetTrackingMetricStat: a metric and its statistic ({@code stat}). Empty dimensions mean the policy's
     * own group, as for alarms. {@code namespace} is kept for AWS compatibility; Headroom has one namespace.
     */
    record MetricStat(String metricName, String namespace, java.util.Map<String, String> dimensions, String stat) {
        public MetricStat {
            dimensions = java.util.Map.copyOf(dimensions);
        }
    }
}
