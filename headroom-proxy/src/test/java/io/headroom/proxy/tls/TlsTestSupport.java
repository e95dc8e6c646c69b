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
import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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

    /** A CA certificate (self-signed when {@code issuer} is null, else an intermediate) with an ECDSA P-256 key. */
    public static KeyMaterial ca(String cn, KeyMaterial issuer) {
        return issue(cn, issuer, true, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    /** A client certificate for {@code cn} issued by {@code ca}, valid in these times, for client authentication. */
    public static KeyMaterial client(String cn, KeyMaterial ca, Instant notBefore, Instant notAfter) {
        return issue(cn, ca, false, notBefore, notAfter);
    }

    /** A client certificate for {@code cn} issued by {@code ca}, valid from yesterday for 30 days. */
    public static KeyMaterial client(String cn, KeyMaterial ca) {
        return client(cn, ca, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    /**
     * A certificate signed by {@code issuer} (self-signed when null); its chain is itself followed by the issuer's
     * chain without the self-signed root, as a client sends it.
     */
    private static KeyMaterial issue(String cn, KeyMaterial issuer, boolean ca, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + cn + ",O=Headroom Tests");
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.leaf().getSubjectX500Principal().getEncoded());
            var b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            if (!ca) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuer == null ? pair.getPrivate() : issuer.key())));
            List<X509Certificate> chain = new ArrayList<>(List.of(cert));
            if (issuer != null) {
                issuer.chain().stream().filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                        .forEach(chain::add);
            }
            return new KeyMaterial(pair.getPrivate(), chain);
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + cn, e);
        }
    }

    /**
     * A CRL issued by {@code ca} (signed with its key) that revokes {@code revoked} (by serial number, as key
     * compromise), valid from an hour ago until {@code nextUpdate}.
     */
    public static java.security.cert.X509CRL crl(KeyMaterial ca, Instant nextUpdate, X509Certificate... revoked) {
        try {
            var b = new org.bouncycastle.cert.X509v2CRLBuilder(
                    X500Name.getInstance(ca.leaf().getSubjectX500Principal().getEncoded()),
                    Date.from(Instant.now().minus(Duration.ofHours(1))));
            b.setNextUpdate(Date.from(nextUpdate));
            for (X509Certificate c : revoked) {
                b.addCRLEntry(c.getSerialNumber(), Date.from(Instant.now().minus(Duration.ofMinutes(5))),
                        org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a CRL", e);
        }
    }

    /** A CRL of {@code ca} revoking {@code revoked}, valid for a week. */
    public static java.security.cert.X509CRL crl(KeyMaterial ca, X509Certificate... revoked) {
        return crl(ca, Instant.now().plus(Duration.ofDays(7)), revoked);
    }

    /** Writes these certificates as one PEM file (a CA bundle, a chain). */
    public static Path writePem(Path file, X509Certificate... certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            sb.append(pem(c));
        }
        return Files.writeString(file, sb, StandardCharsets.US_ASCII);
    }

    /**
     * A client SSLContext that trusts {@code server} (any server certificate when null) and, when {@code client} is
     * non-null, presents its chain whatever the server asks for (also when expired). The CA names the server
     * advertised in its CertificateRequest are added to {@code advertised} (when non-null).
     */
    public static SSLContext clientContext(KeyMaterial client, X509Certificate server, List<X500Principal> advertised) {
        try {
            TrustManager[] tms = TRUST_ALL;
            if (server != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("server", server);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                tms = tmf.getTrustManagers();
            }
            KeyManager[] kms = client == null ? null : new KeyManager[] {new X509ExtendedKeyManager() {
                @Override
                public String[] getClientAliases(String keyType, Principal[] issuers) {
                    return new String[] {"client"};
                }

                @Override
                public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                    return choose(issuers);
                }

                @Override
                public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                    return choose(issuers);
                }

                private String choose(Principal[] issuers) {
                    if (advertised != null && issuers != null) {
                        for (Principal p : issuers) {
                            advertised.add((X500Principal) p);
                        }
                    }
                    return "client";
                }

                @Override
                public String[] getServerAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return client.chain().toArray(X509Certificate[]::new);
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return client.key();
                }
            }};
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kms, tms, null);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ListenerConfig https(String sslPolicy, CertificateConfig... certs) {
        return new ListenerConfig("127.0.0.1", 0, ListenerConfig.Protocol.HTTPS, List.of(certs), sslPolicy, null,
                List.of());
    }

    public static CertificateConfig selfSigned(String cn) {
        return new CertificateConfig(null, null, cn);
    }

    private static final TrustManager[] TRUST_ALL = {new X509TrustManager() {
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
    }};

    /** An SSLContext that trusts every server certificate (the tests check the certificate themselves). */
    public static SSLContext trustAll() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, TRUST_ALL, new SecureRandom());
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

    /**
     * An HTTP/2 client connection (TLS with ALPN h2, trusting any certificate) to the proxy at 127.0.0.1:{@code port};
     * open streams on it with {@link io.netty.handler.codec.http2.Http2StreamChannelBootstrap}. Connection-level
     * frames (SETTINGS, PING, GOAWAY) go to {@code connectionFrames}, which must release them.
     */
    static io.netty.channel.Channel h2Connection(io.netty.channel.EventLoopGroup group, int port,
                                                 io.netty.channel.ChannelHandler connectionFrames)
            throws InterruptedException {
        io.netty.handler.ssl.SslContext tls = new TlsContexts().client("client", false, null, List.of("h2"));
        return new io.netty.bootstrap.Bootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                    @Override
                    protected void initChannel(io.netty.channel.Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port));
                        ch.pipeline().addLast(io.netty.handler.codec.http2.Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new io.netty.handler.codec.http2.Http2MultiplexHandler(
                                new io.netty.channel.ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(connectionFrames);
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }
}
