package io.headroom.core.config;

import java.util.Map;

/**
 * A metric alarm. {@code dimensions} empty means the policy's own group (e.g. AutoScalingGroupName=web).
 * {@code datapointsToAlarm} defaults to {@code evaluationPeriods} (M of N alarms when smaller);
 * {@code treatMissingData} to {@code missing}.
 */
public record AlarmConfig(
        String metricName,
        Map<String, String> dimensions,
        String statistic,
        int periodSeconds,
        int evaluationPeriods,
        int datapointsToAlarm,
        double threshold,
        ComparisonOperator comparisonOperator,
        TreatMissingData treatMissingData) {

    public AlarmConfig {
        dimensions = Map.copyOf(dimensions);
        treatMissingData = treatMissingData == null ? TreatMissingData.MISSING : treatMissingData;
    }

    /** An alarm that treats missing data as {@code missing}, CloudWatch's default. */
    public AlarmConfig(String metricName, Map<String, String> dimensions, String statistic, int periodSeconds,
            int evaluationPeriods, int datapointsToAlarm, double threshold, ComparisonOperator comparisonOperator) {
        this(metricName, dimensions, statistic, periodSeconds, evaluationPeriods, datapointsToAlarm, threshold,
                comparisonOperator, TreatMissingData.MISSING);
    }

    /**
     * CloudWatch's TreatMissingData: how periods without a datapoint count. {@code missing}: neither way (all missing
     * is INSUFFICIENT_DATA); {@code notBreaching}: as good; {@code breaching}: as bad; {@code ignore}: neither way,
     * and all missing keeps the current state.
     */
    public enum TreatMissingData {
        MISSING("missing"), NOT_BREACHING("notBreaching"), BREACHING("breaching"), IGNORE("ignore");

        private final String awsName;

        TreatMissingData(String awsName) {
            this.awsName = awsName;
        }

        @Override
        public String toString() {
            return awsName;
        }
    }

    public enum ComparisonOperator {
        GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        GREATER_THAN_THRESHOLD,
        LESS_THAN_THRESHOLD,
        LESS_THAN_OR_EQUAL_TO_THRESHOLD
    }
}
