package io.headroom.core.scaling;

import static io.headroom.core.scaling.Fixtures.CPU;
import static io.headroom.core.scaling.Fixtures.REQUESTS_PER_TARGET;
import static io.headroom.core.scaling.Fixtures.at;
import static io.headroom.core.scaling.Fixtures.fill;
import static io.headroom.core.scaling.Fixtures.group;
import static io.headroom.core.scaling.Fixtures.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.ScalingPolicyConfig.MetricDataQuery;
import io.headroom.core.config.ScalingPolicyConfig.MetricSpec;
import io.headroom.core.config.ScalingPolicyConfig.MetricStat;
import io.headroom.core.config.ScalingPolicyConfig.PredefinedMetricType;
import io.headroom.core.config.ScalingPolicyConfig.TargetTracking;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetTrackingPolicyTest {
    private final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    private static TargetTracking cpu(double target, boolean disableScaleIn) {
        return new TargetTracking("cpu50", PredefinedMetricType.ASG_AVERAGE_CPU_UTILIZATION, null, null, target,
                disableScaleIn, null, null, null);
    }

    private static ScalingPolicy create(TargetTracking c) {
        return ScalingPolicies.create(c, group(c));
    }

    @Test
    void createsHighAndLowAlarmsNamedLikeAws() {
        List<Alarm> alarms = create(cpu(50, false)).alarms();
        assertThat(alarms).extracting(Alarm::name)
                .containsExactly("TargetTracking-web-AlarmHigh-cpu50", "TargetTracking-web-AlarmLow-cpu50");
        assertThat(alarms.get(0)).hasToString("TargetTracking-web-AlarmHigh-cpu50: CPUUtilization{AutoScalingGroupName=web}"
                + " Average > 50.0 for 5 of 5 x 2 s");
        assertThat(alarms.get(1)).hasToString("TargetTracking-web-AlarmLow-cpu50: CPUUtilization{AutoScalingGroupName=web}"
                + " Average < 45.0 for 15 of 15 x 4 s");
    }

    @Test
    void scalesOutProportionallyOnTheFirstWindowAboveTarget() {
        ScalingPolicy p = create(cpu(50, false));
        fill(store, CPU, 0, 10, 75);

        // 8 s in: only 4 of the 5 periods are complete, the high alarm cannot fire yet.
        assertThat(p.evaluate(store, steady(2), at(8)).wantedCapacity()).hasValue(2);
        ScalingDecision d = p.evaluate(store, steady(2), at(10));

        assertThat(d.wantedCapacity()).hasValue(3); // ceil(2 x 75 / 50)
        assertThat(d.cause()).isEqualTo("a monitor alarm TargetTracking-web-AlarmHigh-cpu50 in state ALARM triggered policy cpu50");
        assertThat(PolicyCombiner.combine(List.of(d), steady(2))).contains(new CapacityChange(3, d));
    }

    @Test
    void networkInTargetsAreBytesPerMinuteAgainstTheGroupsBytesPerSecond() {
        TargetTracking net = new TargetTracking("net", PredefinedMetricType.ASG_AVERAGE_NETWORK_IN, null, null, 6_000_000,
                false, null, null, null);
        ScalingPolicy p = create(net);
        assertThat(p.alarms().get(0)).hasToString("TargetTracking-web-AlarmHigh-net: NetworkIn{AutoScalingGroupName=web}"
                + " Average > 100000.0 for 5 of 5 x 2 s");
        // 150 kB/s per instance = 9 MB a minute against a target of 6 MB a minute: ceil(2 x 9 / 6) = 3.
        fill(store, io.headroom.core.metrics.MetricKey.of("NetworkIn",
                io.headroom.core.metrics.Dimensions.of("AutoScalingGroupName", "web")), 0, 10, 150_000);
        assertThat(p.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(3);
    }

    @Test
    void networkOutTargetsAreBytesWrittenPerMinute() {
        TargetTracking out = new TargetTracking("out", PredefinedMetricType.ASG_AVERAGE_NETWORK_OUT, null, null,
                12_000_000, false, null, null, null);
        ScalingPolicy p = create(out);
        assertThat(p.alarms().get(0)).hasToString("TargetTracking-web-AlarmHigh-out: NetworkOut{AutoScalingGroupName=web}"
                + " Average > 200000.0 for 5 of 5 x 2 s");
        // 500 kB/s per instance = 30 MB a minute against 12 MB a minute: ceil(2 x 30 / 12) = 5. NetworkIn is not read.
        fill(store, io.headroom.core.metrics.MetricKey.of("NetworkIn",
                io.headroom.core.metrics.Dimensions.of("AutoScalingGroupName", "web")), 0, 10, 5_000_000);
        fill(store, io.headroom.core.metrics.MetricKey.of("NetworkOut",
                io.headroom.core.metrics.Dimensions.of("AutoScalingGroupName", "web")), 0, 10, 500_000);
        assertThat(p.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(5);
    }

    @Test
    void doesNotScaleOutAgainWhileTheNewInstancesWarmUpUnlessTheComputationIsHigher() {
        ScalingPolicy p = create(cpu(50, false));
        fill(store, CPU, 0, 20, 100);
        assertThat(p.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(4);
        p.scaled(2, 4, at(10));

        // 2 in service report 100% (the 2 new ones are warming and left out of the average): still 4.
        GroupState warming = new GroupState("web", 1, 20, 4, 4, 0, 2);
        ScalingDecision again = p.evaluate(store, warming, at(20));
        assertThat(again.wantedCapacity()).hasValue(4);
        assertThat(again.cause()).contains("the desired capacity is already 4 (2 warming up)");
        assertThat(PolicyCombiner.combine(List.of(again), warming)).isEmpty();

        // Load grows further during warmup: ceil(2 x 150 / 50) = 6 > 4.
        fill(store, CPU, 20, 30, 150);
        assertThat(p.evaluate(store, warming, at(30)).wantedCapacity()).hasValue(6);
    }

    @Test
    void aPolicysOwnEstimatedInstanceWarmupDecidesWhichInstancesAreWarming() {
        TargetTracking own = new TargetTracking("cpu50", PredefinedMetricType.ASG_AVERAGE_CPU_UTILIZATION, null, null, 50,
                false, 300, null, null);
        ScalingPolicy withOwn = create(own);
        ScalingPolicy withDefault = create(cpu(50, false));
        fill(store, CPU, 0, 20, 100);
        // Two InService: one for 10 min, one for 1 min. The group's default warmup (none warming) sees 2 reporting at
        // 100 %: ceil(2 x 100 / 50) = 4. With a 300 s estimatedInstanceWarmup the newer one is still warming: 1 reports.
        java.time.Instant now = at(10);
        GroupState g = new GroupState("web", 1, 20, 2, 2, 0, 0, List.of(now.minusSeconds(600), now.minusSeconds(60)));
        assertThat(withDefault.evaluate(store, g, now).wantedCapacity()).hasValue(4);
        ScalingDecision d = withOwn.evaluate(store, g, now);
        assertThat(d.wantedCapacity()).hasValue(2);
        assertThat(d.cause()).contains("1 reporting instance at 100 need 2").contains("(1 warming up)");
        assertThat(g.warmingUp(300, now)).isEqualTo(1);
        assertThat(g.warmingUp(30, now)).isZero();
    }

    @Test
    void scalesInOnlyAfterTheWholeLowWindowGraduallyAndNotWhileWarming() {
        ScalingPolicy p = create(cpu(50, false));
        fill(store, CPU, 0, 200, 20);

        assertThat(p.evaluate(store, steady(8), at(56)).wantedCapacity()).hasValue(8); // 56 s below: not yet
        assertThat(p.evaluate(store, new GroupState("web", 1, 20, 8, 8, 0, 1), at(60)).wantedCapacity())
                .hasValue(8); // warming: no scale-in
        ScalingDecision in = p.evaluate(store, steady(8), at(60));
        // proportional ceil(8 x 20 / 50) = 4, but at most 25% (2) at once: 6.
        assertThat(in.wantedCapacity()).hasValue(6);
        assertThat(in.cause()).isEqualTo("a monitor alarm TargetTracking-web-AlarmLow-cpu50 in state ALARM triggered policy cpu50");
        p.scaled(8, 6, at(60));

        assertThat(p.evaluate(store, steady(6), at(119)).wantedCapacity()).hasValue(6); // a new full window first
        assertThat(p.evaluate(store, steady(6), at(120)).wantedCapacity()).hasValue(4);  // max(ceil(6x20/50)=3, 6-2)
    }

    @Test
    void scaleInNeverGoesBelowWhatKeepsThePeakUnderTarget() {
        fill(store, CPU, 0, 28, 30);
        fill(store, CPU, 28, 32, 40); // one 4 s period peaks at 40, still below 45 (90% of 50)
        fill(store, CPU, 32, 60, 30);

        ScalingPolicy eight = create(cpu(50, false));
        // ceil(8 x 40 / 50) = 7, although the 25% step would allow 6.
        assertThat(eight.evaluate(store, steady(8), at(60)).wantedCapacity()).hasValue(7);

        ScalingPolicy four = create(cpu(50, false));
        // ceil(4 x 40 / 50) = 4: keeps 4 even though the low alarm is in ALARM.
        ScalingDecision keep = four.evaluate(store, steady(4), at(60));
        assertThat(keep.wantedCapacity()).hasValue(4);
        assertThat(keep.cause()).endsWith("but the capacity already keeps the peak 40 under the target 50");
        assertThat(four.alarms().get(1).state()).isEqualTo(AlarmState.ALARM);
    }

    @Test
    void aPolicyNotReadyToScaleInBlocksOthersWhileDisableScaleInHasNoView() {
        fill(store, CPU, 0, 60, 50); // on target: neither alarm
        ScalingDecision hold = create(cpu(50, false)).evaluate(store, steady(4), at(60));
        assertThat(hold.wantedCapacity()).hasValue(4);

        ScalingPolicy noScaleIn = create(cpu(50, true));
        assertThat(noScaleIn.alarms()).extracting(Alarm::name).containsExactly("TargetTracking-web-AlarmHigh-cpu50");
        fill(store, CPU, 60, 200, 5);
        assertThat(noScaleIn.evaluate(store, steady(4), at(200)).wantedCapacity()).isEmpty();
        ScalingDecision other = ScalingDecision.want("other", 2, "other");
        assertThat(PolicyCombiner.combine(List.of(noScaleIn.evaluate(store, steady(4), at(200)), other), steady(4)))
                .contains(new CapacityChange(2, other));
    }

    @Test
    void requestCountPerTargetIsPerMinute() {
        // 600 requests per target per minute = 10 per second. 2 targets each get 20 per second = 1200 per minute.
        TargetTracking c = new TargetTracking("rps", PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET, null, null, 600,
                false, null, null, null);
        ScalingPolicy p = create(c);
        assertThat(p.alarms().get(0).metric()).isEqualTo(REQUESTS_PER_TARGET);
        assertThat(p.alarms().get(0).threshold()).isEqualTo(20.0); // Sum over a 2 s period
        fill(store, REQUESTS_PER_TARGET, 0, 10, 20);
        assertThat(p.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(4);

        // 4 per second per target = 240/min, below 90% of 600 for a minute: ceil(4 x 240 / 600) = 2, 25% cap -> 3.
        fill(store, REQUESTS_PER_TARGET, 10, 80, 4);
        p.scaled(2, 4, at(10));
        assertThat(p.evaluate(store, steady(4), at(72)).wantedCapacity()).hasValue(3);
    }

    @Test
    void customizedMetricUsesItsStatistic() {
        MetricKey latency = MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "web-tg"));
        TargetTracking c = new TargetTracking("latency", null, null,
                new MetricSpec("TargetResponseTime", Map.of(), "p99"), 0.2, true, null, 20, null);
        ScalingPolicy p = create(c);
        assertThat(p.alarms().get(0)).hasToString("TargetTracking-web-AlarmHigh-latency: TargetResponseTime{TargetGroup=web-tg}"
                + " p99 > 0.2 for 5 of 5 x 4 s");
        for (int s = 0; s < 20; s++) { // 99 fast responses and one slow one per second: p99 is 0.1
            for (int i = 0; i < 99; i++) {
                store.record(latency, at(s).getEpochSecond(), 0.1);
            }
            store.record(latency, at(s).getEpochSecond(), 5.0);
        }
        assertThat(p.evaluate(store, steady(3), at(20)).wantedCapacity()).isEmpty();
        for (int s = 20; s < 40; s++) {
            for (int i = 0; i < 10; i++) {
                store.record(latency, at(s).getEpochSecond(), 0.3);
            }
        }
        assertThat(p.evaluate(store, steady(3), at(40)).wantedCapacity()).hasValue(5); // ceil(3 x 0.3 / 0.2)
    }

    /** Requests per second per healthy target: RequestCount / HealthyHostCount, both averaged per period. */
    private static TargetTracking perHealthyTarget(double target) {
        return new TargetTracking("perTarget", null, null, MetricSpec.math(List.of(
                new MetricDataQuery("m1", new MetricStat("RequestCount", null, Map.of(), "Average"), null, null, false),
                new MetricDataQuery("m2", new MetricStat("HealthyHostCount", null, Map.of(), "Average"), null, null, false),
                new MetricDataQuery("e1", null, "m1 / m2", "Requests per healthy target", true))),
                target, false, null, null, null);
    }

    private static final MetricKey REQUESTS = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "web-tg"));
    private static final MetricKey HEALTHY = MetricKey.of("HealthyHostCount", Dimensions.of("TargetGroup", "web-tg"));

    @Test
    void metricMathScalesOutAndInOnTheExpressionsValue() {
        ScalingPolicy p = create(perHealthyTarget(10));
        assertThat(p.alarms().get(0)).hasToString("TargetTracking-web-AlarmHigh-perTarget: m1 / m2"
                + " (m1 = RequestCount{TargetGroup=web-tg} Average, m2 = HealthyHostCount{TargetGroup=web-tg} Average)"
                + " > 10.0 for 5 of 5 x 2 s");
        // 30 req/s over 2 healthy targets: 15 per target against a target of 10 -> ceil(2 x 15 / 10) = 3.
        fill(store, REQUESTS, 0, 10, 30);
        fill(store, HEALTHY, 0, 10, 2);
        ScalingDecision out = p.evaluate(store, steady(2), at(10));
        assertThat(out.wantedCapacity()).hasValue(3);
        assertThat(out.cause()).isEqualTo("a monitor alarm TargetTracking-web-AlarmHigh-perTarget in state ALARM"
                + " triggered policy perTarget");
        assertThat(PolicyCombiner.combine(List.of(out), steady(2))).contains(new CapacityChange(3, out));
        p.scaled(2, 3, at(10));

        // A minute at 2 per target (8 req/s over 4): under 90% of 10; at most a quarter goes at once -> 3.
        fill(store, REQUESTS, 10, 80, 8);
        fill(store, HEALTHY, 10, 80, 4);
        ScalingDecision in = p.evaluate(store, steady(4), at(72));
        assertThat(in.wantedCapacity()).hasValue(3);
        assertThat(in.cause()).isEqualTo("a monitor alarm TargetTracking-web-AlarmLow-perTarget in state ALARM"
                + " triggered policy perTarget");
    }

    @Test
    void metricMathWithNoHealthyTargetIsMissingDataNotAScaleIn() {
        ScalingPolicy p = create(perHealthyTarget(10));
        // Traffic but no healthy target: m1 / 0 is missing in every period, as in CloudWatch.
        fill(store, REQUESTS, 0, 70, 5);
        fill(store, HEALTHY, 0, 70, 0);
        ScalingDecision d = p.evaluate(store, steady(4), at(68));
        assertThat(p.alarms()).extracting(Alarm::state).containsOnly(AlarmState.INSUFFICIENT_DATA);
        assertThat(d.wantedCapacity()).hasValue(4);
        assertThat(d.cause()).isEqualTo("not ready to scale in: TargetTracking-web-AlarmLow-perTarget is in state"
                + " INSUFFICIENT_DATA");
    }

    @Test
    void rejectsBadConfigNamingThePolicy() {
        assertThatThrownBy(() -> create(cpu(0, false)))
                .hasMessage("autoScalingGroups[web].policies[cpu50].targetTrackingConfiguration.targetValue: 0.0"
                        + " (expected: a number > 0)");
        TargetTracking both = new TargetTracking("x", PredefinedMetricType.ASG_AVERAGE_NETWORK_IN, null,
                new MetricSpec("NetworkIn", Map.of(), "Average"), 10, false, null, null, null);
        assertThatThrownBy(() -> create(both)).hasMessageContaining("policies[x]: both predefinedMetricType and customizedMetric");
    }
}
