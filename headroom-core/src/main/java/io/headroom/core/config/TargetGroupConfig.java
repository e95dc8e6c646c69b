package io.headroom.core.config;

import java.util.List;

/**
 * A set of targets with a selection algorithm and a health check. For HTTPS target groups, {@code tlsVerify}
 * (default false, as ALB) checks the targets' certificates against {@code tlsCaFile} (PEM; the JDK's trusted roots
 * when null) and the target's host. {@code anomalyMitigation} is ALB's
 * {@code load_balancing.algorithm.anomaly_mitigation} (automatic target weights; weighted random only).
 * {@code unhealthyStateRouting} is {@code targetGroupHealth.unhealthyStateRouting}: the routing failover thresholds.
 */
public record TargetGroupConfig(
        String name,
        Protocol protocol,
        String protocolVersion,
        Algorithm algorithm,
        HealthCheckConfig healthCheck,
        int deregistrationDelaySeconds,
        int slowStartSeconds,
        StickinessConfig stickiness,
        boolean proxyProtocolV2,
        List<TargetConfig> targets,
        boolean tlsVerify,
        String tlsCaFile,
        boolean anomalyMitigation,
        UnhealthyStateRoutingConfig unhealthyStateRouting) {

    public TargetGroupConfig {
        targets = List.copyOf(targets);
        if (unhealthyStateRouting == null) {
            unhealthyStateRouting = UnhealthyStateRoutingConfig.DEFAULT;
        }
    }

    /** With AWS's default routing failover thresholds (fail open only when no target is healthy). */
    public TargetGroupConfig(String name, Protocol protocol, String protocolVersion, Algorithm algorithm,
                             HealthCheckConfig healthCheck, int deregistrationDelaySeconds, int slowStartSeconds,
                             StickinessConfig stickiness, boolean proxyProtocolV2, List<TargetConfig> targets,
                             boolean tlsVerify, String tlsCaFile, boolean anomalyMitigation) {
        this(name, protocol, protocolVersion, algorithm, healthCheck, deregistrationDelaySeconds, slowStartSeconds,
                stickiness, proxyProtocolV2, targets, tlsVerify, tlsCaFile, anomalyMitigation,
                UnhealthyStateRoutingConfig.DEFAULT);
    }

    /** Without anomaly mitigation (ALB's default, {@code off}). */
    public TargetGroupConfig(String name, Protocol protocol, String protocolVersion, Algorithm algorithm,
                             HealthCheckConfig healthCheck, int deregistrationDelaySeconds, int slowStartSeconds,
                             StickinessConfig stickiness, boolean proxyProtocolV2, List<TargetConfig> targets,
                             boolean tlsVerify, String tlsCaFile) {
        this(name, protocol, protocolVersion, algorithm, healthCheck, deregistrationDelaySeconds, slowStartSeconds,
                stickiness, proxyProtocolV2, targets, tlsVerify, tlsCaFile, false);
    }

    /** Without the HTTPS target settings: targets' certificates are not verified (as ALB). */
    public TargetGroupConfig(String name, Protocol protocol, String protocolVersion, Algorithm algorithm,
                             HealthCheckConfig healthCheck, int deregistrationDelaySeconds, int slowStartSeconds,
                             StickinessConfig stickiness, boolean proxyProtocolV2, List<TargetConfig> targets) {
        this(name, protocol, protocolVersion, algorithm, healthCheck, deregistrationDelaySeconds, slowStartSeconds,
                stickiness, proxyProtocolV2, targets, false, null, false);
    }

    /**
     * {@code HTTP}, {@code HTTPS}: application load balancers. {@code TCP}, {@code UDP}, {@code TCP_UDP}: network
     * load balancers (a TCP_UDP group's targets take TCP connections and UDP datagrams on the same port).
     */
    public enum Protocol {
        HTTP, HTTPS, TCP, UDP, TCP_UDP;

        /** Whether this is a network load balancer's target group protocol. */
        public boolean network() {
            return this == TCP || this == UDP || this == TCP_UDP;
        }
    }

    public enum Algorithm { ROUND_ROBIN, LEAST_OUTSTANDING_REQUESTS, WEIGHTED_RANDOM }

    public record TargetConfig(String host, int port) {}
}
