package io.headroom.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A port and protocol with rules in priority order (sorted ascending by {@link ConfigLoader}) and a default
 * action. {@code address} is 127.0.0.1 unless the file says otherwise. {@code responseHeaders}: header name to value,
 * set on every response the listener sends (see {@link #RESPONSE_HEADERS}); empty for none. {@code requestHeaderNames}:
 * config key (of {@link #REQUEST_HEADER_NAMES}) to the name that header is sent to targets under instead of AWS's;
 * empty when every one keeps its name.
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
        Map<String, String> responseHeaders,
        Map<String, String> requestHeaderNames) {

    public ListenerConfig {
        certificates = List.copyOf(certificates);
        rules = List.copyOf(rules);
        mutualAuthentication = Objects.requireNonNullElse(mutualAuthentication, MutualAuthenticationConfig.OFF);
        responseHeaders = responseHeaders == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(responseHeaders));
        requestHeaderNames = requestHeaderNames == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(requestHeaderNames));
    }

    /** A listener whose TLS request headers keep AWS's names. */
    public ListenerConfig(String address, int port, Protocol protocol, List<CertificateConfig> certificates,
                          String sslPolicy, ActionConfig defaultAction, List<RuleConfig> rules,
                          MutualAuthenticationConfig mutualAuthentication, Map<String, String> responseHeaders) {
        this(address, port, protocol, certificates, sslPolicy, defaultAction, rules, mutualAuthentication,
                responseHeaders, Map.of());
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
        return ordered("strictTransportSecurity", "Strict-Transport-Security",
                "accessControlAllowOrigin", "Access-Control-Allow-Origin",
                "accessControlAllowMethods", "Access-Control-Allow-Methods",
                "accessControlAllowHeaders", "Access-Control-Allow-Headers",
                "accessControlAllowCredentials", "Access-Control-Allow-Credentials",
                "accessControlExposeHeaders", "Access-Control-Expose-Headers",
                "accessControlMaxAge", "Access-Control-Max-Age",
                "contentSecurityPolicy", "Content-Security-Policy",
                "xContentTypeOptions", "X-Content-Type-Options",
                "xFrameOptions", "X-Frame-Options");
    }

    /** An unmodifiable map of these keys and values, in this order. */
    private static Map<String, String> ordered(String... keyValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValue.length; i += 2) {
            m.put(keyValue[i], keyValue[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The keys of {@code requestHeaderNames} in the config (AWS ALB's listener attributes
     * {@code routing.http.request.*.header_name}) and the name each header has unless renamed.
     */
    public static final Map<String, String> REQUEST_HEADER_NAMES = awsRequestHeaderNames();

    private static Map<String, String> awsRequestHeaderNames() {
        return ordered("xAmznMtlsClientcertSerialNumber", "X-Amzn-Mtls-Clientcert-Serial-Number",
                "xAmznMtlsClientcertIssuer", "X-Amzn-Mtls-Clientcert-Issuer",
                "xAmznMtlsClientcertSubject", "X-Amzn-Mtls-Clientcert-Subject",
                "xAmznMtlsClientcertValidity", "X-Amzn-Mtls-Clientcert-Validity",
                "xAmznMtlsClientcertLeaf", "X-Amzn-Mtls-Clientcert-Leaf",
                "xAmznMtlsClientcert", "X-Amzn-Mtls-Clientcert",
                "xAmznTlsVersion", "x-amzn-tls-version",
                "xAmznTlsCipherSuite", "x-amzn-tls-cipher-suite");
    }

    /** The name the header of {@code key} (of {@link #REQUEST_HEADER_NAMES}) goes to targets under. */
    public String requestHeaderName(String key) {
        String renamed = requestHeaderNames.get(key);
        return renamed != null ? renamed : Objects.requireNonNull(REQUEST_HEADER_NAMES.get(key), key);
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
     * {@link Mode#VERIFY}) and the trust store's {@code revocationLists} (CRL files, PEM or DER; empty for none).
     * The two flags and the revocation lists apply to {@link Mode#VERIFY} only.
     */
    public record MutualAuthenticationConfig(Mode mode, String caCertificatesBundle,
                                             boolean ignoreClientCertificateExpiry,
                                             boolean advertiseTrustStoreCaNames,
                                             List<String> revocationLists) {
        /** No client certificates (the default). */
        public static final MutualAuthenticationConfig OFF = new MutualAuthenticationConfig(Mode.OFF, null, false, false);

        public MutualAuthenticationConfig {
            Objects.requireNonNull(mode, "mode");
            revocationLists = revocationLists == null ? List.of() : List.copyOf(revocationLists);
        }

        /** Without revocation lists. */
        public MutualAuthenticationConfig(Mode mode, String caCertificatesBundle,
                                          boolean ignoreClientCertificateExpiry, boolean advertiseTrustStoreCaNames) {
            this(mode, caCertificatesBundle, ignoreClientCertificateExpiry, advertiseTrustStoreCaNames, List.of());
        }

        /** {@code off}, {@code passthrough} (ask, forward, do not check), {@code verify} (require and check). */
        public enum Mode { OFF, PASSTHROUGH, VERIFY }
    }
}
