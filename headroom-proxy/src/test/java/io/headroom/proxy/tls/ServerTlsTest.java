package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.TlsTestSupport.handshake;
import static io.headroom.proxy.tls.TlsTestSupport.https;
import static io.headroom.proxy.tls.TlsTestSupport.peerCommonName;
import static io.headroom.proxy.tls.TlsTestSupport.selfSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.core.config.ListenerConfig.CertificateConfig;
import io.headroom.proxy.tls.TlsTestSupport.KeyFormat;
import io.headroom.proxy.tls.TlsTestSupport.OpensslResult;
import io.headroom.proxy.tls.TlsTestSupport.PemPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes against a {@link ServerTls} on 127.0.0.1, with the JDK client, raw bytes and openssl. */
class ServerTlsTest {
    private static final List<String> TLS12 = List.of("TLSv1.2");
    private static final List<String> TLS13 = List.of("TLSv1.3");
    private static final List<String> ANY = List.of("TLSv1.3", "TLSv1.2");

    @TempDir
    Path dir;

    private final TlsContexts contexts = new TlsContexts();

    private ServerTls threeCertificates() throws IOException {
        PemPair a = TlsTestSupport.write(dir, "a.example.com", List.of("a.example.com", "www.a.example.com"), true,
                KeyFormat.TRADITIONAL);
        PemPair b = TlsTestSupport.write(dir, "*.b.example.com", List.of("*.b.example.com"), false,
                KeyFormat.TRADITIONAL);
        return contexts.server("loadBalancers[0].listeners[0]",
                https("recommended", selfSigned("localhost"), a.config(), b.config()), TlsContexts.HTTP_1_1);
    }

    @Test
    void sniPicksTheCertificateForTheNameAndTheFirstIsTheDefault() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(threeCertificates())) {
            try (SSLSocket s = handshake(server.address(), "a.example.com", ANY)) {
                assertThat(peerCommonName(s)).isEqualTo("a.example.com");
            }
            try (SSLSocket s = handshake(server.address(), "WWW.A.Example.com", TLS12)) {
                assertThat(peerCommonName(s)).isEqualTo("a.example.com");
            }
            try (SSLSocket s = handshake(server.address(), "api.b.example.com", ANY)) {
                assertThat(peerCommonName(s)).isEqualTo("*.b.example.com");
                assertThat(s.getSession().getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("EC");
            }
            // A wildcard matches one label only; unknown names and no SNI get the default.
            for (String name : new String[] {"x.api.b.example.com", "b.example.com", "other.test", null}) {
                try (SSLSocket s = handshake(server.address(), name, ANY)) {
                    assertThat(peerCommonName(s)).as("SNI %s", name).isEqualTo("localhost");
                }
            }
        }
    }

    @Test
    void opensslSeesTheCertificateSniChose() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(threeCertificates())) {
            OpensslResult r = TlsTestSupport.sClient(server.address(), "-servername", "api.b.example.com");
            assumeTrue(r != null, "openssl is not installed: skipped");
            assertThat(r.output()).containsPattern("subject=\\s*CN\\s*=\\s*\\*\\.b\\.example\\.com");
            OpensslResult d = TlsTestSupport.sClient(server.address(), "-servername", "nothing.test");
            assertThat(d.output()).containsPattern("subject=\\s*CN\\s*=\\s*localhost");
            OpensslResult t12 = TlsTestSupport.sClient(server.address(), "-servername", "a.example.com", "-tls1_2");
            assertThat(t12.output()).contains("TLSv1.2").containsPattern("subject=\\s*CN\\s*=\\s*a\\.example\\.com");
        }
    }

    @Test
    void tls10And11AreRefused() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(threeCertificates())) {
            // Raw ClientHellos: the JDK client itself can no longer offer TLS 1.0/1.1.
            assertThat(firstRecord(server.address(), 0x0301)).as("TLS 1.0").startsWith(0x15); // alert
            assertThat(firstRecord(server.address(), 0x0302)).as("TLS 1.1").startsWith(0x15);
            assertThat(firstRecord(server.address(), 0x0303)).as("TLS 1.2 control").startsWith(0x16, 0x03, 0x03);

            OpensslResult r = TlsTestSupport.sClient(server.address(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
            assumeTrue(r != null, "openssl is not installed: its part skipped");
            assertThat(r.exitCode()).as(r.output()).isNotZero();
            assertThat(r.output()).doesNotContain("BEGIN CERTIFICATE").doesNotContain("New, TLSv1.1");
            OpensslResult r10 = TlsTestSupport.sClient(server.address(), "-tls1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertThat(r10.exitCode()).as(r10.output()).isNotZero();
        }
    }

    @Test
    void recommendedPolicyNegotiatesTls13Or12WithAeadCiphersOnly() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(threeCertificates())) {
            try (SSLSocket s = handshake(server.address(), "a.example.com", ANY)) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            try (SSLSocket s = handshake(server.address(), "a.example.com", TLS12)) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(s.getSession().getCipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_").contains("GCM");
            }
            // A client offering only CBC suites finds nothing in common.
            SSLSocket cbc = (SSLSocket) TlsTestSupport.trustAll().getSocketFactory()
                    .createSocket("127.0.0.1", server.address().getPort());
            try (cbc) {
                cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
                cbc.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"});
                assertThatThrownBy(cbc::startHandshake).isInstanceOf(SSLException.class);
            }
        }
    }

    @Test
    void tls13PolicyRefusesTls12() throws Exception {
        ServerTls tls = contexts.server("loadBalancers[0].listeners[0]", https("tls13", selfSigned("localhost")),
                TlsContexts.HTTP_1_1);
        assertThat(tls.policy()).isEqualTo(SslPolicy.TLS13);
        try (TlsEchoServer server = new TlsEchoServer(tls)) {
            assertThatThrownBy(() -> handshake(server.address(), "localhost", TLS12).close())
                    .isInstanceOf(SSLException.class);
            try (SSLSocket s = handshake(server.address(), "localhost", TLS13)) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(readLine(s)).startsWith("TLSv1.3 TLS_");
            }
            assertThat(firstRecord(server.address(), 0x0303)).as("TLS 1.2 ClientHello").startsWith(0x15);
            OpensslResult r = TlsTestSupport.sClient(server.address(), "-tls1_2");
            if (r != null) {
                assertThat(r.exitCode()).as(r.output()).isNotZero();
            }
        }
    }

    @Test
    void alpnOffersH2OnlyWhenAsked() throws Exception {
        ServerTls h1 = contexts.server("l", https(null, selfSigned("localhost")), TlsContexts.HTTP_1_1);
        ServerTls h2 = contexts.server("l", https(null, selfSigned("localhost")), TlsContexts.H2_AND_HTTP_1_1);
        try (TlsEchoServer server = new TlsEchoServer(h1)) {
            try (SSLSocket s = handshake(server.address(), "localhost", ANY, "h2", "http/1.1")) {
                assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            }
            server.tls = h2;
            try (SSLSocket s = handshake(server.address(), "localhost", ANY, "h2", "http/1.1")) {
                assertThat(s.getApplicationProtocol()).isEqualTo("h2");
                assertThat(readLine(s)).endsWith(" h2");
            }
            try (SSLSocket s = handshake(server.address(), "localhost", TLS12, "http/1.1")) {
                assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            }
            try (SSLSocket s = handshake(server.address(), "localhost", ANY)) {
                assertThat(s.getApplicationProtocol()).isEmpty(); // no ALPN from the client: none chosen
            }
        }
    }

    @Test
    void rsaAndEcdsaKeysLoadInPkcs8Pkcs1AndSec1Form() throws Exception {
        for (boolean rsa : new boolean[] {true, false}) {
            for (KeyFormat format : KeyFormat.values()) {
                Path sub = Files.createDirectories(dir.resolve((rsa ? "rsa-" : "ec-") + format));
                PemPair p = TlsTestSupport.write(sub, "site.test", List.of("site.test"), rsa, format);
                String key = Files.readString(p.privateKeyFile());
                String expectedHeader = format == KeyFormat.PKCS8 ? "BEGIN PRIVATE KEY"
                        : rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY";
                assertThat(key).contains(expectedHeader);
                ServerTls tls = contexts.server("l", https(null, p.config()), TlsContexts.HTTP_1_1);
                try (TlsEchoServer server = new TlsEchoServer(tls);
                     SSLSocket s = handshake(server.address(), "site.test", ANY)) {
                    assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(p.certificate());
                }
            }
        }
    }

    @Test
    void opensslMadeFilesLoad() throws Exception {
        assumeTrue(TlsTestSupport.sClient(new InetSocketAddress("127.0.0.1", 1), "-help") != null,
                "openssl is not installed: skipped");
        // RSA with a PKCS#8 key; ECDSA with a SEC1 key and a chain file that also holds the key.
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.pem",
                "-subj", "/CN=rsa.test", "-addext", "subjectAltName=DNS:rsa.test", "-days", "2");
        run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.key");
        run("openssl", "req", "-x509", "-new", "-key", "ec.key", "-out", "ec.pem", "-subj", "/CN=ec.test",
                "-days", "2");
        Files.writeString(dir.resolve("ec-bundle.pem"),
                Files.readString(dir.resolve("ec.pem")) + Files.readString(dir.resolve("ec.key")));
        ServerTls tls = contexts.server("l", https(null,
                new CertificateConfig(dir.resolve("rsa.pem").toString(), dir.resolve("rsa.key").toString(), null),
                new CertificateConfig(dir.resolve("ec-bundle.pem").toString(),
                        dir.resolve("ec-bundle.pem").toString(), null)), TlsContexts.HTTP_1_1);
        try (TlsEchoServer server = new TlsEchoServer(tls)) {
            try (SSLSocket s = handshake(server.address(), "ec.test", ANY)) {
                assertThat(peerCommonName(s)).isEqualTo("ec.test");
            }
            try (SSLSocket s = handshake(server.address(), null, ANY)) {
                assertThat(peerCommonName(s)).isEqualTo("rsa.test");
            }
        }
    }

    @Test
    void selfSignedCertificateIsGeneratedOnceAndKeptAcrossReloads() {
        ServerTls first = contexts.server("l", https(null, selfSigned("localhost")), TlsContexts.HTTP_1_1);
        ServerTls again = contexts.server("l", https(null, selfSigned("localhost")), TlsContexts.HTTP_1_1);
        assertThat(again.certificates()).isEqualTo(first.certificates());
        assertThat(KeyMaterial.commonName(first.certificates().get(0))).isEqualTo("localhost");
        assertThat(new TlsContexts().server("l", https(null, selfSigned("localhost")), TlsContexts.HTTP_1_1)
                .certificates()).isNotEqualTo(first.certificates());
    }

    // ------------------------------------------------------------------ helpers

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    private static String readLine(SSLSocket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            out.write(b);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Sends a hand-made ClientHello of this version (ECDHE suites, P-256, common signature algorithms) and
     * returns the first bytes the server answers: {@code 0x15 ...} is an alert, {@code 0x16 0x03 0x03} a
     * ServerHello.
     */
    private static byte[] firstRecord(InetSocketAddress address, int version) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.write(random);
        body.write(0); // no session id
        int[] suites = {0xc02b, 0xc02f, 0xc009, 0xc013, 0xc00a, 0xc014, 0x002f, 0x0035};
        u16(body, suites.length * 2);
        for (int s : suites) {
            u16(body, s);
        }
        body.write(1);
        body.write(0); // null compression
        byte[] exts = {
            0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,                                    // groups: P-256
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                                                // point formats
            0x00, 0x0d, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x02, 0x01 // signature algs
        };
        u16(body, exts.length);
        body.write(exts);
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(0x16);
        u16(rec, 0x0301);
        u16(rec, hello.length + 4);
        rec.write(0x01);
        rec.write(0);
        u16(rec, hello.length);
        rec.write(hello);
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(rec.toByteArray());
            out.flush();
            byte[] head = s.getInputStream().readNBytes(3);
            assertThat(head).as("the server answered").hasSize(3);
            return head;
        }
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
