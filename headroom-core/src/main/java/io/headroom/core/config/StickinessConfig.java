package io.headroom.core.config;

/**
 * Session stickiness of a target group, or target-group stickiness of a weighted forward. Application load balancers'
 * groups use {@code lb_cookie} or {@code app_cookie}; network load balancers' groups {@code source_ip} (a client's
 * connections and UDP flows go to one target, whatever their source port; no duration, no cookie).
 */
public record StickinessConfig(boolean enabled, Type type, int durationSeconds, String cookieName) {
    public enum Type { LB_COOKIE, APP_COOKIE, SOURCE_IP }

    public static StickinessConfig disabled() {
        return new StickinessConfig(false, Type.LB_COOKIE, 86400, null);
    }

    /** A network load balancer target group's stickiness: {@code source_ip}, on or off. */
    public static StickinessConfig sourceIp(boolean enabled) {
        return new StickinessConfig(enabled, Type.SOURCE_IP, 0, null);
    }

    /** Whether a network load balancer sends a client's connections and flows to one target. */
    public boolean sourceIpSticky() {
        return enabled && type == Type.SOURCE_IP;
    }
}
