package io.headroom.core.config;

import java.util.List;

/** A set of targets with a selection algorithm and a health check. */
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
        List<TargetConfig> targets) {

    public TargetGroupConfig {
        targets = List.copyOf(targets);
    }

    public enum Protocol { HTTP, HTTPS, TCP }

    public enum Algorithm { ROUND_ROBIN, LEAST_OUTSTANDING_REQUESTS, WEIGHTED_RANDOM }

    public record TargetConfig(String host, int port) {}
}
