package io.headroom.proxy.tcp;

import io.headroom.core.metrics.Counter;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network load balancer's instruments ({LoadBalancer=name}, NLB's metric names), resolved once per route;
 * the data plane only increments them.
 *
 * <ul>
 *   <li>{@code ActiveFlowCount} (gauge): open client connections.</li>
 *   <li>{@code NewFlowCount}: client connections accepted.</li>
 *   <li>{@code ProcessedBytes}: bytes relayed, both directions.</li>
 *   <li>{@code TCP_Client_Reset_Count}, {@code TCP_Target_Reset_Count}: resets received from clients / targets
 *       (passed on to the other side).</li>
 *   <li>{@code TCP_ELB_Reset_Count}: resets the load balancer sent itself (no target, target unreachable).</li>
 *   <li>{@code ClientTLSNegotiationErrorCount}: TLS handshakes with clients that failed (TLS listeners).</li>
 *   <li>{@code TargetConnectionErrorCount} ({TargetGroup=name}): connections to a target that failed.</li>
 *   <li>{@code UnhealthyRoutingFlowCount} ({TargetGroup=name}): connections routed while routing failover was in
 *       effect (fail-open).</li>
 * </ul>
 */
final class NlbMetrics {
    final Counter newFlows;
    final Counter processedBytes;
    final Counter clientResets;
    final Counter targetResets;
    final Counter elbResets;
    final Counter clientTlsErrors;
    /** Shared by every route of the load balancer (reloads keep counting the same flows). */
    final AtomicInteger activeFlows;

    NlbMetrics(MetricRegistry registry, String loadBalancer, AtomicInteger activeFlows) {
        Dimensions d = Dimensions.of("LoadBalancer", loadBalancer);
        newFlows = registry.counter(MetricKey.of("NewFlowCount", d));
        processedBytes = registry.counter(MetricKey.of("ProcessedBytes", d));
        clientResets = registry.counter(MetricKey.of("TCP_Client_Reset_Count", d));
        targetResets = registry.counter(MetricKey.of("TCP_Target_Reset_Count", d));
        elbResets = registry.counter(MetricKey.of("TCP_ELB_Reset_Count", d));
        clientTlsErrors = registry.counter(MetricKey.of("ClientTLSNegotiationErrorCount", d));
        this.activeFlows = activeFlows;
        registry.gauge(MetricKey.of("ActiveFlowCount", d), activeFlows::get);
    }

    static Counter connectionErrors(MetricRegistry registry, String targetGroup) {
        return registry.counter(MetricKey.of("TargetConnectionErrorCount", Dimensions.of("TargetGroup", targetGroup)));
    }

    static Counter unhealthyRouting(MetricRegistry registry, String targetGroup) {
        return registry.counter(MetricKey.of("UnhealthyRoutingFlowCount", Dimensions.of("TargetGroup", targetGroup)));
    }
}
