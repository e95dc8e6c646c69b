package io.headroom.proxy.tls;

import java.util.List;

/**
 * A listener's {@code sslPolicy}: which TLS versions and cipher suites it accepts. Both offer only ECDHE key
 * exchange with AEAD ciphers (forward secrecy, no CBC, no RSA key transport), which is also what HTTP/2 requires
 * (RFC 9113 §9.2.2).
 *
 * <ul>
 *   <li>{@code recommended}: TLS 1.3 and 1.2 (as ALB's ELBSecurityPolicy-TLS13-1-2-2021-06, without its CBC
 *       suites). TLS 1.0 and 1.1 are refused.</li>
 *   <li>{@code tls13}: TLS 1.3 only (as ELBSecurityPolicy-TLS13-1-3-2021-06).</li>
 * </ul>
 */
public enum SslPolicy {
    RECOMMENDED("recommended", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")),
    TLS13("tls13", List.of("TLSv1.3"), List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256"));

    private final String configName;
    private final List<String> protocols;
    private final List<String> ciphers;

    SslPolicy(String configName, List<String> protocols, List<String> ciphers) {
        this.configName = configName;
        this.protocols = protocols;
        this.ciphers = ciphers;
    }

    /**
     * The policy named {@code name} in the config; null means {@code recommended}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static SslPolicy of(String name) {
        if (name == null) {
            return RECOMMENDED;
        }
        for (SslPolicy p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" (expected: recommended | tls13)");
    }

    /** The JSSE protocol names, newest first. */
    public List<String> protocols() {
        return protocols;
    }

    /** The IANA (JSSE) cipher suite names, in order of preference. */
    public List<String> ciphers() {
        return ciphers;
    }

    @Override
    public String toString() {
        return configName;
    }
}
