package io.headroom.core.config;

import java.util.List;

/**
 * A set of targets with a selection algorithm and a health check. For HTTPS target groups, {@code tlsVerify}
 * (default false, as ALB) checks the targets' certificates against {@code tlsCaFile} (PEM; the JDK's trusted roots
 * when null) and the target's host. {@code anomalyMitigation} is ALB's
 * {@code load_balancing.algorithm.anomaly_mitigation} (automatic target weights; weighted random only).
 * {@code unhealthyStateRouting} is {@code targetGroupHealth.unhealthyStateRouting}: the routing failover thresholds.
 * {@code targetHealthState} and {@code deregistrationDelayConnectionTermination} are NLB's
 * {@code target_health_state.unhealthy.*} and {@code deregistration_delay.connection_termination.enabled}: what
 * happens to a network load balancer's open connections when their target fails its health checks or ends its
 * deregistration delay (see {@link #terminatesConnectionsAfterDeregistration()}).
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
        UnhealthyStateRoutingConfig unhealthyStateRouting,
        TargetHealthStateConfig targetHealthState,
        boolean deregistrationDelayConnectionTermination) {

    public TargetGroupConfig {
        targets = List.copyOf(targets);
        if (unhealthyStateRouting == null) {
            unhealthyStateRouting = UnhealthyStateRoutingConfig.DEFAULT;
        }
        if (targetHealthState == null) {
            targetHealthState = TargetHealthStateConfig.defaultFor(protocol);
        }
    }

    /** With AWS's defaults for {@code protocol}'s target health state and deregistration connection termination. */
    public TargetGroupConfig(String name, Protocol protocol, String protocolVersion, Algorithm algorithm,
                             HealthCheckConfig healthCheck, int deregistrationDelaySeconds, int slowStartSeconds,
                             StickinessConfig stickiness, boolean proxyProtocolV2, List<TargetConfig> targets,
                             boolean tlsVerify, String tlsCaFile, boolean anomalyMitigation,
                             UnhealthyStateRoutingConfig unhealthyStateRouting) {
        this(name, protocol, protocolVersion, algorithm, healthCheck, deregistrationDelaySeconds, slowStartSeconds,
                stickiness, proxyProtocolV2, targets, tlsVerify, tlsCaFile, anomalyMitigation, unhealthyStateRouting,
                TargetHealthStateConfig.defaultFor(protocol), defaultDeregistrationConnectionTermination(protocol));
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
     * AWS's default of {@code deregistration_delay.connection_termination.enabled}: true for UDP and TCP_UDP target
     * groups, false for TCP ones. (Application load balancers have no such attribute: see
     * {@link #terminatesConnectionsAfterDeregistration()}.)
     */
    public static boolean defaultDeregistrationConnectionTermination(Protocol protocol) {
        return protocol == Protocol.UDP || protocol == Protocol.TCP_UDP;
    }

    /**
     * Whether the connections (UDP flows, WebSockets) still open to a draining target are closed when its
     * deregistration delay ends. Always for application load balancers (their WebSockets), as
     * {@code deregistrationDelayConnectionTermination} says for network ones; otherwise the target is removed and
     * its connections are left to end on their own (or by the idle timeout).
     */
    public boolean terminatesConnectionsAfterDeregistration() {
        return !protocol.network() || deregistrationDelayConnectionTermination;
    }

    /**
     * NLB's {@code target_health_state.unhealthy} attributes. With {@code connectionTermination} (AWS's default for
     * TCP target groups) the open connections of a target that becomes unhealthy are reset; without it they are
     * kept, for good ({@code drainingIntervalSeconds} 0) or for {@code drainingIntervalSeconds} in the state
     * {@code unhealthy.draining}, after which the target is {@code unhealthy} and they are reset. AWS does not let
     * connection termination be enabled for UDP and TCP_UDP groups, nor either attribute be set for HTTP and HTTPS
     * groups: their value is {@link #OFF}.
     *
     * @param connectionTermination   {@code target_health_state.unhealthy.connection_termination.enabled}
     * @param drainingIntervalSeconds {@code target_health_state.unhealthy.draining_interval_seconds}: 0..360000,
     *                                more than 0 only without connection termination
     */
    public record TargetHealthStateConfig(boolean connectionTermination, int drainingIntervalSeconds) {
        /** AWS's default for TCP target groups: connections to an unhealthy target are terminated. */
        public static final TargetHealthStateConfig DEFAULT = new TargetHealthStateConfig(true, 0);
        /** Neither termination nor an unhealthy draining interval (UDP, TCP_UDP, HTTP and HTTPS groups). */
        public static final TargetHealthStateConfig OFF = new TargetHealthStateConfig(false, 0);
        public static final int MAX_DRAINING_INTERVAL_SECONDS = 360_000;

        public TargetHealthStateConfig {
            if (drainingIntervalSeconds < 0 || drainingIntervalSeconds > MAX_DRAINING_INTERVAL_SECONDS) {
                throw new IllegalArgumentException("drainingIntervalSeconds: " + drainingIntervalSeconds
                        + " (expected: 0.." + MAX_DRAINING_INTERVAL_SECONDS + ")");
            }
            if (connectionTermination && drainingIntervalSeconds > 0) {
                throw new IllegalArgumentException("drainingIntervalSeconds: " + drainingIntervalSeconds
                        + " (expected: 0 with connectionTermination: true)");
            }
        }

        /** AWS's defaults for a target group of {@code protocol}. */
        public static TargetHealthStateConfig defaultFor(Protocol protocol) {
            return protocol == Protocol.TCP ? DEFAULT : OFF;
        }

        /** Whether the connections of an {@code unhealthy} target are reset (at once, or after the interval). */
        public boolean terminatesUnhealthy() {
            return connectionTermination || drainingIntervalSeconds > 0;
        }
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
