package io.headroom.core.config;

/**
 * Active health check of a target group. AWS defaults for HTTP target groups: path "/", interval 30 s,
 * timeout 5 s, healthy threshold 5, unhealthy threshold 2, matcher "200". {@code port} 0 means the traffic port.
 */
public record HealthCheckConfig(
        Protocol protocol,
        String path,
        int port,
        int intervalSeconds,
        int timeoutSeconds,
        int healthyThreshold,
        int unhealthyThreshold,
        HttpCodeMatcher matcher) {

    public enum Protocol { HTTP, HTTPS, TCP }
}
