package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.AlarmConfig.ComparisonOperator;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig.MetricDataQuery;
import io.headroom.core.config.ScalingPolicyConfig.MetricStat;
import io.headroom.core.config.ScalingPolicyConfig.PredefinedMetricType;
import io.headroom.core.config.ScalingPolicyConfig.TargetTracking;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricMathQuery;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Target tracking, tuned for seconds. Like AWS it owns two alarms on the metric:
 * <pre>
 *   TargetTracking-&lt;group&gt;-AlarmHigh-&lt;policy&gt;  metric &gt; target       for all of the scale-out window
 *   TargetTracking-&lt;group&gt;-AlarmLow-&lt;policy&gt;   metric &lt; 90% of target for all of the scale-in window
 * </pre>
 * The scale-out window (default {@value #DEFAULT_SCALE_OUT_WINDOW_SECONDS} s) is split into
 * {@value #HIGH_PERIODS} periods, the scale-in window (default {@value #DEFAULT_SCALE_IN_WINDOW_SECONDS} s)
 * into {@value #LOW_PERIODS}, mirroring AWS's 3 × 1 min and 15 × 1 min alarms at a 1-second metric resolution.
 *
 * <p>Scale out (high alarm in ALARM): {@code ceil(reporting × metric / target)}, where metric is the window's
 * average and reporting is the capacity that produced it. The group averages (CPUUtilization, NetworkIn,
 * NetworkOut) leave warming instances out, so reporting = in service + pending − warming; RequestCountPerTarget
 * divides by healthy targets, so reporting = in service. Instances still warming up therefore count as capacity already added: a
 * repeated breach during warmup only scales out further when the new computation exceeds the desired capacity.
 *
 * <p>Scale in (low alarm in ALARM, nothing pending or warming, the group at its desired capacity, and a whole
 * scale-in window since this policy last scaled): {@code ceil(inService × peak / target)} using the window's
 * peak, so the metric stays under target even at the peak, and never more than
 * {@value #MAX_SCALE_IN_PERCENT}% of the capacity (at least 1) at once — AWS scales in gradually.
 * With {@code disableScaleIn} there is no low alarm and the policy has no view unless it wants to scale out;
 * otherwise, when it does not want to change, it wants the current capacity, which blocks other policies'
 * scale-in as AWS does while a target tracking policy is not ready to scale in.
 *
 * <p>ASGAverageNetworkIn / ASGAverageNetworkOut: the group's {@code NetworkIn} / {@code NetworkOut} is bytes per
 * second per instance; the target is bytes per instance per minute (AWS's datapoints with 1-minute monitoring), so the alarms compare with {@code target / 60}.
 *
 * <p>ALBRequestCountPerTarget: AWS's target is requests per target per minute. Headroom records the per-second
 * value, so a period's Sum covers {@code period} seconds; the alarms compare it with
 * {@code target × period / 60} and the arithmetic uses {@code sum × 60 / period}, i.e. a per-minute rate.
 */
final class TargetTrackingPolicy implements ScalingPolicy {
    static final int DEFAULT_SCALE_OUT_WINDOW_SECONDS = 10;
    static final int DEFAULT_SCALE_IN_WINDOW_SECONDS = 60;
    static final int HIGH_PERIODS = 5;
    static final int LOW_PERIODS = 15;
    static final double LOW_FRACTION = 0.9;
    static final int MAX_SCALE_IN_PERCENT = 25;

    private final String name;
    /** estimatedInstanceWarmupSeconds; null: the group's defaultInstanceWarmupSeconds. */
    private final Integer warmup;
    private final double target;
    /**
     * The shortest alarm period. Group metrics are written once a second by a ticking thread whose phase drifts
     * against second boundaries, so a 1-second period is sometimes empty, and an alarm that needs every period
     * of its window to breach would then never fire; 2-second periods always hold a sample.
     */
    static final int MIN_PERIOD_SECONDS = 2;

    private final boolean disableScaleIn;
    private final boolean perTargetMetric;
    private final int scaleInWindowSeconds;
    private final Alarm high;
    private final Alarm low; // null with disableScaleIn
    private final double highFactor;
    private final double lowFactor;
    private Instant lastScaledAt;

    TargetTrackingPolicy(TargetTracking c, AutoScalingGroupConfig group) {
        String where = "autoScalingGroups[" + group.name() + "].policies[" + c.name() + "]";
        this.name = c.name();
        this.warmup = c.estimatedInstanceWarmupSeconds();
        if (!(c.targetValue() > 0) || !Double.isFinite(c.targetValue())) {
            throw new IllegalArgumentException(where + ".targetTrackingConfiguration.targetValue: " + c.targetValue()
                    + " (expected: a number > 0)");
        }
        this.target = c.targetValue();
        this.disableScaleIn = c.disableScaleIn();
        int outWindow = window(c.scaleOutWindowSeconds(), DEFAULT_SCALE_OUT_WINDOW_SECONDS, where + ".scaleOutWindowSeconds");
        this.scaleInWindowSeconds = window(c.scaleInWindowSeconds(), DEFAULT_SCALE_IN_WINDOW_SECONDS,
                where + ".scaleInWindowSeconds");

        MetricKey key;
        Statistic stat;
        MetricMathQuery math = null;
        if (c.customizedMetric() != null) {
            if (c.predefinedMetricType() != null) {
                throw new IllegalArgumentException(where + ": both predefinedMetricType and customizedMetric are set"
                        + " (expected: exactly one)");
            }
            var m = c.customizedMetric();
            if (m.isMath()) {
                math = mathQuery(m.metrics(), group, where + ".targetTrackingConfiguration.customizedMetric");
                key = null;
                stat = null;
            } else {
                key = MetricNames.resolve(m.metricName(), m.dimensions(), group, where + ".customizedMetric");
                stat = m.statistic() == null ? Statistic.AVERAGE : Statistic.parse(m.statistic());
            }
        } else if (c.predefinedMetricType() != null) {
            switch (c.predefinedMetricType()) {
                case ASG_AVERAGE_CPU_UTILIZATION -> {
                    key = MetricKey.of(MetricNames.CPU, Dimensions.of(MetricNames.ASG, group.name()));
                    stat = Statistic.AVERAGE;
                }
                case ASG_AVERAGE_NETWORK_IN, ASG_AVERAGE_NETWORK_OUT -> {
                    String metric = c.predefinedMetricType() == PredefinedMetricType.ASG_AVERAGE_NETWORK_IN
                            ? MetricNames.NETWORK_IN : MetricNames.NETWORK_OUT;
                    key = MetricKey.of(metric, Dimensions.of(MetricNames.ASG, group.name()));
                    stat = Statistic.AVERAGE;
                }
                case ALB_REQUEST_COUNT_PER_TARGET -> {
                    String tg = c.resourceLabel() != null && !c.resourceLabel().isBlank()
                            ? c.resourceLabel() : MetricNames.firstTargetGroup(group, where);
                    key = MetricKey.of(MetricNames.REQUEST_COUNT_PER_TARGET, Dimensions.of(MetricNames.TARGET_GROUP, tg));
                    stat = Statistic.SUM;
                }
                default -> throw new IllegalStateException("unknown metric type " + c.predefinedMetricType());
            }
        } else {
            throw new IllegalArgumentException(where + ": neither predefinedMetricType nor customizedMetric is set"
                    + " (expected: exactly one)");
        }
        this.perTargetMetric = key != null && key.name().equals(MetricNames.REQUEST_COUNT_PER_TARGET);
        boolean perMinute = c.predefinedMetricType() == PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET;
        // NetworkIn and NetworkOut are recorded as bytes per second (their Average over any period stays per
        // second); the target, as AWS's with 1-minute monitoring, is bytes per minute.
        boolean bytesPerMinute = c.predefinedMetricType() == PredefinedMetricType.ASG_AVERAGE_NETWORK_IN
                || c.predefinedMetricType() == PredefinedMetricType.ASG_AVERAGE_NETWORK_OUT;

        int highPeriod = Math.max(MIN_PERIOD_SECONDS, outWindow / HIGH_PERIODS);
        int highN = Math.max(1, outWindow / highPeriod);
        this.highFactor = perMinute ? 60.0 / highPeriod : bytesPerMinute ? 60.0 : 1.0;
        this.high = alarm("TargetTracking-" + group.name() + "-AlarmHigh-" + name, key, stat, math, highPeriod, highN,
                target / highFactor, ComparisonOperator.GREATER_THAN_THRESHOLD);

        int lowPeriod = Math.max(MIN_PERIOD_SECONDS, scaleInWindowSeconds / LOW_PERIODS);
        int lowN = Math.max(1, scaleInWindowSeconds / lowPeriod);
        this.lowFactor = perMinute ? 60.0 / lowPeriod : bytesPerMinute ? 60.0 : 1.0;
        this.low = disableScaleIn ? null
                : alarm("TargetTracking-" + group.name() + "-AlarmLow-" + name, key, stat, math, lowPeriod, lowN,
                        LOW_FRACTION * target / lowFactor, ComparisonOperator.LESS_THAN_THRESHOLD);
    }

    /** An alarm on {@code key}'s {@code stat}, or on {@code math}'s result when it is set; all n periods must breach. */
    private static Alarm alarm(String name, MetricKey key, Statistic stat, MetricMathQuery math, int period, int n,
                               double threshold, ComparisonOperator op) {
        return math != null ? new Alarm(name, math, period, n, n, threshold, op)
                : new Alarm(name, key, stat, period, n, n, threshold, op);
    }

    /**
     * The metric math of a customized metric: each metricStat's metric resolved as an alarm's is (empty dimensions:
     * the policy's own group), ids and expressions resolved once, here.
     */
    private static MetricMathQuery mathQuery(List<MetricDataQuery> metrics, AutoScalingGroupConfig group, String where) {
        List<MetricMathQuery.Item> items = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            MetricDataQuery q = metrics.get(i);
            MetricStat s = q.metricStat();
            items.add(s == null ? MetricMathQuery.Item.expression(q.id(), q.expression(), q.label(), q.returnData())
                    : MetricMathQuery.Item.metric(q.id(),
                            MetricNames.resolve(s.metricName(), s.dimensions(), group,
                                    where + ".metrics[" + i + "].metricStat.metric"),
                            Statistic.parse(s.stat()), q.returnData()));
        }
        try {
            return new MetricMathQuery(items);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "." + e.getMessage(), e);
        }
    }

    private static int window(Integer value, int dflt, String where) {
        if (value == null) {
            return dflt;
        }
        if (value < 1 || value > 86_400) {
            throw new IllegalArgumentException(where + ": " + value + " (expected: 1..86400)");
        }
        return value;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Alarm> alarms() {
        return low == null ? List.of(high) : List.of(high, low);
    }

    @Override
    public ScalingDecision evaluate(MetricStore metrics, GroupState g, Instant now) {
        AlarmState highState = high.evaluate(metrics, now);
        AlarmState lowState = low == null ? null : low.evaluate(metrics, now);
        int desired = g.desiredCapacity();
        int warming = warmup == null ? g.warmingUpCount() : g.warmingUp(warmup, now);

        if (highState == AlarmState.ALARM) {
            int reporting = perTargetMetric
                    ? g.inServiceCount()
                    : Math.max(0, g.inServiceCount() + g.pendingCount() - warming);
            double value = average(high.lastDatapoints()) * highFactor;
            int wanted = Adjustments.ceil(reporting * value / target);
            String cause = triggered(high);
            if (wanted > desired) {
                return ScalingDecision.want(name, wanted, cause);
            }
            return ScalingDecision.want(name, desired, cause + ", but " + reporting + " reporting instance"
                    + (reporting == 1 ? "" : "s") + " at " + Format.number(value) + " need " + wanted
                    + " and the desired capacity is already " + desired
                    + (warming > 0 ? " (" + warming + " warming up)" : ""));
        }
        if (disableScaleIn) {
            return ScalingDecision.none(name, "scale-in is disabled and " + high.name() + " is in state " + highState);
        }
        String hold = holdReason(g, warming, lowState, now);
        if (hold != null) {
            return ScalingDecision.want(name, desired, hold);
        }
        double peak = max(low.lastDatapoints()) * lowFactor;
        int current = g.inServiceCount();
        int proportional = Adjustments.ceil(current * peak / target);
        int maxStep = Math.max(1, Adjustments.ceil(current * MAX_SCALE_IN_PERCENT / 100.0));
        int wanted = Math.max(0, Math.max(proportional, current - maxStep));
        if (wanted >= desired) {
            return ScalingDecision.want(name, desired, triggered(low) + ", but the capacity already keeps the peak "
                    + Format.number(peak) + " under the target " + Format.number(target));
        }
        return ScalingDecision.want(name, wanted, triggered(low));
    }

    private String holdReason(GroupState g, int warming, AlarmState lowState, Instant now) {
        if (lowState != AlarmState.ALARM) {
            return "not ready to scale in: " + low.name() + " is in state " + lowState;
        }
        if (warming > 0 || g.pendingCount() > 0) {
            return "not ready to scale in: instances are pending or warming up";
        }
        if (g.inServiceCount() != g.desiredCapacity()) {
            return "not ready to scale in: " + g.inServiceCount() + " instances in service, desired capacity "
                    + g.desiredCapacity();
        }
        if (lastScaledAt != null && now.isBefore(lastScaledAt.plusSeconds(scaleInWindowSeconds))) {
            return "not ready to scale in: the last scaling at " + lastScaledAt + " is less than "
                    + scaleInWindowSeconds + " s ago";
        }
        return null;
    }

    private String triggered(Alarm a) {
        return Format.triggered(a, name);
    }

    @Override
    public void scaled(int fromCapacity, int toCapacity, Instant now) {
        lastScaledAt = now;
    }

    private static double average(List<Datapoint> points) {
        double sum = 0;
        for (Datapoint d : points) {
            sum += d.value();
        }
        return points.isEmpty() ? 0 : sum / points.size();
    }

    private static double max(List<Datapoint> points) {
        double m = 0;
        for (Datapoint d : points) {
            m = Math.max(m, d.value());
        }
        return m;
    }

    @Override
    public String toString() {
        return "TargetTracking " + name + " target " + Format.number(target) + " " + alarms();
    }
}
