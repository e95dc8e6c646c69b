package io.headroom.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A port and protocol with rules in priority order (sorted ascending by {@link ConfigLoader}) and a default
 * action. {@code address} is 127.0.0.1 unless the file says otherwise. {@code responseHeaders}: header name to value,
 * set on every response the listener sends (see {@link #RESPONSE_HEADERS}); empty for none.
 */
public record ListenerConfig(
        String address,
        int port,
        Protocol protocol,
        List<CertificateConfig> certificates,
        String sslPolicy,
        ActionConfig defaultAction,
        List<RuleConfig> rules,
        MutualAuthenticationConfig mutualAuthentication,
        Map<String, String> responseHeaders) {

    public ListenerConfig {
        certificates = List.copyOf(certificates);
        rules = List.copyOf(rules);
        mutualAuthentication = Objects.requireNonNullElse(mutualAuthentication, MutualAuthenticationConfig.OFF);
        responseHeaders = responseHeaders == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(responseHeaders));
    }

    /** A listener without mutual TLS or response headers of its own. */
    public ListenerConfig(String address, int port, Protocol protocol, List<CertificateConfig> certificates,
                          String sslPolicy, ActionConfig defaultAction, List<RuleConfig> rules) {
        this(address, port, protocol, certificates, sslPolicy, defaultAction, rules, MutualAuthenticationConfig.OFF);
    }

    /** A listener without response headers of its own. */
    public ListenerConfig(String address, int port, Protocol protocol, List<CertificateConfig> certificates,
                          String sslPolicy, ActionConfig defaultAction, List<RuleConfig> rules,
                          MutualAuthenticationConfig mutualAuthentication) {
        this(address, port, protocol, certificates, sslPolicy, defaultAction, rules, mutualAuthentication, Map.of());
    }

    /**
     * The keys of {@code responseHeaders} in the config (AWS ALB's listener attributes
     * {@code routing.http.response.*.header_value}) and the header each sets on every response.
     */
    public static final Map<String, String> RESPONSE_HEADERS = responseHeaderNames();

    private static Map<String, String> responseHeaderNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("strictTransportSecurity", "Strict-Transport-Security");
        m.put("accessControlAllowOrigin", "Access-Control-Allow-Origin");
        m.put("accessControlAllowMethods", "Access-Control-Allow-Methods");
        m.put("accessControlAllowHeaders", "Access-Control-Allow-Headers");
        m.put("accessControlAllowCredentials", "Access-Control-Allow-Credentials");
        m.put("accessControlExposeHeaders", "Access-Control-Expose-Headers");
        m.put("accessControlMaxAge", "Access-Control-Max-Age");
        m.put("contentSecurityPolicy", "Content-Security-Policy");
        m.put("xContentTypeOptions", "X-Content-Type-Options");
        m.put("xFrameOptions", "X-Frame-Options");
        return Collections.unmodifiableMap(m);
    }

    /**
     * {@code HTTP}, {@code HTTPS}: application load balancers. {@code TCP}, {@code TLS}, {@code UDP} and
     * {@code TCP_UDP} (one port taking both TCP connections and UDP datagrams): network load balancers.
     */
    public enum Protocol {
        HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP;

        /** Whether this is a network load balancer's protocol. */
        public boolean network() {
            return this != HTTP && this != HTTPS;
        }

        /** Whether the listener accepts TCP connections (TCP, TLS, TCP_UDP). */
        public boolean streams() {
            return this == TCP || this == TLS || this == TCP_UDP;
        }

        /** Whether the listener takes UDP datagrams (UDP, TCP_UDP). */
        public boolean datagrams() {
            return this == UDP || this == TCP_UDP;
        }
    }

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
