package io.headroom.core.scaling;

import static io.headroom.core.config.AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY;
import static io.headroom.core.scaling.Fixtures.REQUESTS_PER_TARGET;
import static io.headroom.core.scaling.Fixtures.alarm;
import static io.headroom.core.scaling.Fixtures.at;
import static io.headroom.core.scaling.Fixtures.fill;
import static io.headroom.core.scaling.Fixtures.group;
import static io.headroom.core.scaling.Fixtures.steady;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ScalingPolicyConfig.Simple;
import io.headroom.core.metrics.MetricStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimpleScalingPolicyTest {
    private final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    @Test
    void addsOnceThenWaitsForTheCooldown() {
        // The CONFIG.md example: RequestCountPerTarget Sum over 60 s > 1000, +1, cooldown 120 s.
        Simple c = new Simple("simple", CHANGE_IN_CAPACITY, 1, null, 120,
                new io.headroom.core.config.AlarmConfig("RequestCountPerTarget", java.util.Map.of(), "Sum", 60, 1, 0, 1000,
                        GREATER_THAN_THRESHOLD));
        ScalingPolicy p = ScalingPolicies.create(c, group(c));
        assertThat(p.alarms().get(0).metric()).isEqualTo(REQUESTS_PER_TARGET);
        fill(store, REQUESTS_PER_TARGET, 0, 600, 20); // 1200 per target per minute

        ScalingDecision first = p.evaluate(store, steady(2), at(60));
        assertThat(first.wantedCapacity()).hasValue(3);
        assertThat(first.cause()).isEqualTo("a monitor alarm SimpleScaling-web-simple in state ALARM triggered policy simple");
        p.scaled(2, 3, at(61));

        ScalingDecision cooling = p.evaluate(store, steady(3), at(180));
        assertThat(cooling.wantedCapacity()).isEmpty();
        assertThat(cooling.cause()).endsWith("but the policy is in its cooldown until 2026-11-25T07:03:01Z");
        assertThat(p.evaluate(store, steady(3), at(181)).wantedCapacity()).hasValue(4);
    }

    @Test
    void cooldownDefaultsToTheGroupsDefaultCooldown() {
        Simple c = new Simple("simple", PERCENT_CHANGE_IN_CAPACITY, 50, null, null,
                alarm("RequestCountPerTarget", 10, GREATER_THAN_THRESHOLD, 10, 1));
        ScalingPolicy p = ScalingPolicies.create(c, group(c)); // defaultCooldownSeconds 300
        fill(store, REQUESTS_PER_TARGET, 0, 400, 20);
        assertThat(p.evaluate(store, steady(4), at(10)).wantedCapacity()).hasValue(6);
        p.scaled(4, 6, at(10));
        assertThat(p.evaluate(store, steady(6), at(309)).wantedCapacity()).isEmpty();
        assertThat(p.evaluate(store, steady(6), at(310)).wantedCapacity()).hasValue(9);
    }
}
