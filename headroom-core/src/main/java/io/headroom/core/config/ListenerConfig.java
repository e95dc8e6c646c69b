package io.headroom.core.config;

import java.util.List;

/**
 * A port and protocol with rules in priority order (sorted ascending by {@link ConfigLoader}) and a default
 * action. {@code address} is 127.0.0.1 unless the file says otherwise.
 */
public record ListenerConfig(
        String address,
        int port,
        Protocol protocol,
        List<CertificateConfig> certificates,
        String sslPolicy,
        ActionConfig defaultAction,
        List<RuleConfig> rules) {

    public ListenerConfig {
        certificates = List.copyOf(certificates);
        rules = List.copyOf(rules);
    }

    public enum Protocol { HTTP, HTTPS, TCP, TLS }

    /** Either PEM files or a self-signed certificate generated at startup for {@code selfSignedCommonName}. */
    public record CertificateConfig(String certificateFile, String privateKeyFile, String selfSignedCommonName) {}
}
