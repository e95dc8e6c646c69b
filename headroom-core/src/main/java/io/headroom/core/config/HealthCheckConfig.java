package io.headroom.core.config;

/**
 * Active health check of a target group. AWS defaults for HTTP target groups: path "/", interval 30 s,
 * timeout 5 s, healthy threshold 5, unhealthy threshold 2, matcher "200"; for {@code protocolVersion: GRPC}
 * groups: path "/AWS.ALB/healthcheck" and gRPC codes "12". {@code port} 0 means the traffic port.
 *
 * @param protocolVersion how HTTP/HTTPS checks are sent, the target group's own: {@code HTTP1} a GET over
 *                        HTTP/1.1, {@code HTTP2} a GET over HTTP/2, {@code GRPC} a gRPC call over HTTP/2 whose
 *                        {@code grpc-status} is matched; {@code HTTP1} for TCP checks (unused)
 */
public record HealthCheckConfig(
        Protocol protocol,
        String path,
        int port,
        int intervalSeconds,
        int timeoutSeconds,
        int healthyThreshold,
        int unhealthyThreshold,
        HttpCodeMatcher matcher,
        ProtocolVersion protocolVersion) {

    public enum Protocol { HTTP, HTTPS, TCP }

    public enum ProtocolVersion {
        HTTP1, HTTP2, GRPC;

        /** Whether checks go over HTTP/2. */
        public boolean http2() {
            return this != HTTP1;
        }
    }

    /** The default path of gRPC health checks (AWS's). */
    public static final String GRPC_PATH = "/AWS.ALB/healthcheck";

    public HealthCheckConfig {
        if (protocolVersion == null) {
            protocolVersion = ProtocolVersion.HTTP1;
        }
    }

    /** A check of an {@code HTTP1} target group (or a TCP one). */
    public HealthCheckConfig(Protocol protocol, String path, int port, int intervalSeconds, int timeoutSeconds,
                             int healthyThreshold, int unhealthyThreshold, HttpCodeMatcher matcher) {
        this(protocol, path, port, intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold, matcher,
                ProtocolVersion.HTTP1);
    }
}
