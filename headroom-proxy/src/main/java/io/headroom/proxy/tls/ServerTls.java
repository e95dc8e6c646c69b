package io.headroom.proxy.tls;

import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS side of one HTTPS (or TLS) listener, built at config load and never changed: a server
 * {@link SslContext} per certificate, all with the listener's {@link SslPolicy} and ALPN protocols, and the SNI
 * mapping from host name to certificate. A reload builds a new one (re-reading the files) and the listener swaps
 * it in; connections already open keep theirs.
 *
 * <p>The first certificate is the default: it answers clients that send no SNI name or a name no certificate is
 * for. The others are chosen by the SNI name against their DNS subject alternative names (or their CN when they
 * have none), wildcards such as {@code *.example.com} matching one label, as ALB does. When two certificates are
 * for the same name, the first one in the list wins.
 *
 * <p>With mutual TLS every context asks clients for a certificate and judges it with the listener's
 * {@link ClientCertificateTrust} (built from the trust store as read at this load).
 */
public final class ServerTls {
    /** How long a client may take to send its ClientHello and finish the handshake. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SslPolicy policy;
    private final List<String> applicationProtocols;
    private final List<X509Certificate> certificates;
    private final Mapping<String, SslContext> sni;
    private final Mode mutualAuthentication;

    ServerTls(SslPolicy policy, List<String> applicationProtocols, List<X509Certificate> certificates,
              Mapping<String, SslContext> sni, Mode mutualAuthentication) {
        this.policy = policy;
        this.applicationProtocols = List.copyOf(applicationProtocols);
        this.certificates = List.copyOf(certificates);
        this.sni = sni;
        this.mutualAuthentication = mutualAuthentication;
    }

    /**
     * A new handler to put first in a client connection's pipeline. It waits for the ClientHello, picks the
     * certificate for its SNI name, then replaces itself with an {@link io.netty.handler.ssl.SslHandler} (name
     * unchanged), which fires {@link io.netty.handler.ssl.SslHandshakeCompletionEvent} when done; with ALPN the
     * chosen protocol is {@code SslHandler.applicationProtocol()}.
     */
    public ChannelHandler newHandler(ByteBufAllocator alloc) {
        return new SniHandler(sni, 16 * 1024, HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** The policy all its contexts use. */
    public SslPolicy policy() {
        return policy;
    }

    /**
     * Whether clients are asked for a certificate ({@code passthrough}: any, or none, is taken; {@code verify}: one
     * leading to the trust store is required, else the handshake fails).
     */
    public Mode mutualAuthentication() {
        return mutualAuthentication;
    }

    /** The ALPN protocols offered, in order of preference (e.g. {@code h2}, {@code http/1.1}). */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** The leaf certificate of every configured entry, in config order (the first is the default). */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /**
     * Why a failed handshake of a {@code verify} listener was a refused client certificate ("no client
     * certificate", "the certificate of CN=x expired at ...", with AWS's reason code); null when it failed for another
     * reason.
     */
    public static HandshakeRefusal clientCertificateRefusal(Throwable handshakeFailure) {
        for (Throwable t = handshakeFailure; t != null; t = t.getCause()) {
            if (t instanceof ClientCertificateTrust.Refused r) {
                return r.refusal;
            }
            // The JDK's own words when a client answers the CertificateRequest with no certificate.
            if (t.getMessage() != null && t.getMessage().contains("Empty client certificate chain")) {
                return new HandshakeRefusal(HandshakeRefusal.NOT_FOUND, "no client certificate", null, null, null);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The context chosen for an SNI host name (null: no SNI), as a handshake would choose it. */
    SslContext contextFor(String hostName) {
        return sni.map(hostName);
    }

    static Mapping<String, SslContext> mapping(List<KeyMaterial> entries, List<SslContext> contexts) {
        DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(contexts.get(0));
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            for (String name : entries.get(i).hostNames()) {
                if (taken.add(name)) {
                    try {
                        b.add(name, contexts.get(i));
                    } catch (IllegalArgumentException e) {
                        // Not a host name (e.g. a CN like "My Server"): nothing to match by SNI.
                    }
                }
            }
        }
        return b.build();
    }
}
