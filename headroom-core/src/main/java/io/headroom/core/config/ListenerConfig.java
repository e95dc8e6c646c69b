package io.headroom.core.config;

import java.util.List;
import java.util.Objects;

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
        List<RuleConfig> rules,
        MutualAuthenticationConfig mutualAuthentication) {

    public ListenerConfig {
        certificates = List.copyOf(certificates);
        rules = List.copyOf(rules);
        mutualAuthentication = Objects.requireNonNullElse(mutualAuthentication, MutualAuthenticationConfig.OFF);
    }

    /** A listener without mutual TLS. */
    public ListenerConfig(String address, int port, Protocol protocol, List<CertificateConfig> certificates,
                          String sslPolicy, ActionConfig defaultAction, List<RuleConfig> rules) {
        this(address, port, protocol, certificates, sslPolicy, defaultAction, rules, MutualAuthenticationConfig.OFF);
    }

    public enum Protocol { HTTP, HTTPS, TCP, TLS }

    /** Either PEM files or a self-signed certificate generated at startup for {@code selfSignedCommonName}. */
    public record CertificateConfig(String certificateFile, String privateKeyFile, String selfSignedCommonName) {}

    /**
     * An HTTPS listener's {@code mutualAuthentication} (AWS ALB's mutual TLS): whether clients are asked for a
     * certificate, and whether it is checked against {@code caCertificatesBundle} (a PEM file; set only for
     * {@link Mode#VERIFY}). The two flags apply to {@link Mode#VERIFY} only.
     */
    public record MutualAuthenticationConfig(Mode mode, String caCertificatesBundle,
                                             boolean ignoreClientCertificateExpiry,
                                             boolean advertiseTrustStoreCaNames) {
        /** No client certificates (the default). */
        public static final MutualAuthenticationConfig OFF = new MutualAuthenticationConfig(Mode.OFF, null, false, false);

        public MutualAuthenticationConfig {
            Objects.requireNonNull(mode, "mode");
        }

        /** {@code off}, {@code passthrough} (ask, forward, do not check), {@code verify} (require and check). */
        public enum Mode { OFF, PASSTHROUGH, VERIFY }
    }
}
