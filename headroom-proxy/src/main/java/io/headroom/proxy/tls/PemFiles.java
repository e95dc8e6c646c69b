package io.headroom.proxy.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a PEM certificate chain and its private key, as a web server's config names them: the chain file holds the
 * leaf certificate first and then any intermediates; the key file holds an unencrypted key in PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form.
 * RSA and ECDSA keys (Ed25519 too, where the JDK has it). Both may be in one file.
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message starts with the config path and the file,
 * e.g. {@code loadBalancers[0].listeners[1].certificates[0].certificateFile: certs/site.pem: no such file}.
 */
final class PemFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemFiles() {}

    /**
     * @param where    the config path of the certificate entry, e.g. {@code loadBalancers[0].listeners[1].certificates[0]}
     * @param certFile the chain file (leaf first)
     * @param keyFile  the private key file
     */
    static KeyMaterial load(String where, String certFile, String keyFile) {
        String certWhere = where + ".certificateFile: " + certFile;
        String keyWhere = where + ".privateKeyFile: " + keyFile;
        List<X509Certificate> chain = certificates(certWhere, read(certWhere, certFile));
        PrivateKey key = privateKey(keyWhere, read(keyWhere, keyFile));
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyWhere + ": does not match the certificate in " + certFile
                    + " (expected: the private key of its first certificate)");
        }
        return new KeyMaterial(key, chain);
    }

    /** Reads certificates only: a trust bundle such as a CA file. */
    static List<X509Certificate> certificateFile(String where, String file) {
        String w = where + ": " + file;
        return certificates(w, read(w, file));
    }

    /**
     * Reads a bundle of CA certificates (a trust store): PEM {@code CERTIFICATE} blocks, at least one; anything else
     * in the file is ignored.
     *
     * @throws IllegalArgumentException {@code where: file: no such file}, {@code ...: not a PEM certificate bundle}
     */
    static List<X509Certificate> certificateBundle(String where, String file) {
        String w = where + ": " + file;
        String text = read(w, file);
        try {
            return certificates(w, text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().contains(" cannot be read ")) {
                throw e; // a certificate block that is broken: the message says which
            }
            throw new IllegalArgumentException(w + ": not a PEM certificate bundle (expected: one or more "
                    + "-----BEGIN CERTIFICATE----- blocks)");
        }
    }

    private static String read(String where, String file) {
        return new String(readBytes(where, file), StandardCharsets.UTF_8);
    }

    /** The file's bytes; the errors say {@code where: no such file} and the like. */
    static byte[] readBytes(String where, String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(where + ": cannot read the file (permission denied)");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(where + ": cannot read the file (" + e.getMessage() + ")");
        }
    }

    private static List<X509Certificate> certificates(String where, String pem) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(where, pem)) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    out.add(converter.getCertificate(h));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException(where + ": certificate " + (out.size() + 1)
                            + " cannot be read (" + e.getMessage() + ")");
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": no certificate in the file (expected: PEM blocks "
                    + "-----BEGIN CERTIFICATE-----, the server's certificate first)");
        }
        return out;
    }

    private static PrivateKey privateKey(String where, String pem) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(where, pem)) {
            try {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info); // PKCS#8
                }
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 (RSA) or SEC1 (EC; its public key is optional, so only the private part is used)
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(where + ": the private key cannot be read (" + e.getMessage()
                        + ")");
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException(where + ": the private key is encrypted (expected: an "
                        + "unencrypted key; decrypt it with `openssl pkey -in KEY -out KEY.plain`)");
            }
        }
        throw new IllegalArgumentException(where + ": no private key in the file (expected: a PEM block "
                + "-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    /** Every PEM object in the text; an error when there is none or one is broken. */
    private static List<Object> objects(String where, String pem) {
        List<Object> out = new ArrayList<>();
        try (Reader r = new StringReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(where + ": not a valid PEM file (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": not a PEM file (expected: -----BEGIN ...----- blocks)");
        }
        return out;
    }

    /** Whether {@code key} is the private half of {@code pub}: sign a random challenge and verify it. */
    static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null || !key.getAlgorithm().equals(pub.getAlgorithm())
                && !(alg.startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
