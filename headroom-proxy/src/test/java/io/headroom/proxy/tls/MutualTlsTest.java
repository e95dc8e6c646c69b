package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.HttpsHarness.https;
import static io.headroom.proxy.tls.HttpsHarness.plainGroup;
import static io.headroom.proxy.tls.TlsTestSupport.clientContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.Headers;
import io.netty.handler.ssl.CipherSuiteConverter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on HTTPS listeners end to end, as AWS ALB's mutual authentication: real clients presenting real
 * certificates, the real proxy, a real backend that records the headers it was sent.
 */
class MutualTlsTest {
    private static final String SELF_SIGNED = "[{ selfSigned: { commonName: localhost } }]";
    private static final List<String> MTLS_HEADERS = List.of("X-Amzn-Mtls-Clientcert",
            "X-Amzn-Mtls-Clientcert-Serial-Number", "X-Amzn-Mtls-Clientcert-Issuer",
            "X-Amzn-Mtls-Clientcert-Subject", "X-Amzn-Mtls-Clientcert-Validity", "X-Amzn-Mtls-Clientcert-Leaf");

    @TempDir
    Path dir;

    private final KeyMaterial trustedCa = TlsTestSupport.ca("Clients CA", null);
    private final KeyMaterial otherCa = TlsTestSupport.ca("Other CA", null);

    /** The HTTPS listener of {@link HttpsHarness#https} with this mutualAuthentication (YAML flow). */
    static String mtls(String mutualAuthentication, int backendPort) {
        return https(SELF_SIGNED, "", plainGroup(backendPort)).replace("        defaultAction",
                "        mutualAuthentication: " + mutualAuthentication + "\n        defaultAction");
    }

    private String verify(String extra, int backendPort) throws IOException {
        Path bundle = TlsTestSupport.writePem(dir.resolve("clients-ca.pem"), otherCa.leaf(), trustedCa.leaf());
        return mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle + " }" + extra + " }", backendPort);
    }

    /** A client context presenting {@code client}'s chain (none when null) and trusting any server certificate. */
    static SSLContext tls(KeyMaterial client) {
        return clientContext(client, null, null);
    }

    static HttpClient client(HttpClient.Version version, SSLContext tls) {
        return HttpClient.newBuilder().version(version).sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpRequest.Builder get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    static String ok(HttpClient c, HttpRequest r) throws Exception {
        HttpResponse<String> resp = c.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return resp.body();
    }

    /** The headers of the last request the backend saw. */
    static Headers last(EchoBackend backend) {
        List<Headers> all = backend.requestHeaders();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    /** AWS's encoding of a PEM text: only the spaces and line ends of the armor lines need escaping. */
    private static String awsEncoded(KeyMaterial km, int certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : km.chain().subList(0, certificates)) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString().replace(" ", "%20").replace("\n", "%0A");
    }

    /**
     * A raw HTTP/1.1 request over TLS with this client context must fail: in the handshake, or (TLS 1.3, where the
     * client finishes first) by the server's alert or close before any answer.
     */
    static void refused(int port, SSLContext tls, String... protocols) {
        assertThatThrownBy(() -> {
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                if (protocols.length > 0) {
                    s.setEnabledProtocols(protocols);
                }
                s.startHandshake();
                s.getOutputStream().write("GET /refused HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                if (in.read() < 0) {
                    throw new IOException("closed without an answer");
                }
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void verifyForwardsTheFiveHeadersOfATrustedClientCertificate() throws Exception {
        KeyMaterial alice = TlsTestSupport.client("alice", trustedCa,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2036-01-01T00:00:00Z"));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("", backend.port()))) {
            HttpClient c = client(HttpClient.Version.HTTP_1_1, tls(alice));
            assertThat(ok(c, get(h.httpsPort, "/who").build())).startsWith("b1 GET /who proto=https");
            Headers seen = last(backend);
            X509Certificate leaf = alice.leaf();
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Serial-Number"))
                    .isEqualTo(leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Issuer")).isEqualTo("O=Headroom Tests,CN=Clients CA");
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Subject")).isEqualTo("O=Headroom Tests,CN=alice");
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Validity"))
                    .isEqualTo("NotBefore=2026-01-01T00:00:00Z;NotAfter=2036-01-01T00:00:00Z");
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Leaf")).isEqualTo(awsEncoded(alice, 1))
                    .startsWith("-----BEGIN%20CERTIFICATE-----%0AMII").endsWith("-----END%20CERTIFICATE-----%0A");
            assertThat(seen.get("X-Amzn-Mtls-Clientcert")).as("passthrough's header").isNull();
            // Every request of the connection carries them, also one that goes through Netty's codec (chunked).
            ok(c, get(h.httpsPort, "/chunked").POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(new byte[10_000]))).build());
            assertThat(last(backend).getFirst("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(last(backend).getFirst("X-Amzn-Mtls-Clientcert-Leaf")).isEqualTo(awsEncoded(alice, 1));
            assertThat(h.lbCounter("ClientTLSNegotiationErrorCount")).isZero();
        }
    }

    @Test
    void verifyOverHttp2GivesEveryStreamTheHeaders() throws Exception {
        KeyMaterial intermediate = TlsTestSupport.ca("Team CA", trustedCa);
        KeyMaterial bob = TlsTestSupport.client("bob", intermediate);
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("", backend.port()))) {
            HttpClient c = client(HttpClient.Version.HTTP_2, tls(bob));
            HttpResponse<String> r = c.send(get(h.httpsPort, "/h2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).startsWith("b1 GET /h2 proto=https");
            for (int i = 0; i < 3; i++) {
                ok(c, get(h.httpsPort, "/h2/" + i).header("X-Amzn-Mtls-Clientcert-Subject", "CN=mallory").build());
                Headers seen = last(backend);
                assertThat(seen.get("X-Amzn-Mtls-Clientcert-Subject")).containsExactly("O=Headroom Tests,CN=bob");
                assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Issuer")).isEqualTo("O=Headroom Tests,CN=Team CA");
                assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert-Leaf")).isEqualTo(awsEncoded(bob, 1));
            }
        }
    }

    @Test
    void verifyRefusesNoCertificateAnUnknownCaAndAnExpiredCertificateAndCountsThem() throws Exception {
        KeyMaterial stranger = TlsTestSupport.client("stranger", TlsTestSupport.ca("Unknown CA", null));
        KeyMaterial expired = TlsTestSupport.client("late", trustedCa, Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("", backend.port()))) {
            refused(h.httpsPort, tls(null));
            refused(h.httpsPort, tls(stranger));
            refused(h.httpsPort, tls(expired));
            // The same over TLS 1.2, where the handshake itself fails.
            refused(h.httpsPort, tls(null), "TLSv1.2");
            refused(h.httpsPort, tls(stranger), "TLSv1.2");
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lbCounter("ClientTLSNegotiationErrorCount") == 5);
            assertThat(backend.requestHeaders()).as("no refused request reached the target").isEmpty();
            // A trusted client still gets through.
            KeyMaterial alice = TlsTestSupport.client("alice", trustedCa);
            ok(client(HttpClient.Version.HTTP_1_1, tls(alice)), get(h.httpsPort, "/").build());
            assertThat(h.lbCounter("ClientTLSNegotiationErrorCount")).isEqualTo(5);
        }
    }

    @Test
    void ignoreClientCertificateExpiryAcceptsAnExpiredCertificate() throws Exception {
        KeyMaterial expired = TlsTestSupport.client("late", trustedCa, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"));
        KeyMaterial stranger = TlsTestSupport.client("stranger", TlsTestSupport.ca("Unknown CA", null));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(", ignoreClientCertificateExpiry: true", backend.port()))) {
            ok(client(HttpClient.Version.HTTP_1_1, tls(expired)), get(h.httpsPort, "/").build());
            assertThat(last(backend).getFirst("X-Amzn-Mtls-Clientcert-Validity"))
                    .isEqualTo("NotBefore=2020-01-01T00:00:00Z;NotAfter=2021-01-01T00:00:00Z");
            // Expiry is all it forgives.
            refused(h.httpsPort, tls(stranger));
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lbCounter("ClientTLSNegotiationErrorCount") == 1);
        }
    }

    @Test
    void trustStoreCaNamesAreAdvertisedOnlyWhenAsked() throws Exception {
        KeyMaterial alice = TlsTestSupport.client("alice", trustedCa);
        for (boolean advertise : new boolean[] {false, true}) {
            try (EchoBackend backend = new EchoBackend("b1");
                 HttpsHarness h = new HttpsHarness(verify(", advertiseTrustStoreCaNames: " + advertise,
                         backend.port()))) {
                List<X500Principal> advertised = new ArrayList<>();
                ok(client(HttpClient.Version.HTTP_1_1, clientContext(alice, null, advertised)),
                        get(h.httpsPort, "/").build());
                if (advertise) {
                    assertThat(advertised).contains(trustedCa.leaf().getSubjectX500Principal(),
                            otherCa.leaf().getSubjectX500Principal());
                } else {
                    assertThat(advertised).isEmpty();
                }
            }
        }
    }

    @Test
    void passthroughForwardsTheWholeChainAndTakesClientsWithoutOne() throws Exception {
        // Not checked at all: a chain from a CA nobody configured.
        KeyMaterial intermediate = TlsTestSupport.ca("Somewhere CA", TlsTestSupport.ca("Somewhere Root", null));
        KeyMaterial carol = TlsTestSupport.client("carol", intermediate);
        assertThat(carol.chain()).hasSize(2);
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(mtls("{ mode: passthrough }", backend.port()))) {
            ok(client(HttpClient.Version.HTTP_1_1, tls(carol)), get(h.httpsPort, "/p").build());
            Headers seen = last(backend);
            assertThat(seen.getFirst("X-Amzn-Mtls-Clientcert")).isEqualTo(awsEncoded(carol, 2));
            for (String verifyOnly : MTLS_HEADERS.subList(1, MTLS_HEADERS.size())) {
                assertThat(seen.get(verifyOnly)).as(verifyOnly).isNull();
            }
            // HTTP/2 too.
            ok(client(HttpClient.Version.HTTP_2, tls(carol)), get(h.httpsPort, "/p2").build());
            assertThat(last(backend).get("X-Amzn-Mtls-Clientcert")).containsExactly(awsEncoded(carol, 2));

            // No certificate: the handshake succeeds and there is no header, not even one the client made up.
            HttpClient anonymous = client(HttpClient.Version.HTTP_1_1, tls(null));
            ok(anonymous, get(h.httpsPort, "/anon").header("X-Amzn-Mtls-Clientcert", "forged").build());
            assertThat(last(backend).get("X-Amzn-Mtls-Clientcert")).isNull();
            assertThat(h.lbCounter("ClientTLSNegotiationErrorCount")).isZero();
        }
    }

    @Test
    void clientSentTlsHeadersNeverReachTheTarget() throws Exception {
        KeyMaterial alice = TlsTestSupport.client("alice", trustedCa);
        String plainHttp = "      - port: ${HTTP}\n"
                + "        defaultAction: { forward: { targetGroup: web } }\n";
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness off = new HttpsHarness(https(SELF_SIGNED, plainHttp, plainGroup(backend.port())))) {
            for (HttpClient.Version v : HttpClient.Version.values()) {
                HttpClient c = client(v, tls(alice));
                for (String base : List.of("https://localhost:" + off.httpsPort, "http://localhost:" + off.httpPort)) {
                    // A plain request (raw header path) and a chunked one (Netty's codec).
                    ok(c, forged(HttpRequest.newBuilder(URI.create(base + "/off"))).build());
                    assertNoTlsHeaders(last(backend));
                    ok(c, forged(HttpRequest.newBuilder(URI.create(base + "/off-chunked"))).POST(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[100])))
                            .build());
                    assertThat(last(backend).getFirst("Transfer-Encoding")).isEqualTo("chunked");
                    assertNoTlsHeaders(last(backend));
                    assertThat(last(backend).getFirst("X-Other")).isEqualTo("kept");
                }
            }
            assertThat(backend.requestHeaders()).hasSize(8);
        }
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("", backend.port()))) {
            HttpClient c = client(HttpClient.Version.HTTP_1_1, tls(alice));
            ok(c, forged(get(h.httpsPort, "/verify")).build());
            Headers seen = last(backend);
            assertThat(seen.get("X-Amzn-Mtls-Clientcert")).isNull();
            assertThat(seen.get("X-Amzn-Mtls-Clientcert-Subject")).containsExactly("O=Headroom Tests,CN=alice");
            assertThat(seen.get("X-Amzn-Mtls-Clientcert-Leaf")).containsExactly(awsEncoded(alice, 1));
            assertThat(seen.get("X-Amzn-Mtls-Whatever")).isNull();
        }
    }

    @Test
    void rulesNeverSeeClientSentTlsHeaders() throws Exception {
        // A rule that trusts the load balancer's certificate header: a forged one must not reach it.
        String plainHttp = "      - port: ${HTTP}\n"
                + "        defaultAction: { forward: { targetGroup: web } }\n"
                + "        rules:\n"
                + "          - priority: 1\n"
                + "            conditions: { httpHeader: { name: X-Amzn-Mtls-Clientcert-Subject, values: [\"CN=admin\"] } }\n"
                + "            action: { fixedResponse: { statusCode: 200, contentType: text/plain,"
                + " messageBody: \"admin area\" } }\n";
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https(SELF_SIGNED, plainHttp, plainGroup(backend.port())))) {
            HttpClient c = client(HttpClient.Version.HTTP_1_1, tls(null));
            String body = ok(c, forged(HttpRequest.newBuilder(URI.create("http://localhost:" + h.httpPort + "/admin")))
                    .build());
            assertThat(body).startsWith("b1 GET /admin").doesNotContain("admin area");
            assertNoTlsHeaders(last(backend));
        }
    }

    @Test
    void tlsVersionAndCipherSuiteHeadersWhenTheLoadBalancerAsksForThem() throws Exception {
        String plainHttp = "      - port: ${HTTP}\n"
                + "        defaultAction: { forward: { targetGroup: web } }\n";
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https(SELF_SIGNED, plainHttp, plainGroup(backend.port()))
                     .replace("  - name: web\n", "  - name: web\n    xAmznTlsVersionAndCipherSuiteEnabled: true\n"))) {
            for (String version : List.of("TLSv1.2", "TLSv1.3")) {
                SSLContext tls = tls(null);
                HttpClient c = HttpClient.newBuilder().sslContext(tls).sslParameters(new SSLParameters(null,
                        new String[] {version})).version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> r = c.send(get(h.httpsPort, "/tls").header("x-amzn-tls-version", "SSLv2").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                String suite = r.sslSession().orElseThrow().getCipherSuite();
                Headers seen = last(backend);
                assertThat(seen.get("x-amzn-tls-version")).containsExactly(version);
                assertThat(seen.get("x-amzn-tls-cipher-suite")).containsExactly(
                        CipherSuiteConverter.toOpenSsl(suite, false));
            }
            // TLS 1.2's suites have OpenSSL names unlike IANA's (ECDHE-...-GCM-SHA256, not TLS_ECDHE_..._WITH_...).
            assertThat(backend.requestHeaders().get(0).getFirst("x-amzn-tls-cipher-suite")).doesNotStartWith("TLS_");
            // Plain HTTP: none, and a client cannot pass them off as the load balancer's.
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ok(plain, HttpRequest.newBuilder(URI.create("http://localhost:" + h.httpPort + "/plain"))
                    .header("X-Amzn-Tls-Version", "TLSv1.3").header("x-amzn-tls-cipher-suite", "NULL").build());
            assertThat(last(backend).get("x-amzn-tls-version")).isNull();
            assertThat(last(backend).get("x-amzn-tls-cipher-suite")).isNull();
        }
    }

    private static HttpRequest.Builder forged(HttpRequest.Builder b) {
        return b.header("X-Amzn-Mtls-Clientcert", "-----BEGIN%20CERTIFICATE-----%0Aforged")
                .header("x-amzn-mtls-clientcert-subject", "CN=admin")
                .header("X-AMZN-MTLS-WHATEVER", "1")
                .header("X-Other", "kept");
    }

    private static void assertNoTlsHeaders(Headers seen) {
        for (String name : seen.keySet()) {
            assertThat(name.toLowerCase(Locale.ROOT)).as("header %s reached the target", name)
                    .doesNotStartWith("x-amzn-mtls-");
        }
    }

    @Test
    void aBadBundleOnReloadIsRefusedAndTheOldOneKeepsServing() throws Exception {
        KeyMaterial alice = TlsTestSupport.client("alice", trustedCa);
        KeyMaterial stranger = TlsTestSupport.client("stranger", otherCa);
        Path bundle = TlsTestSupport.writePem(dir.resolve("bundle.pem"), trustedCa.leaf());
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle
                     + " } }", backend.port()))) {
            String yaml = mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle + " } }",
                    backend.port());
            String at = "loadBalancers[0].listeners[0].mutualAuthentication.trustStore.caCertificatesBundle: ";

            assertThatThrownBy(() -> h.apply(yaml.replace(bundle.toString(), "certs/x.pem")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(at + "certs/x.pem: no such file");
            Files.writeString(bundle, "garbage\n");
            assertThatThrownBy(() -> h.apply(yaml)).hasMessage(at + bundle + ": not a PEM certificate bundle "
                    + "(expected: one or more -----BEGIN CERTIFICATE----- blocks)");
            Files.writeString(bundle, TlsTestSupport.pem(alice.key()));
            assertThatThrownBy(() -> h.apply(yaml)).hasMessageStartingWith(at + bundle + ": not a PEM certificate "
                    + "bundle");

            // The old trust store still decides, for new connections too.
            ok(client(HttpClient.Version.HTTP_1_1, tls(alice)), get(h.httpsPort, "/").build());
            refused(h.httpsPort, tls(stranger));

            // A good bundle: the reload reads it, and new connections are judged by it.
            TlsTestSupport.writePem(bundle, otherCa.leaf());
            h.apply(yaml);
            ok(client(HttpClient.Version.HTTP_1_1, tls(stranger)), get(h.httpsPort, "/").build());
            refused(h.httpsPort, tls(alice));
        }
    }
}
