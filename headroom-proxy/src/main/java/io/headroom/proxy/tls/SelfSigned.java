package io.headroom.proxy.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed certificates made with Bouncy Castle, for {@code selfSigned: { commonName: ... }} listeners (local
 * use: clients must trust it explicitly or skip verification) and for tests.
 */
final class SelfSigned {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key type of a generated certificate. */
    enum KeyType { EC_P256, RSA_2048 }

    private SelfSigned() {}

    /**
     * A certificate for {@code commonName}, valid from a day ago for a year, with an ECDSA P-256 key. Its subject
     * alternative names hold the common name (a DNS name, or an IP address when it is one); {@code localhost}
     * also gets 127.0.0.1 and ::1 so that clients connecting by address can verify it.
     */
    static KeyMaterial generate(String commonName) {
        List<String> names = new ArrayList<>(List.of(commonName));
        if (commonName.equalsIgnoreCase("localhost")) {
            names.add("127.0.0.1");
            names.add("::1");
        }
        return generate(commonName, names, KeyType.EC_P256, Duration.ofDays(365));
    }

    /**
     * A self-signed end-entity certificate.
     *
     * @param names subject alternative names: IP literals become IP entries, everything else DNS entries
     *              (wildcards such as {@code *.example.com} allowed); empty for a certificate with only a CN
     */
    static KeyMaterial generate(String commonName, List<String> names, KeyType type, Duration validity) {
        try {
            KeyPair pair = keyPair(type);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(validity)), subject, pair.getPublic());
            if (!names.isEmpty()) {
                GeneralName[] sans = names.stream().map(SelfSigned::generalName).toArray(GeneralName[]::new);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | (type == KeyType.RSA_2048 ? KeyUsage.keyEncipherment : 0)));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            String sigAlg = type == KeyType.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA";
            var cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(sigAlg).build(pair.getPrivate())));
            return new KeyMaterial(pair.getPrivate(), List.of(cert));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate for " + commonName, e);
        }
    }

    private static KeyPair keyPair(KeyType type) throws GeneralSecurityException {
        if (type == KeyType.EC_P256) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    private static GeneralName generalName(String name) {
        if (isIpLiteral(name)) {
            try {
                return new GeneralName(GeneralName.iPAddress,
                        new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(name).getAddress()));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(name, e);
            }
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    /** An IPv4 dotted quad or an IPv6 literal (never resolves a name). */
    static boolean isIpLiteral(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
