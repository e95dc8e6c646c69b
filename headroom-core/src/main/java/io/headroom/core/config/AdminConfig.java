package io.headroom.core.config;

/**
 * The admin API endpoint. {@code token} is null when none is set; it is required when {@code host} is not a
 * loopback address.
 */
public record AdminConfig(String host, int port, String token) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:9900";
}
