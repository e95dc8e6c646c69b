package io.headroom.core.config;

/** Session stickiness of a target group, or target-group stickiness of a weighted forward. */
public record StickinessConfig(boolean enabled, Type type, int durationSeconds, String cookieName) {
    public enum Type { LB_COOKIE, APP_COOKIE }

    public static StickinessConfig disabled() {
        return new StickinessConfig(false, Type.LB_COOKIE, 86400, null);
    }
}
