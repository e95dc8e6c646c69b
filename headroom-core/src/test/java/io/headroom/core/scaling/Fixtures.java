package io.headroom.core.scaling;

import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AlarmConfig.ComparisonOperator;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared test data: a group "web" with target group "web-tg", and a way to fill the metric store. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");
    static final MetricKey CPU = MetricKey.of("CPUUtilization", Dimensions.of("AutoScalingGroupName", "web"));
    static final MetricKey REQUESTS_PER_TARGET = MetricKey.of("RequestCountPerTarget", Dimensions.of("TargetGroup", "web-tg"));

    private Fixtures() {}

    static AutoScalingGroupConfig group(ScalingPolicyConfig... policies) {
        return new AutoScalingGroupConfig("web", "web-app", "$Latest", 1, 20, 2, List.of("zone-a"), List.of("web-tg"),
                AutoScalingGroupConfig.HealthCheckType.ELB, 30, 10, 300, List.of(), List.of(policies), List.of());
    }

    /** desired = in service, nothing pending or warming. */
    static GroupState steady(int capacity) {
        return new GroupState("web", 1, 20, capacity, capacity, 0, 0);
    }

    static AlarmConfig alarm(String metric, double threshold, ComparisonOperator op, int period, int n) {
        return new AlarmConfig(metric, Map.of(), "Average", period, n, 0, threshold, op);
    }

    /** One sample per second for the seconds [from, to) after T0. */
    static void fill(MetricStore store, MetricKey key, int from, int to, double value) {
        for (int s = from; s < to; s++) {
            store.record(key, T0.getEpochSecond() + s, value);
        }
    }

    static Instant at(int secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0);
    }
}
