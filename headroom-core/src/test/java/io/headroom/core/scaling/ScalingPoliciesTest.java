package io.headroom.core.scaling;

import static io.headroom.core.config.AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY;
import static io.headroom.core.scaling.Fixtures.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig.PredefinedMetricType;
import io.headroom.core.config.ScalingPolicyConfig.Simple;
import io.headroom.core.config.ScalingPolicyConfig.TargetTracking;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingPoliciesTest {
    private static Simple simple(String metric, Map<String, String> dimensions, String statistic) {
        return new Simple("s", CHANGE_IN_CAPACITY, 1, null, null,
                new AlarmConfig(metric, dimensions, statistic, 10, 2, 0, 5, GREATER_THAN_THRESHOLD));
    }

    private static MetricKey alarmMetric(Simple c) {
        return ScalingPolicies.create(c, group(c)).alarms().get(0).metric();
    }

    @Test
    void emptyDimensionsMeanTheOwnGroupOrItsFirstTargetGroup() {
        assertThat(alarmMetric(simple("MemoryUtilization", Map.of(), "Maximum")))
                .isEqualTo(MetricKey.of("MemoryUtilization", Dimensions.of("AutoScalingGroupName", "web")));
        assertThat(alarmMetric(simple("HTTPCode_Target_5XX_Count", Map.of(), "Sum")))
                .isEqualTo(MetricKey.of("HTTPCode_Target_5XX_Count", Dimensions.of("TargetGroup", "web-tg")));
        assertThat(alarmMetric(simple("TargetResponseTime", Map.of("TargetGroup", "api"), "p99")))
                .isEqualTo(MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "api")));
    }

    @Test
    void datapointsToAlarmDefaultsToEvaluationPeriods() {
        Simple c = simple("CPUUtilization", Map.of(), null);
        var alarm = ScalingPolicies.create(c, group(c)).alarms().get(0);
        assertThat(alarm.datapointsToAlarm()).isEqualTo(2);
        assertThat(alarm.statistic().toString()).isEqualTo("Average");
    }

    @Test
    void aPolicysAlarmTreatsMissingDataAsItsConfigSays() {
        Simple heartbeat = new Simple("s", CHANGE_IN_CAPACITY, 1, null, null, new AlarmConfig("Heartbeat", Map.of(), "Sum",
                10, 2, 0, 5, GREATER_THAN_THRESHOLD, AlarmConfig.TreatMissingData.BREACHING));
        var alarm = ScalingPolicies.create(heartbeat, group(heartbeat)).alarms().get(0);
        java.time.Instant now = java.time.Instant.parse("2026-11-25T07:00:30Z");
        // No datapoint at all: breaching, so ALARM rather than INSUFFICIENT_DATA.
        assertThat(alarm.evaluate(io.headroom.core.metrics.MetricStore.inMemory(java.time.Duration.ofMinutes(5)), now))
                .isEqualTo(io.headroom.core.alarm.AlarmState.ALARM);
    }

    @Test
    void badConfigIsReportedWithItsPath() {
        Simple badStat = simple("CPUUtilization", Map.of(), "Median");
        assertThatThrownBy(() -> ScalingPolicies.create(badStat, group(badStat)))
                .hasMessageStartingWith("autoScalingGroups[web].policies[s].alarm.statistic: unknown statistic 'Median'");

        TargetTracking rps = new TargetTracking("rps", PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET, null, null, 100,
                false, null, null, null);
        AutoScalingGroupConfig noTargetGroups = new AutoScalingGroupConfig("batch", "t", "$Latest", 1, 5, 1, List.of("a"),
                List.of(), AutoScalingGroupConfig.HealthCheckType.EC2, 30, 10, 300, List.of(), List.of(rps), List.of());
        assertThatThrownBy(() -> ScalingPolicies.create(rps, noTargetGroups))
                .hasMessageStartingWith("autoScalingGroups[batch].policies[rps]: needs a target group but auto scaling"
                        + " group 'batch' has no targetGroups");

        TargetTracking window = new TargetTracking("cpu", PredefinedMetricType.ASG_AVERAGE_CPU_UTILIZATION, null, null, 50,
                false, null, 0, null);
        assertThatThrownBy(() -> ScalingPolicies.create(window, group(window)))
                .hasMessage("autoScalingGroups[web].policies[cpu].scaleOutWindowSeconds: 0 (expected: 1..86400)");
    }
}
