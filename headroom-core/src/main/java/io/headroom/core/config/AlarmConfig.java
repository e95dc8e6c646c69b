package io.headroom.core.config;

import java.util.Map;

/**
 * A metric alarm. {@code dimensions} empty means the policy's own group (e.g. AutoScalingGroupName=web).
 * {@code datapointsToAlarm} defaults to {@code evaluationPeriods} (M of N alarms when smaller).
 */
public record AlarmConfig(
        String metricName,
        Map<String, String> dimensions,
        String statistic,
        int periodSeconds,
        int evaluationPeriods,
        int datapointsToAlarm,
        double threshold,
        ComparisonOperator comparisonOperator) {

    public AlarmConfig {
        dimensions = Map.copyOf(dimensions);
    }

    public enum ComparisonOperator {
        GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        GREATER_THAN_THRESHOLD,
        LESS_THAN_THRESHOLD,
        LESS_THAN_OR_EQUAL_TO_THRESHOLD
    }
}
