package io.headroom.proxy.tls;

import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.ListenerConfig.CertificateConfig;
import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig;
import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the TLS contexts of listeners and target groups from the config. One instance lives as long as the proxy:
 * it remembers the self-signed certificates it generated, so that a reload keeps serving the same one (clients that
 * pinned it keep working). PEM files are re-read on every call, so a reload picks up renewed certificates.
 *
 * <p>Everything here runs at config load, never on the data path. Errors are {@link IllegalArgumentException}s
 * naming the config path and the file, thrown before the caller swaps anything.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    /** ALPN for a listener that speaks HTTP/1.1 only. */
    public static final List<String> HTTP_1_1 = List.of(ApplicationProtocolNames.HTTP_1_1);
    /** ALPN for a listener that speaks HTTP/2 and HTTP/1.1, preferring HTTP/2. */
    public static final List<String> H2_AND_HTTP_1_1 =
            List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final ConcurrentHashMap<String, KeyMaterial> selfSigned = new ConcurrentHashMap<>();

    /**
     * The TLS side of an HTTPS or TLS listener.
     *
     * @param where  the listener's config path, e.g. {@code loadBalancers[0].listeners[1]}, for error messages
     * @param alpn   the ALPN protocols to offer ({@link #HTTP_1_1}, {@link #H2_AND_HTTP_1_1}); empty: no ALPN
     * @throws IllegalArgumentException naming the certificate entry and file when one cannot be used, or the
     *                                  {@code mutualAuthentication} trust store's bundle or a revocation list when it
     *                                  cannot be read or used
     */
    public ServerTls server(String where, ListenerConfig listener, List<String> alpn) {
        if (listener.certificates().isEmpty()) {
            throw new IllegalArgumentException(where + ".certificates: required for " + listener.protocol()
                    + " listeners");
        }
        SslPolicy policy;
        try {
            policy = SslPolicy.of(listener.sslPolicy());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".sslPolicy: " + e.getMessage());
        }
        MutualAuthenticationConfig mtls = listener.mutualAuthentication();
        ClientCertificateTrust clientTrust = clientTrust(where + ".mutualAuthentication", mtls);
        List<KeyMaterial> entries = new ArrayList<>();
        List<SslContext> contexts = new ArrayList<>();
        List<CertificateConfig> certs = listener.certificates();
        for (int i = 0; i < certs.size(); i++) {
            String at = where + ".certificates[" + i + "]";
            KeyMaterial km = keyMaterial(at, certs.get(i));
            warnIfNotCurrent(at, km.leaf());
            entries.add(km);
            contexts.add(serverContext(at, km, policy, alpn, mtls.mode(), clientTrust));
        }
        return new ServerTls(policy, alpn, entries.stream().map(KeyMaterial::leaf).toList(),
                ServerTls.mapping(entries, contexts), mtls.mode());
    }

    /** Null when the listener asks for no client certificates; the trust store is read again on every call. */
    private static ClientCertificateTrust clientTrust(String where, MutualAuthenticationConfig mtls) {
        return switch (mtls.mode()) {
            case OFF -> null;
            case PASSTHROUGH -> ClientCertificateTrust.passthrough();
            case VERIFY -> {
                String at = where + ".trustStore.caCertificatesBundle";
                if (mtls.caCertificatesBundle() == null) {
                    throw new IllegalArgumentException(at + ": required for mode: verify");
                }
                List<X509Certificate> cas = PemFiles.certificateBundle(at, mtls.caCertificatesBundle());
                yield ClientCertificateTrust.verify(cas,
                        RevocationLists.read(where + ".trustStore.revocationLists", mtls.revocationLists(), cas),
                        mtls.ignoreClientCertificateExpiry(),
                        mtls.advertiseTrustStoreCaNames());
            }
        };
    }

    private KeyMaterial keyMaterial(String at, CertificateConfig c) {
        if (c.selfSignedCommonName() != null) {
            return selfSigned.computeIfAbsent(c.selfSignedCommonName(), cn -> {
                log.info("{}: generated a self-signed certificate for {}", at, cn);
                return SelfSigned.generate(cn);
            });
        }
        return PemFiles.load(at, c.certificateFile(), c.privateKeyFile());
    }

    private static void warnIfNotCurrent(String at, X509Certificate leaf) {
        Date now = Date.from(Instant.now());
        if (leaf.getNotAfter().before(now)) {
            log.warn("{}: the certificate for {} expired on {}; clients will refuse it", at,
                    leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        } else if (leaf.getNotBefore().after(now)) {
            log.warn("{}: the certificate for {} is not valid before {}", at,
                    leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant());
        }
    }

    private static SslContext serverContext(String at, KeyMaterial km, SslPolicy policy, List<String> alpn,
                                            Mode mtls, ClientCertificateTrust clientTrust) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(km.key(), km.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(policy.protocols())
                    .ciphers(policy.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
            if (clientTrust != null) {
                // passthrough asks for a certificate and takes none too; verify fails the handshake without one.
                b.clientAuth(mtls == Mode.VERIFY ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL).trustManager(clientTrust);
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        // A client offering none of ours gets no ALPN answer and may carry on with HTTP/1.1.
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(at + ": cannot be used for TLS (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A client context for connections to the targets of an HTTPS target group (TLS 1.2 and 1.3). Targets
     * present their own certificates: when {@code verify} is false (the default, as ALB does not verify target
     * certificates) any certificate is accepted; when true the chain must lead to one of {@code caFile}'s
     * certificates (the JDK's trusted roots when null) and name the target's host (a DNS name or IP address).
     *
     * @param where the target group's config path, e.g. {@code targetGroups[2]}
     * @throws IllegalArgumentException naming the CA file when it cannot be read
     */
    public SslContext client(String where, boolean verify, String caFile) {
        return client(where, verify, caFile, List.of());
    }

    /**
     * As {@link #client(String, boolean, String)}, offering these ALPN protocols (e.g. {@code h2} for targets that
     * speak HTTP/2); empty: no ALPN.
     */
    public SslContext client(String where, boolean verify, String caFile, List<String> alpn) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(SslPolicy.RECOMMENDED.protocols());
            if (!verify) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            } else {
                if (caFile != null) {
                    b.trustManager(PemFiles.certificateFile(where + ".tlsCaFile", caFile));
                }
                b.endpointIdentificationAlgorithm("HTTPS");
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException(where + ": cannot make a TLS client context (" + e.getMessage()
                    + ")", e);
        }
    }
}
