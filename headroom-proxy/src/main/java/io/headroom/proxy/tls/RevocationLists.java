package io.headroom.proxy.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trust store's certificate revocation lists (AWS ALB's trust store revocation contents), read at config load:
 * each file holds one or more CRLs, PEM ({@code -----BEGIN X509 CRL-----}) or DER, and each CRL must be issued and
 * signed by a CA certificate of the trust store, as AWS requires. Immutable once read.
 *
 * <p>A certificate is revoked when a CRL of its issuer lists its serial number. The CRL's own dates are not
 * consulted: a CRL past its {@code nextUpdate} still revokes what it lists (a warning at load says it is due), and
 * a revocation counts whatever time a path is validated at (also with {@code ignoreClientCertificateExpiry}).
 * Nothing is fetched: no CRL distribution points, no OCSP.
 */
final class RevocationLists {
    private static final Logger log = LoggerFactory.getLogger(RevocationLists.class);
    static final RevocationLists NONE = new RevocationLists(Map.of());

    private final Map<X500Principal, List<X509CRL>> byIssuer;

    private RevocationLists(Map<X500Principal, List<X509CRL>> byIssuer) {
        this.byIssuer = byIssuer;
    }

    /**
     * @param where the config path of the list, e.g. {@code ...mutualAuthentication.trustStore.revocationLists}
     * @param files the CRL files, relative to the working directory
     * @param cas   the trust store's CA certificates
     * @throws IllegalArgumentException {@code where[i]: file: ...} when a file cannot be read, holds no CRL, or holds
     *                                  one that no CA certificate of the trust store issued
     */
    static RevocationLists read(String where, List<String> files, List<X509Certificate> cas) {
        if (files.isEmpty()) {
            return NONE;
        }
        Map<X500Principal, List<X509CRL>> byIssuer = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            String w = where + "[" + i + "]: " + files.get(i);
            for (X509CRL crl : parse(w, PemFiles.readBytes(w, files.get(i)))) {
                issuedByTheTrustStore(w, crl, cas);
                if (crl.getNextUpdate() != null && crl.getNextUpdate().getTime() < System.currentTimeMillis()) {
                    log.warn("{}: the CRL of {} was due to be replaced at {} (nextUpdate); its revocations still apply",
                            w, crl.getIssuerX500Principal().getName(), crl.getNextUpdate().toInstant());
                }
                byIssuer.computeIfAbsent(crl.getIssuerX500Principal(), k -> new ArrayList<>()).add(crl);
            }
        }
        byIssuer.replaceAll((k, v) -> List.copyOf(v));
        return new RevocationLists(Map.copyOf(byIssuer));
    }

    private static List<X509CRL> parse(String where, byte[] bytes) {
        Collection<? extends CRL> crls;
        try {
            crls = CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(bytes));
        } catch (GeneralSecurityException | RuntimeException e) {
            crls = List.of();
        }
        if (crls.isEmpty()) {
            throw new IllegalArgumentException(where + ": not a certificate revocation list (expected: PEM "
                    + "-----BEGIN X509 CRL----- blocks or one DER CRL)");
        }
        List<X509CRL> out = new ArrayList<>();
        crls.forEach(c -> out.add((X509CRL) c));
        return out;
    }

    /** A CA certificate of the trust store has the CRL's issuer name and its key verifies the CRL's signature. */
    private static void issuedByTheTrustStore(String where, X509CRL crl, List<X509Certificate> cas) {
        X500Principal issuer = crl.getIssuerX500Principal();
        boolean named = false;
        for (X509Certificate ca : cas) {
            if (ca.getSubjectX500Principal().equals(issuer)) {
                named = true;
                try {
                    crl.verify(ca.getPublicKey());
                    return;
                } catch (GeneralSecurityException | RuntimeException e) {
                    // Another CA certificate of that name (a renewed key) may have signed it.
                }
            }
        }
        throw new IllegalArgumentException(where + ": " + (named
                ? "the CRL of " + issuer.getName() + " is not signed by that CA certificate of the trust store"
                : "the CRL's issuer " + issuer.getName() + " is not a CA certificate of the trust store")
                + " (expected: CRLs issued by CAs in caCertificatesBundle)");
    }

    boolean isEmpty() {
        return byIssuer.isEmpty();
    }

    /**
     * Why {@code c} is revoked ("the certificate of CN=x (serial 1F) was revoked by CN=ca at ... (keyCompromise)");
     * null when no CRL of its issuer lists it.
     */
    String revoked(X509Certificate c) {
        List<X509CRL> crls = byIssuer.get(c.getIssuerX500Principal());
        if (crls == null) {
            return null;
        }
        for (X509CRL crl : crls) {
            X509CRLEntry e = crl.getRevokedCertificate(c);
            if (e != null) {
                return "the certificate of " + c.getSubjectX500Principal().getName() + " (serial "
                        + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + ") was revoked by "
                        + crl.getIssuerX500Principal().getName() + " at " + e.getRevocationDate().toInstant()
                        + (e.getRevocationReason() == null ? "" : " (" + e.getRevocationReason() + ")");
            }
        }
        return null;
    }
}
