package io.headroom.proxy.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How an HTTPS listener with mutual TLS judges the certificate chain a client presents during the handshake.
 *
 * <ul>
 *   <li>{@link #passthrough()}: every chain is accepted as it is (the targets judge it); no CA names are
 *       advertised.</li>
 *   <li>{@link #verify}: the chain must lead, by RFC 5280 path validation, to one of the CA certificates of the
 *       trust store (roots or intermediates); every certificate of the path must be current, unless
 *       {@code ignoreExpiry} (then only one that is not valid yet fails); the leaf's extended key usage, when it has
 *       one, must allow client authentication; and no certificate of the path, the trust anchor included, may be
 *       listed by the trust store's {@link RevocationLists}. A refusal is a {@link Refused}, which fails the
 *       handshake.</li>
 * </ul>
 *
 * The JDK's TLS engine calls it on the connection's event loop, once per handshake; it keeps no state of its own.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final X509Certificate[] NONE = new X509Certificate[0];

    /** Null: passthrough. */
    private final Set<TrustAnchor> anchors;
    private final boolean ignoreExpiry;
    private final X509Certificate[] advertised;
    private final RevocationLists revocations;

    private ClientCertificateTrust(Set<TrustAnchor> anchors, boolean ignoreExpiry, X509Certificate[] advertised,
                                   RevocationLists revocations) {
        this.anchors = anchors;
        this.ignoreExpiry = ignoreExpiry;
        this.advertised = advertised;
        this.revocations = revocations;
    }

    static ClientCertificateTrust passthrough() {
        return new ClientCertificateTrust(null, false, NONE, RevocationLists.NONE);
    }

    /**
     * @param cas       the trust store's CA certificates (not empty)
     * @param crls      the trust store's revocation lists (issued by {@code cas})
     * @param advertise whether their names go to clients in the CertificateRequest (they help a client with
     *                  several certificates pick one; they also tell anyone which CAs are trusted)
     */
    static ClientCertificateTrust verify(List<X509Certificate> cas, RevocationLists crls, boolean ignoreExpiry,
                                         boolean advertise) {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate ca : cas) {
            anchors.add(new TrustAnchor(ca, null));
        }
        return new ClientCertificateTrust(anchors, ignoreExpiry, advertise ? cas.toArray(NONE) : NONE, crls);
    }

    /**
     * A client certificate the listener refuses: the message says why, for the log; the connection log's reason code
     * (AWS's, e.g. {@code ClientCertUntrusted}), the leaf certificate and the handshake's protocol and cipher suite so
     * far (null when not known) say it for the connection log.
     */
    static final class Refused extends CertificateException {
        final transient HandshakeRefusal refusal;

        Refused(String code, String message, X509Certificate leaf, SSLEngine engine) {
            super(message);
            SSLSession s = engine == null ? null : engine.getHandshakeSession();
            refusal = new HandshakeRefusal(code, message, leaf, s == null ? null : s.getProtocol(),
                    s == null ? null : s.getCipherSuite());
        }
    }

    private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        if (anchors == null) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new Refused(HandshakeRefusal.NOT_FOUND, "no client certificate", null, engine);
        }
        X509Certificate leaf = chain[0];
        String subject = leaf.getSubjectX500Principal().getName();
        checkKeyUsage(leaf, subject, engine);
        Date at = new Date();
        if (ignoreExpiry) {
            // Validate at the moment the earliest-expiring certificate of the chain was last valid, when that is past.
            for (X509Certificate c : chain) {
                if (c.getNotAfter().before(at)) {
                    at = c.getNotAfter();
                }
            }
        }
        PKIXCertPathBuilderResult path;
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(at);
            params.addCertStore(CertStore.getInstance("Collection",
                    new CollectionCertStoreParameters(Arrays.asList(chain))));
            path = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        } catch (CertPathBuilderException e) {
            throw refusal(chain, at, subject, engine);
        } catch (GeneralSecurityException e) {
            throw new Refused(HandshakeRefusal.INVALID, "the certificate of " + subject + " cannot be checked ("
                    + e.getMessage() + ")", leaf, engine);
        }
        if (!revocations.isEmpty()) {
            // The path the builder found (leaf first, without the anchor), then the anchor: a trust store may hold an
            // intermediate that a CRL of its root revokes.
            for (Certificate c : path.getCertPath().getCertificates()) {
                revoked((X509Certificate) c, leaf, engine);
            }
            revoked(path.getTrustAnchor().getTrustedCert(), leaf, engine);
        }
    }

    private void revoked(X509Certificate c, X509Certificate leaf, SSLEngine engine) throws Refused {
        String why = revocations.revoked(c);
        if (why != null) {
            throw new Refused(HandshakeRefusal.REVOKED, why, leaf, engine);
        }
    }

    /** Why no path was found: a certificate out of its validity period, else an unknown issuer. */
    private static Refused refusal(X509Certificate[] chain, Date at, String subject, SSLEngine engine) {
        for (X509Certificate c : chain) {
            String name = c.getSubjectX500Principal().getName();
            if (c.getNotAfter().before(at)) {
                return new Refused(HandshakeRefusal.EXPIRED, "the certificate of " + name + " expired at "
                        + c.getNotAfter().toInstant(), chain[0], engine);
            }
            if (c.getNotBefore().after(at)) {
                return new Refused(HandshakeRefusal.NOT_YET_VALID, "the certificate of " + name
                        + " is not valid before " + c.getNotBefore().toInstant(), chain[0], engine);
            }
        }
        return new Refused(HandshakeRefusal.UNTRUSTED, "the certificate of " + subject + " (issuer "
                + chain[chain.length - 1].getIssuerX500Principal().getName()
                + ") does not lead to a CA certificate of the trust store", chain[0], engine);
    }

    private static void checkKeyUsage(X509Certificate leaf, String subject, SSLEngine engine) throws Refused {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new Refused(HandshakeRefusal.INVALID, "the certificate of " + subject
                    + " has an unreadable extended key usage", leaf, engine);
        }
        if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new Refused(HandshakeRefusal.INVALID, "the certificate of " + subject
                    + " is not for client authentication (extended key usage " + eku + ")", leaf, engine);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a listener's trust manager does not judge servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a listener's trust manager does not judge servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a listener's trust manager does not judge servers");
    }

    /** The CA names sent in the CertificateRequest: the trust store's when advertised, else none. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return advertised.clone();
    }
}
