package io.headroom.proxy.http;

import io.headroom.core.metrics.Counter;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.Distribution;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;

/** A target group's data-plane instruments ({TargetGroup=name}), resolved once per routing snapshot. */
public final class TargetGroupMetrics {
    final Counter requestCount;
    final Distribution targetResponseTime;
    final Counter[] targetCodes = new Counter[6];
    final Counter connectionErrors;
    /** AWS's UnhealthyRoutingRequestCount: requests forwarded while routing failover was in effect. */
    final Counter unhealthyRoutingRequests;

    public TargetGroupMetrics(MetricRegistry registry, String targetGroup) {
        Dimensions d = Dimensions.of("TargetGroup", targetGroup);
        requestCount = registry.counter(MetricKey.of("RequestCount", d));
        targetResponseTime = registry.distribution(MetricKey.of("TargetResponseTime", d));
        for (int c = 2; c <= 5; c++) {
            targetCodes[c] = registry.counter(MetricKey.of("HTTPCode_Target_" + c + "XX_Count", d));
        }
        connectionErrors = registry.counter(MetricKey.of("TargetConnectionErrorCount", d));
        unhealthyRoutingRequests = registry.counter(MetricKey.of("UnhealthyRoutingRequestCount", d));
    }

    void targetStatus(int code) {
        int c = code / 100;
        if (c >= 2 && c <= 5) {
            targetCodes[c].increment();
        }
    }
}
