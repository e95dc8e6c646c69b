package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ScalingPolicyConfig.MetricDataQuery;
import io.headroom.core.config.ScalingPolicyConfig.MetricSpec;
import io.headroom.core.config.ScalingPolicyConfig.MetricStat;
import io.headroom.core.config.ScalingPolicyConfig.TargetTracking;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy view of the admin API echoes a metric math customized metric in AWS's shape. */
class PolicyViewTest {
    @Test
    void metricMathPolicyShowsItsMetricsAndExpression() {
        TargetTracking t = new TargetTracking("perTarget", null, null, MetricSpec.math(List.of(
                new MetricDataQuery("m1", new MetricStat("RequestCount", null, Map.of("TargetGroup", "web"), "Average"),
                        null, null, false),
                new MetricDataQuery("e1", null, "FILL(m1, 0) * 2", "Twice the requests", true))),
                20, false, null, null, null);

        @SuppressWarnings("unchecked")
        Map<String, Object> custom = (Map<String, Object>) ((Map<String, Object>) Views.policy(t)
                .get("targetTrackingConfiguration")).get("customizedMetric");

        assertThat(custom).isEqualTo(Map.of("metrics", List.of(
                Views.obj("id", "m1", "metricStat", Views.obj("metric", Views.obj("metricName", "RequestCount",
                                "namespace", null, "dimensions", Map.of("TargetGroup", "web")), "stat", "Average"),
                        "expression", null, "label", null, "returnData", false),
                Views.obj("id", "e1", "metricStat", null, "expression", "FILL(m1, 0) * 2", "label", "Twice the requests",
                        "returnData", true))));
    }
}
