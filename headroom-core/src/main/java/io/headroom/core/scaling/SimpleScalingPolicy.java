package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.metrics.MetricStore;
import java.time.Instant;
import java.util.List;

/**
 * Simple scaling, with AWS's semantics: while its alarm is in ALARM the adjustment applies once to the desired
 * capacity; then the policy does not respond to its alarm until {@code cooldownSeconds} (default: the group's
 * defaultCooldownSeconds) have passed since the controller applied the change ({@link #scaled}).
 */
final class SimpleScalingPolicy implements ScalingPolicy {
    private final String name;
    private final AdjustmentType type;
    private final int adjustment;
    private final Integer minAdjustmentMagnitude;
    private final int cooldownSeconds;
    private final Alarm alarm;
    private Instant cooldownEnds;

    SimpleScalingPolicy(String name, AdjustmentType type, int adjustment, Integer minAdjustmentMagnitude,
                        int cooldownSeconds, Alarm alarm, String where) {
        this.name = name;
        this.type = type == null ? AdjustmentType.CHANGE_IN_CAPACITY : type;
        if (this.type == AdjustmentType.EXACT_CAPACITY && adjustment < 0) {
            throw new IllegalArgumentException(where + ".scalingAdjustment: " + adjustment
                    + " (expected: >= 0 for ExactCapacity)");
        }
        this.adjustment = adjustment;
        this.minAdjustmentMagnitude = ScalingPolicies.checkMagnitude(minAdjustmentMagnitude, this.type, where);
        if (cooldownSeconds < 0) {
            throw new IllegalArgumentException(where + ".cooldownSeconds: " + cooldownSeconds + " (expected: >= 0)");
        }
        this.cooldownSeconds = cooldownSeconds;
        this.alarm = alarm;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Alarm> alarms() {
        return List.of(alarm);
    }

    @Override
    public ScalingDecision evaluate(MetricStore metrics, GroupState g, Instant now) {
        AlarmState state = alarm.evaluate(metrics, now);
        if (state != AlarmState.ALARM) {
            return ScalingDecision.none(name, "alarm " + alarm.name() + " is in state " + state);
        }
        String cause = Format.triggered(alarm, name);
        if (cooldownEnds != null && now.isBefore(cooldownEnds)) {
            return ScalingDecision.none(name, cause + ", but the policy is in its cooldown until " + cooldownEnds);
        }
        int wanted = Adjustments.apply(type, g.desiredCapacity(), adjustment, minAdjustmentMagnitude);
        if (wanted == g.desiredCapacity()) {
            return ScalingDecision.none(name, cause + ", but the adjustment leaves the capacity at " + wanted);
        }
        return ScalingDecision.want(name, wanted, cause);
    }

    @Override
    public ScalingDecision execute(int desiredCapacity, Instant now, boolean honorCooldown, Double metricValue,
                                   Double breachThreshold) {
        if (metricValue != null || breachThreshold != null) {
            throw new IllegalArgumentException((metricValue != null ? "metricValue" : "breachThreshold") + ": given for"
                    + " simple scaling policy " + name + " (expected: only for StepScaling policies)");
        }
        String cause = Format.executed(name);
        if (honorCooldown && cooldownEnds != null && now.isBefore(cooldownEnds)) {
            return ScalingDecision.none(name, "policy " + name + " is in its cooldown until " + cooldownEnds
                    + " (honorCooldown: true): nothing was executed");
        }
        int wanted = Adjustments.apply(type, desiredCapacity, adjustment, minAdjustmentMagnitude);
        if (wanted == desiredCapacity) {
            return ScalingDecision.none(name, cause + ", but the adjustment leaves the capacity at " + wanted);
        }
        return ScalingDecision.want(name, wanted, cause);
    }

    @Override
    public void scaled(int fromCapacity, int toCapacity, Instant now) {
        cooldownEnds = now.plusSeconds(cooldownSeconds);
    }

    @Override
    public String toString() {
        return "SimpleScaling " + name + " " + type + " " + adjustment + " cooldown " + cooldownSeconds + " s on " + alarm;
    }
}
