package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.config.ScalingPolicyConfig.StepAdjustment;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.MetricStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Step scaling, with AWS's semantics. While its alarm is in ALARM the breach size is
 * {@code value − threshold}, where value aggregates the alarm's breaching datapoints with
 * {@code metricAggregationType} (Average, Minimum or Maximum; Average by default). The step whose interval
 * contains the breach applies; bounds are relative to the threshold, null meaning infinity. Above the threshold
 * the lower bound is inclusive and the upper exclusive; below it the lower bound is exclusive and the upper
 * inclusive.
 *
 * <p>Steps apply to the current capacity. Scaling out, AWS does not count instances that are warming up (or
 * pending) as current capacity, so breaches that stay within one step while the added instances warm up
 * result in a single scaling activity, and a larger step adds only the difference: capacity 10, +1 at 60,
 * +3 at 70 while the first instance warms up gives 13, not 14. Scaling in, capacity still being terminated
 * counts (the current capacity is the larger of desired and in service + pending), and the policy acts again
 * only on a datapoint measured after its last scaling, so it never removes more than needed. A step of 0
 * maintains the current capacity (a view equal to it, which keeps other policies from scaling in meanwhile).
 */
final class StepScalingPolicy implements ScalingPolicy {
    private final String name;
    private final AdjustmentType type;
    private final List<StepAdjustment> steps;
    private final Integer minAdjustmentMagnitude;
    private final String aggregation;
    private final Alarm alarm;
    /** estimatedInstanceWarmupSeconds; null: the group's defaultInstanceWarmupSeconds. */
    private final Integer warmup;
    private Instant lastScaledAt;

    /** @param estimatedInstanceWarmupSeconds the policy's own warmup; null for the group's default */
    StepScalingPolicy(String name, AdjustmentType type, List<StepAdjustment> steps, Integer minAdjustmentMagnitude,
                      String metricAggregationType, Alarm alarm, String where, Integer estimatedInstanceWarmupSeconds) {
        this.warmup = estimatedInstanceWarmupSeconds;
        this.name = name;
        this.type = type == null ? AdjustmentType.CHANGE_IN_CAPACITY : type;
        this.steps = validate(steps, where);
        this.minAdjustmentMagnitude = ScalingPolicies.checkMagnitude(minAdjustmentMagnitude, this.type, where);
        String agg = metricAggregationType == null ? "Average" : metricAggregationType;
        if (!List.of("average", "minimum", "maximum").contains(agg.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(where + ".metricAggregationType: " + agg
                    + " (expected: Average, Minimum or Maximum)");
        }
        this.aggregation = agg.toLowerCase(Locale.ROOT);
        this.alarm = alarm;
    }

    private static List<StepAdjustment> validate(List<StepAdjustment> steps, String where) {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException(where + ".stepAdjustments: empty (expected: at least one step)");
        }
        List<StepAdjustment> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingDouble(s -> lower(s)));
        for (int i = 0; i < sorted.size(); i++) {
            StepAdjustment s = sorted.get(i);
            if (s.metricIntervalLowerBound() == null && s.metricIntervalUpperBound() == null && sorted.size() > 1) {
                throw new IllegalArgumentException(where + ".stepAdjustments: a step without bounds must be the only one");
            }
            if (!(lower(s) < upper(s))) {
                throw new IllegalArgumentException(where + ".stepAdjustments: " + describe(s)
                        + " (expected: metricIntervalLowerBound < metricIntervalUpperBound)");
            }
            if (i > 0 && upper(sorted.get(i - 1)) > lower(s)) {
                throw new IllegalArgumentException(where + ".stepAdjustments: " + describe(sorted.get(i - 1))
                        + " overlaps " + describe(s) + " (expected: intervals that do not overlap)");
            }
        }
        return List.copyOf(sorted);
    }

    private static double lower(StepAdjustment s) {
        return s.metricIntervalLowerBound() == null ? Double.NEGATIVE_INFINITY : s.metricIntervalLowerBound();
    }

    private static double upper(StepAdjustment s) {
        return s.metricIntervalUpperBound() == null ? Double.POSITIVE_INFINITY : s.metricIntervalUpperBound();
    }

    private static String describe(StepAdjustment s) {
        return "[" + (s.metricIntervalLowerBound() == null ? "-inf" : Format.number(lower(s))) + ", "
                + (s.metricIntervalUpperBound() == null ? "+inf" : Format.number(upper(s))) + ") "
                + (s.scalingAdjustment() >= 0 ? "+" : "") + s.scalingAdjustment();
    }

    /** The step for a breach of {@code breach} (value − threshold), or null if none covers it. */
    StepAdjustment stepFor(double breach) {
        for (StepAdjustment s : steps) {
            boolean in = breach >= 0
                    ? lower(s) <= breach && breach < upper(s)
                    : lower(s) < breach && breach <= upper(s);
            if (in) {
                return s;
            }
        }
        return null;
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
        double value = aggregate(alarm.lastDatapoints());
        double breach = value - alarm.threshold();
        StepAdjustment step = stepFor(breach);
        String cause = Format.triggered(alarm, name);
        if (step == null) {
            return ScalingDecision.none(name, cause + ", but no step adjustment covers the breach "
                    + Format.number(breach) + " (metric " + Format.number(value) + ")");
        }
        int desired = g.desiredCapacity();
        if (step.scalingAdjustment() == 0 && type != AdjustmentType.EXACT_CAPACITY) {
            // AWS: a zero step maintains the current capacity; it is a view, so others do not scale in meanwhile.
            return ScalingDecision.want(name, desired, cause + ": step " + describe(step)
                    + " maintains the current capacity");
        }
        if (Adjustments.isScaleOut(type, desired, step.scalingAdjustment())) {
            int warming = warmup == null ? g.warmingUpCount() : g.warmingUp(warmup, now);
            int current = Math.max(0, g.inServiceCount() + g.pendingCount() - warming);
            int wanted = Adjustments.apply(type, current, step.scalingAdjustment(), minAdjustmentMagnitude);
            if (wanted > desired) {
                return ScalingDecision.want(name, wanted, cause);
            }
            return ScalingDecision.want(name, desired, cause + ", but step " + describe(step) + " from the "
                    + current + " ready instances gives " + wanted + " and the desired capacity is already " + desired);
        }
        List<Datapoint> points = alarm.lastDatapoints();
        if (lastScaledAt != null && points.get(points.size() - 1).timestamp().isBefore(lastScaledAt)) {
            return ScalingDecision.none(name, cause + ", but waits for a datapoint measured after its last scaling at "
                    + lastScaledAt);
        }
        int current = Math.max(desired, g.inServiceCount() + g.pendingCount());
        int wanted = Adjustments.apply(type, current, step.scalingAdjustment(), minAdjustmentMagnitude);
        if (wanted >= desired) {
            return ScalingDecision.none(name, cause + ", but step " + describe(step) + " from " + current
                    + " gives " + wanted + ", not below the desired capacity " + desired);
        }
        return ScalingDecision.want(name, wanted, cause);
    }

    /**
     * ExecutePolicy: the step for the breach {@code metricValue − breachThreshold}, applied to the desired capacity (not,
     * as for an alarm, to the capacity that is past its warmup: the user asked for this step now).
     */
    @Override
    public ScalingDecision execute(int desiredCapacity, Instant now, boolean honorCooldown, Double metricValue,
                                   Double breachThreshold) {
        if (honorCooldown) {
            throw new IllegalArgumentException("honorCooldown: true for step scaling policy " + name
                    + " (expected: only for SimpleScaling policies; step policies have no cooldown)");
        }
        if (metricValue == null || breachThreshold == null) {
            throw new IllegalArgumentException((metricValue == null ? "metricValue" : "breachThreshold")
                    + ": missing (expected: a number; metricValue and breachThreshold are required to execute step"
                    + " scaling policy " + name + ")");
        }
        double breach = metricValue - breachThreshold;
        StepAdjustment step = stepFor(breach);
        if (step == null) {
            throw new IllegalArgumentException("metricValue: " + Format.number(metricValue) + " with breachThreshold "
                    + Format.number(breachThreshold) + " is a breach of " + Format.number(breach) + ", which no step"
                    + " adjustment of policy " + name + " covers (its steps: " + steps.stream()
                            .map(StepScalingPolicy::describe).toList() + ")");
        }
        String cause = Format.executed(name);
        int wanted = Adjustments.apply(type, desiredCapacity, step.scalingAdjustment(), minAdjustmentMagnitude);
        if (wanted == desiredCapacity) {
            return ScalingDecision.none(name, cause + ", but step " + describe(step) + " leaves the capacity at "
                    + wanted);
        }
        return ScalingDecision.want(name, wanted, cause);
    }

    private double aggregate(List<Datapoint> points) {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (Datapoint d : points) {
            if (!alarm.breaches(d.value())) {
                continue;
            }
            sum += d.value();
            min = Math.min(min, d.value());
            max = Math.max(max, d.value());
            n++;
        }
        return switch (aggregation) {
            case "minimum" -> min;
            case "maximum" -> max;
            default -> sum / n;
        };
    }

    @Override
    public void scaled(int fromCapacity, int toCapacity, Instant now) {
        lastScaledAt = now;
    }

    @Override
    public String toString() {
        return "StepScaling " + name + " " + type + " " + steps.stream().map(StepScalingPolicy::describe).toList()
                + " on " + alarm;
    }
}
