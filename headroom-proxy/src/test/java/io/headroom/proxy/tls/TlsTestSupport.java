package io.headroom.proxy.tls;

import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.ListenerConfig.CertificateConfig;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Certificates on disk, listener configs and TLS clients for the TLS tests. */
public final class TlsTestSupport {
    private TlsTestSupport() {}

    /** How a private key is written. */
    public enum KeyFormat { PKCS8, TRADITIONAL /* PKCS#1 for RSA, SEC1 for EC */ }

    /** A certificate and key written as PEM files. */
    public record PemPair(Path certificateFile, Path privateKeyFile, X509Certificate certificate) {
        public CertificateConfig config() {
            return new CertificateConfig(certificateFile.toString(), privateKeyFile.toString(), null);
        }
    }

    /** Generates a self-signed certificate for {@code cn} with these SANs and writes it under {@code dir}. */
    public static PemPair write(Path dir, String cn, List<String> sans, boolean rsa, KeyFormat format)
            throws IOException {
        KeyMaterial km = SelfSigned.generate(cn, sans, rsa ? SelfSigned.KeyType.RSA_2048 : SelfSigned.KeyType.EC_P256,
                java.time.Duration.ofDays(2));
        String base = cn.replace('*', '_');
        Path cert = dir.resolve(base + ".pem");
        Path key = dir.resolve(base + ".key");
        Files.writeString(cert, pem(km.leaf()), StandardCharsets.US_ASCII);
        Files.writeString(key, format == KeyFormat.PKCS8 ? pem(new JcaPKCS8Generator(km.key(), null))
                : rsa ? pem(km.key()) : sec1(km.key()), StandardCharsets.US_ASCII);
        return new PemPair(cert, key, km.leaf());
    }

    /** An EC key as OpenSSL writes it: SEC1 with the curve named inside. */
    static String sec1(java.security.PrivateKey key) throws IOException {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), null,
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    public static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    public static ListenerConfig https(String sslPolicy, CertificateConfig... certs) {
        return new ListenerConfig("127.0.0.1", 0, ListenerConfig.Protocol.HTTPS, List.of(certs), sslPolicy, null,
                List.of());
    }

    public static CertificateConfig selfSigned(String cn) {
        return new CertificateConfig(null, null, cn);
    }

    /** An SSLContext that trusts every server certificate (the tests check the certificate themselves). */
    public static SSLContext trustAll() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects with the JDK client and completes a handshake.
     *
     * @param sni       the SNI name to send, or null for none
     * @param protocols the versions to offer, e.g. {@code TLSv1.2}
     * @param alpn      ALPN protocols to offer, or none
     */
    public static SSLSocket handshake(InetSocketAddress address, String sni, List<String> protocols, String... alpn)
            throws IOException {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket();
        try {
            s.connect(address, 5000);
            s.setSoTimeout(5000);
            var params = s.getSSLParameters();
            params.setServerNames(sni == null ? List.of() : List.of(new javax.net.ssl.SNIHostName(sni)));
            params.setProtocols(protocols.toArray(String[]::new));
            if (alpn.length > 0) {
                params.setApplicationProtocols(alpn);
            }
            s.setSSLParameters(params);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The CN of the certificate the server presented. */
    public static String peerCommonName(SSLSocket s) throws IOException {
        return KeyMaterial.commonName((X509Certificate) s.getSession().getPeerCertificates()[0]);
    }

    /** Runs {@code openssl s_client} with these extra arguments; null when openssl is not installed. */
    public static OpensslResult sClient(InetSocketAddress address, String... args) throws Exception {
        if (!new File("/usr/bin/openssl").canExecute() && !onPath("openssl")) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                address.getHostString() + ":" + address.getPort()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                throw new AssertionError("openssl s_client did not finish: " + cmd);
            }
            return new OpensslResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    /** What {@code openssl s_client} printed (stdout and stderr) and its exit code. */
    public record OpensslResult(int exitCode, String output) {
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
