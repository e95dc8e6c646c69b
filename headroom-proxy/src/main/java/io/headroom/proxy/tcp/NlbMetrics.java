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
 *   <li>{@code ActiveFlowCount} (gauge): open client connections and UDP flows.</li>
 *   <li>{@code NewFlowCount}: client connections accepted and UDP flows started.</li>
 *   <li>{@code ProcessedBytes}: bytes relayed, both directions (TCP payload and UDP datagram payload).</li>
 *   <li>{@code TCP_Client_Reset_Count}, {@code TCP_Target_Reset_Count}: resets received from clients / targets
 *       (passed on to the other side).</li>
 *   <li>{@code TCP_ELB_Reset_Count}: resets the load balancer sent itself (no target, target unreachable).</li>
 *   <li>{@code ClientTLSNegotiationErrorCount}: TLS handshakes with clients that failed (TLS listeners).</li>
 *   <li>{@code TargetConnectionErrorCount} ({TargetGroup=name}): connections to a target that failed.</li>
 *   <li>{@code UnhealthyRoutingFlowCount} ({TargetGroup=name}): connections routed while routing failover was in
 *       effect (fail-open).</li>
 * </ul>
 *
 * <p>UDP listeners add {@link Udp}'s instruments.
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
    private final MetricRegistry registry;
    private final Dimensions d;

    NlbMetrics(MetricRegistry registry, String loadBalancer, AtomicInteger activeFlows) {
        this.registry = registry;
        d = Dimensions.of("LoadBalancer", loadBalancer);
        newFlows = registry.counter(MetricKey.of("NewFlowCount", d));
        processedBytes = registry.counter(MetricKey.of("ProcessedBytes", d));
        clientResets = registry.counter(MetricKey.of("TCP_Client_Reset_Count", d));
        targetResets = registry.counter(MetricKey.of("TCP_Target_Reset_Count", d));
        elbResets = registry.counter(MetricKey.of("TCP_ELB_Reset_Count", d));
        clientTlsErrors = registry.counter(MetricKey.of("ClientTLSNegotiationErrorCount", d));
        this.activeFlows = activeFlows;
        registry.gauge(MetricKey.of("ActiveFlowCount", d), activeFlows::get);
    }

    /**
     * The UDP instruments of this load balancer, registered on first use (a load balancer without UDP listeners
     * publishes none of them).
     *
     * @param activeUdpFlows shared by every route of the load balancer, like {@link #activeFlows}
     */
    Udp udp(AtomicInteger activeUdpFlows) {
        return new Udp(this, activeUdpFlows);
    }

    /**
     * A network load balancer's UDP instruments. A UDP flow also counts in the totals of {@link NlbMetrics}
     * ({@code ActiveFlowCount}, {@code NewFlowCount}, {@code ProcessedBytes}), as NLB's totals include every protocol.
     *
     * <ul>
     *   <li>{@code ActiveFlowCount_UDP} (gauge): UDP flows in the flow table.</li>
     *   <li>{@code NewFlowCount_UDP}: UDP flows started (a datagram from a client address and port with no flow).</li>
     *   <li>{@code ProcessedBytes_UDP}: datagram payload bytes relayed, both directions.</li>
     *   <li>{@code ProcessedPackets}: datagrams relayed, both directions (NLB counts every packet; Headroom sees
     *       TCP as a byte stream, so only UDP datagrams are counted).</li>
     *   <li>{@code RejectedFlowCount_UDP} (Headroom's): new UDP flows dropped because the listener's flow table was
     *       full.</li>
     *   <li>{@code UnroutableFlowCount_UDP} (Headroom's): new UDP flows dropped because the listener's target group
     *       had no target to route to (none registered, or all draining). NLB publishes no metric for this.</li>
     * </ul>
     */
    static final class Udp {
        final NlbMetrics all;
        final Counter newFlows;
        final Counter processedBytes;
        final Counter processedPackets;
        final Counter rejectedFlows;
        final Counter unroutableFlows;
        final AtomicInteger activeFlows;

        private Udp(NlbMetrics all, AtomicInteger activeFlows) {
            this.all = all;
            newFlows = all.registry.counter(MetricKey.of("NewFlowCount_UDP", all.d));
            processedBytes = all.registry.counter(MetricKey.of("ProcessedBytes_UDP", all.d));
            processedPackets = all.registry.counter(MetricKey.of("ProcessedPackets", all.d));
            rejectedFlows = all.registry.counter(MetricKey.of("RejectedFlowCount_UDP", all.d));
            unroutableFlows = all.registry.counter(MetricKey.of("UnroutableFlowCount_UDP", all.d));
            this.activeFlows = activeFlows;
            all.registry.gauge(MetricKey.of("ActiveFlowCount_UDP", all.d), activeFlows::get);
        }

        /** A flow started. */
        void flowStarted() {
            newFlows.increment();
            all.newFlows.increment();
            activeFlows.incrementAndGet();
            all.activeFlows.incrementAndGet();
        }

        /** A flow ended. */
        void flowEnded() {
            activeFlows.decrementAndGet();
            all.activeFlows.decrementAndGet();
        }

        /** One datagram of {@code bytes} payload relayed. */
        void datagram(int bytes) {
            processedPackets.increment();
            processedBytes.add(bytes);
            all.processedBytes.add(bytes);
        }
    }

    static Counter connectionErrors(MetricRegistry registry, String targetGroup) {
        return registry.counter(MetricKey.of("TargetConnectionErrorCount", Dimensions.of("TargetGroup", targetGroup)));
    }

    static Counter unhealthyRouting(MetricRegistry registry, String targetGroup) {
        return registry.counter(MetricKey.of("UnhealthyRoutingFlowCount", Dimensions.of("TargetGroup", targetGroup)));
    }
}
