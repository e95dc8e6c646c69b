package io.headroom.core.scaling;

import static io.headroom.core.config.AlarmConfig.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
import static io.headroom.core.config.AlarmConfig.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.EXACT_CAPACITY;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY;
import static io.headroom.core.scaling.Fixtures.CPU;
import static io.headroom.core.scaling.Fixtures.alarm;
import static io.headroom.core.scaling.Fixtures.at;
import static io.headroom.core.scaling.Fixtures.fill;
import static io.headroom.core.scaling.Fixtures.group;
import static io.headroom.core.scaling.Fixtures.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.config.ScalingPolicyConfig.Step;
import io.headroom.core.config.ScalingPolicyConfig.StepAdjustment;
import io.headroom.core.metrics.MetricStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StepScalingPolicyTest {
    private final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    private static Step scaleOut(AdjustmentType type, List<StepAdjustment> steps, Integer minMagnitude) {
        return new Step("out", type, null, steps, minMagnitude, null,
                alarm("CPUUtilization", 50, GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 10, 1));
    }

    private static StepAdjustment step(Double lower, Double upper, int adjustment) {
        return new StepAdjustment(lower, upper, adjustment);
    }

    /** The brief's example: threshold 50, [0,10) +10%, [10,20) +20%, [20,inf) +30%. */
    private static final List<StepAdjustment> TEN_TWENTY_THIRTY =
            List.of(step(0.0, 10.0, 10), step(10.0, 20.0, 20), step(20.0, null, 30));

    private ScalingPolicy policy(Step config) {
        return ScalingPolicies.create(config, group(config));
    }

    @Test
    void executedByAUserTheGivenBreachPicksTheStepWithoutAnyAlarm() {
        ScalingPolicy p = policy(scaleOut(PERCENT_CHANGE_IN_CAPACITY, TEN_TWENTY_THIRTY, null));
        // ExecutePolicy with MetricValue 65 and BreachThreshold 50: breach 15, the +20% step; no datapoint needed.
        ScalingDecision d = p.execute(10, at(0), false, 65.0, 50.0);
        assertThat(d.wantedCapacity()).hasValue(12);
        assertThat(d.cause()).isEqualTo("a user request executed policy out");
        assertThatThrownBy(() -> p.execute(10, at(0), false, null, 50.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("metricValue: missing");
        assertThatThrownBy(() -> p.execute(10, at(0), false, 40.0, 50.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a breach of -10, which no step adjustment of policy out covers");
    }

    @Test
    void metricOf60OnCapacity10AddsTwentyPercent() {
        ScalingPolicy p = policy(scaleOut(PERCENT_CHANGE_IN_CAPACITY, TEN_TWENTY_THIRTY, null));
        fill(store, CPU, 0, 10, 60);

        ScalingDecision d = p.evaluate(store, steady(10), at(10));

        assertThat(d.wantedCapacity()).hasValue(12);
        assertThat(d.cause()).isEqualTo("a monitor alarm StepScaling-web-out in state ALARM triggered policy out");
        assertThat(p.alarms()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("StepScaling-web-out");
            assertThat(a.state()).isEqualTo(AlarmState.ALARM);
        });
    }

    @Test
    void boundsAboveTheThresholdAreLowerInclusiveUpperExclusive() {
        ScalingPolicy p = policy(scaleOut(PERCENT_CHANGE_IN_CAPACITY, TEN_TWENTY_THIRTY, null));
        fill(store, CPU, 0, 10, 50); // breach 0 -> [0,10) +10%
        fill(store, CPU, 10, 20, 70); // breach 20 -> [20,inf) +30%
        fill(store, CPU, 20, 30, 69.99); // breach 19.99 -> [10,20) +20%

        assertThat(p.evaluate(store, steady(10), at(10)).wantedCapacity()).hasValue(11);
        assertThat(p.evaluate(store, steady(10), at(20)).wantedCapacity()).hasValue(13);
        assertThat(p.evaluate(store, steady(10), at(30)).wantedCapacity()).hasValue(12);
    }

    /**
     * AWS's documented example: threshold 50, scale-out 0..10 +0%, 10..20 +10%, 20.. +30%; scale-in -10..0 0%,
     * -20..-10 -10%, ..-20 -30%. Capacity 10: 60 gives 11, 70 gives 13; from 13, 40 gives 12 and 30 gives 10.
     */
    @Test
    void awsDocumentedScaleOutAndScaleInExample() {
        Step out = new Step("out", PERCENT_CHANGE_IN_CAPACITY, null,
                List.of(step(0.0, 10.0, 0), step(10.0, 20.0, 10), step(20.0, null, 30)), null, null,
                alarm("CPUUtilization", 50, GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 10, 1));
        Step in = new Step("in", PERCENT_CHANGE_IN_CAPACITY, null,
                List.of(step(-10.0, 0.0, 0), step(-20.0, -10.0, -10), step(null, -20.0, -30)), null, null,
                alarm("CPUUtilization", 50, LESS_THAN_OR_EQUAL_TO_THRESHOLD, 10, 1));
        ScalingPolicy pOut = ScalingPolicies.create(out, group(out, in));
        ScalingPolicy pIn = ScalingPolicies.create(in, group(out, in));

        fill(store, CPU, 0, 10, 55);
        assertThat(pOut.evaluate(store, steady(10), at(10)).wantedCapacity()).hasValue(10); // +0%: maintains
        fill(store, CPU, 10, 20, 60);
        assertThat(pOut.evaluate(store, steady(10), at(20)).wantedCapacity()).hasValue(11);
        fill(store, CPU, 20, 30, 70);
        assertThat(pOut.evaluate(store, steady(10), at(30)).wantedCapacity()).hasValue(13);

        fill(store, CPU, 30, 40, 45);
        assertThat(pIn.evaluate(store, steady(13), at(40)).wantedCapacity()).hasValue(13); // -5: 0% maintains
        fill(store, CPU, 40, 50, 40);
        assertThat(pIn.evaluate(store, steady(13), at(50)).wantedCapacity()).hasValue(12); // -1.3 -> -1
        fill(store, CPU, 50, 60, 30);
        assertThat(pIn.evaluate(store, steady(13), at(60)).wantedCapacity()).hasValue(10); // -3.9 -> -3
    }

    @Test
    void boundsBelowTheThresholdAreLowerExclusiveUpperInclusive() {
        Step in = new Step("in", CHANGE_IN_CAPACITY, null,
                List.of(step(-10.0, 0.0, -1), step(null, -10.0, -2)), null, null,
                alarm("CPUUtilization", 50, LESS_THAN_OR_EQUAL_TO_THRESHOLD, 10, 1));
        ScalingPolicy p = policy(in);
        fill(store, CPU, 0, 10, 40); // breach exactly -10: belongs to (-inf, -10]
        assertThat(p.evaluate(store, steady(6), at(10)).wantedCapacity()).hasValue(4);
    }

    @Test
    void warmingInstancesAreNotCurrentCapacitySoOnlyTheDifferenceIsAdded() {
        // AWS: +1 at 60 (10%), then 70 while the new instance warms: +3 of 10 gives 13, so only 2 more.
        ScalingPolicy p = policy(scaleOut(PERCENT_CHANGE_IN_CAPACITY,
                List.of(step(0.0, 10.0, 0), step(10.0, 20.0, 10), step(20.0, null, 30)), null));
        fill(store, CPU, 0, 10, 60);
        assertThat(p.evaluate(store, steady(10), at(10)).wantedCapacity()).hasValue(11);
        p.scaled(10, 11, at(10));

        GroupState warming = new GroupState("web", 1, 20, 11, 10, 1, 1);
        fill(store, CPU, 10, 20, 62); // same step again: no further scaling
        ScalingDecision same = p.evaluate(store, warming, at(20));
        assertThat(same.wantedCapacity()).hasValue(11);
        assertThat(PolicyCombiner.combine(List.of(same), warming)).isEmpty();

        fill(store, CPU, 20, 30, 70);
        assertThat(p.evaluate(store, warming, at(30)).wantedCapacity()).hasValue(13);
    }

    @Test
    void changeInCapacityAndExactCapacity() {
        ScalingPolicy change = policy(scaleOut(CHANGE_IN_CAPACITY, List.of(step(0.0, 20.0, 1), step(20.0, null, 3)), null));
        fill(store, CPU, 0, 10, 75);
        assertThat(change.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(5);

        ScalingPolicy exact = policy(scaleOut(EXACT_CAPACITY, List.of(step(0.0, null, 8)), null));
        assertThat(exact.evaluate(store, steady(2), at(10)).wantedCapacity()).hasValue(8);
    }

    @Test
    void minAdjustmentMagnitudeAppliesToPercentSteps() {
        ScalingPolicy p = policy(scaleOut(PERCENT_CHANGE_IN_CAPACITY, List.of(step(0.0, null, 25)), 2));
        fill(store, CPU, 0, 10, 90);
        assertThat(p.evaluate(store, steady(4), at(10)).wantedCapacity()).hasValue(6);
    }

    @Test
    void noViewWhileTheAlarmIsNotInAlarm() {
        ScalingPolicy p = policy(scaleOut(CHANGE_IN_CAPACITY, List.of(step(0.0, null, 1)), null));
        assertThat(p.evaluate(store, steady(2), at(10)).wantedCapacity()).isEqualTo(OptionalInt.empty());
        fill(store, CPU, 10, 20, 20);
        ScalingDecision ok = p.evaluate(store, steady(2), at(20));
        assertThat(ok.wantedCapacity()).isEmpty();
        assertThat(ok.cause()).isEqualTo("alarm StepScaling-web-out is in state OK");
    }

    @Test
    void scaleInActsAgainOnlyOnADatapointAfterItsLastScaling() {
        Step in = new Step("in", CHANGE_IN_CAPACITY, null, List.of(step(null, 0.0, -1)), null, null,
                alarm("CPUUtilization", 30, LESS_THAN_OR_EQUAL_TO_THRESHOLD, 10, 1));
        ScalingPolicy p = policy(in);
        fill(store, CPU, 0, 30, 10);
        assertThat(p.evaluate(store, steady(5), at(10)).wantedCapacity()).hasValue(4);
        p.scaled(5, 4, at(10));
        // Still the period [0,10) at 00:10.5 and 00:19: no second removal.
        assertThat(p.evaluate(store, steady(4), at(19)).wantedCapacity()).isEmpty();
        assertThat(p.evaluate(store, steady(4), at(20)).wantedCapacity()).hasValue(3);
    }

    @Test
    void rejectsOverlappingStepsAndMagnitudeWithoutPercent() {
        assertThatThrownBy(() -> policy(scaleOut(CHANGE_IN_CAPACITY, List.of(step(0.0, 20.0, 1), step(10.0, null, 3)), null)))
                .hasMessage("autoScalingGroups[web].policies[out].stepAdjustments: [0, 20) +1 overlaps [10, +inf) +3"
                        + " (expected: intervals that do not overlap)");
        assertThatThrownBy(() -> policy(scaleOut(CHANGE_IN_CAPACITY, List.of(step(0.0, null, 1)), 2)))
                .hasMessageContaining("policies[out].minAdjustmentMagnitude: only valid with adjustmentType PercentChangeInCapacity");
    }
}
