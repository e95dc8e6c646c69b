package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.metrics.Statistic;

/**
 * Builds the runtime policies from config. See docs/scaling.md for how each kind behaves in Headroom.
 * <ul>
 *   <li>TargetTrackingScaling: two alarms {@code TargetTracking-<group>-AlarmHigh-<policy>} and
 *       {@code -AlarmLow-}, seconds-scale windows (scale out after 10 s above target, scale in after 60 s below
 *       90% of it, by default).</li>
 *   <li>PredictiveScaling: no alarm; an hourly forecast of the load metric (see {@link PredictiveScalingPolicy}).</li>
 *   <li>StepScaling / SimpleScaling: one alarm from the policy's {@code alarm}, named
 *       {@code StepScaling-<group>-<policy>} / {@code SimpleScaling-<group>-<policy>}.</li>
 * </ul>
 * An alarm's empty dimensions mean the policy's own group: {AutoScalingGroupName=group} for ASG metrics,
 * {TargetGroup=first target group} for target group metrics.
 */
public final class ScalingPolicies {
    private ScalingPolicies() {}

    /**
     * Builds the runtime policy (with its alarms) for one group.
     *
     * @throws IllegalArgumentException naming the policy and field when the config is invalid
     */
    public static ScalingPolicy create(ScalingPolicyConfig config, AutoScalingGroupConfig group) {
        String where = "autoScalingGroups[" + group.name() + "].policies[" + config.name() + "]";
        if (config.name() == null || config.name().isBlank()) {
            throw new IllegalArgumentException("autoScalingGroups[" + group.name() + "].policies: a policy without name");
        }
        if (config instanceof ScalingPolicyConfig.TargetTracking t) {
            return new TargetTrackingPolicy(t, group);
        }
        if (config instanceof ScalingPolicyConfig.Predictive p) {
            return new PredictiveScalingPolicy(p, group);
        }
        if (config instanceof ScalingPolicyConfig.Step s) {
            return new StepScalingPolicy(s.name(), s.adjustmentType(), s.stepAdjustments(),
                    s.minAdjustmentMagnitude(), s.metricAggregationType(),
                    alarm("StepScaling-" + group.name() + "-" + s.name(), s.alarm(), group, where + ".alarm"), where,
                    s.estimatedInstanceWarmupSeconds());
        }
        ScalingPolicyConfig.Simple s = (ScalingPolicyConfig.Simple) config; // the interface is sealed: nothing else
        return new SimpleScalingPolicy(s.name(), s.adjustmentType(), s.scalingAdjustment(), s.minAdjustmentMagnitude(),
                s.cooldownSeconds() == null ? group.defaultCooldownSeconds() : s.cooldownSeconds(),
                alarm("SimpleScaling-" + group.name() + "-" + s.name(), s.alarm(), group, where + ".alarm"), where);
    }

    static Alarm alarm(String name, AlarmConfig a, AutoScalingGroupConfig group, String where) {
        if (a == null) {
            throw new IllegalArgumentException(where + ": missing (expected: the alarm that triggers the policy)");
        }
        if (a.comparisonOperator() == null) {
            throw new IllegalArgumentException(where + ".comparisonOperator: missing (expected: GreaterThanThreshold,"
                    + " GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold)");
        }
        Statistic stat;
        try {
            stat = a.statistic() == null ? Statistic.AVERAGE : Statistic.parse(a.statistic());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".statistic: " + e.getMessage(), e);
        }
        int datapoints = a.datapointsToAlarm() <= 0 ? a.evaluationPeriods() : a.datapointsToAlarm();
        try {
            return new Alarm(name, MetricNames.resolve(a.metricName(), a.dimensions(), group, where), stat,
                    a.periodSeconds(), a.evaluationPeriods(), datapoints, a.threshold(), a.comparisonOperator(),
                    a.treatMissingData());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    static Integer checkMagnitude(Integer minAdjustmentMagnitude, AdjustmentType type, String where) {
        if (minAdjustmentMagnitude == null) {
            return null;
        }
        if (minAdjustmentMagnitude < 1) {
            throw new IllegalArgumentException(where + ".minAdjustmentMagnitude: " + minAdjustmentMagnitude
                    + " (expected: >= 1)");
        }
        if (type != AdjustmentType.PERCENT_CHANGE_IN_CAPACITY) {
            throw new IllegalArgumentException(where + ".minAdjustmentMagnitude: only valid with"
                    + " adjustmentType PercentChangeInCapacity (is " + type + ")");
        }
        return minAdjustmentMagnitude;
    }
}
