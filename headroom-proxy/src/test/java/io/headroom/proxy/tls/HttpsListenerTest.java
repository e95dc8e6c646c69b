package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.HttpsHarness.client;
import static io.headroom.proxy.tls.HttpsHarness.https;
import static io.headroom.proxy.tls.HttpsHarness.plainGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.proxy.tls.TlsTestSupport.KeyFormat;
import io.headroom.proxy.tls.TlsTestSupport.PemPair;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS listeners end to end: real clients, the real proxy, real backends on 127.0.0.1. */
class HttpsListenerTest {
    @TempDir
    Path dir;

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
    }

    private static X509Certificate served(int port, String sni) throws Exception {
        try (SSLSocket s = TlsTestSupport.handshake(new InetSocketAddress("127.0.0.1", port), sni,
                List.of("TLSv1.3", "TLSv1.2"))) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void httpsRequestReachesAPlainBackendWithForwardedProtoHttps() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", "",
                     plainGroup(backend.port())))) {
            X509Certificate cert = served(h.httpsPort, "localhost");
            HttpClient c = client(HttpClient.Version.HTTP_1_1, cert);
            HttpResponse<String> r = c.send(get(h.httpsPort, "/hello?x=1"), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(r.body()).startsWith("b1 GET /hello?x=1 proto=https host=localhost:" + h.httpsPort + " ");
            // Keep-alive over TLS: a second request on the same client works too.
            assertThat(c.send(get(h.httpsPort, "/again"), HttpResponse.BodyHandlers.ofString()).body())
                    .startsWith("b1 GET /again proto=https");
        }
    }

    @Test
    void http2RequestsGoThroughToAnHttp1Backend() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", "",
                     plainGroup(backend.port())))) {
            HttpClient c = client(HttpClient.Version.HTTP_2, served(h.httpsPort, "localhost"));
            HttpResponse<String> r = c.send(get(h.httpsPort, "/h2?a=b"), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("b1 GET /h2?a=b proto=https host=localhost:" + h.httpsPort
                    + " version=HTTP/1.1 ");
            // Many concurrent streams on the one connection.
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(c.sendAsync(get(h.httpsPort, "/n/" + i), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < all.size(); i++) {
                HttpResponse<String> ri = all.get(i).get();
                assertThat(ri.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(ri.body()).startsWith("b1 GET /n/" + i + " proto=https");
            }
            // Bodies: with a length, and of unknown length (chunked to the HTTP/1.1 target).
            byte[] body = new byte[300_000];
            HttpResponse<String> sized = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.httpsPort
                    + "/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sized.body()).startsWith("b1 POST /upload").endsWith(" body=300000\n");
            HttpResponse<String> streamed = c.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + h.httpsPort + "/stream")).POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(streamed.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(streamed.body()).startsWith("b1 POST /stream").contains(" te=chunked ")
                    .endsWith(" body=300000\n");
        }
    }

    @Test
    void http2DisabledOffersOnlyHttp11AndHttp2ClientsFallBackNewConnectionsAfterAReload() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1")) {
            String on = https("[{ selfSigned: { commonName: localhost } }]", "", plainGroup(backend.port()));
            String off = on.replace("    listeners:\n", "    http2Enabled: false\n    listeners:\n");
            try (HttpsHarness h = new HttpsHarness(off)) {
                X509Certificate cert = served(h.httpsPort, "localhost");
                HttpClient c = client(HttpClient.Version.HTTP_2, cert);
                HttpResponse<String> r = c.send(get(h.httpsPort, "/h1"), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
                assertThat(r.body()).startsWith("b1 GET /h1 proto=https");

                // Turned on: an HTTP/2 client's new connection speaks HTTP/2.
                h.apply(on);
                HttpClient h2 = client(HttpClient.Version.HTTP_2, cert);
                HttpResponse<String> r2 = h2.send(get(h.httpsPort, "/h2"), HttpResponse.BodyHandlers.ofString());
                assertThat(r2.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r2.body()).startsWith("b1 GET /h2 proto=https");

                // Off again: the open HTTP/2 connection keeps its protocol; new connections get HTTP/1.1.
                h.apply(off);
                assertThat(h2.send(get(h.httpsPort, "/still"), HttpResponse.BodyHandlers.ofString()).version())
                        .isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(client(HttpClient.Version.HTTP_2, cert).send(get(h.httpsPort, "/new"),
                        HttpResponse.BodyHandlers.ofString()).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            }
        }
    }

    @Test
    void http2LargeDownloadsHeadRequestsAndLoadBalancerAnswers() throws Exception {
        String rules = "        rules:\n"
                + "          - { priority: 1, conditions: { pathPattern: [\"/fixed\"] }, action: { fixedResponse: "
                + "{ statusCode: 418, contentType: text/plain, messageBody: teapot } } }\n"
                + "          - { priority: 2, conditions: { pathPattern: [\"/old/*\"] }, action: { redirect: "
                + "{ path: \"/new/#{path}\", statusCode: HTTP_302 } } }\n";
        String yaml = https("[{ selfSigned: { commonName: localhost } }]", "", plainGroup(1))
                .replace("        defaultAction: { forward: { targetGroup: web } }\n",
                        "        defaultAction: { forward: { targetGroup: web } }\n" + rules);
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(yaml.replace("port: 1 ", "port: " + backend.port() + " "))) {
            HttpClient c = client(HttpClient.Version.HTTP_2, served(h.httpsPort, "localhost"));
            int n = 5 * 1024 * 1024;
            HttpResponse<byte[]> big = c.send(get(h.httpsPort, "/bytes/" + n), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(big.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(big.body()).hasSize(n);
            for (int i = 0; i < n; i += 4099) {
                assertThat(big.body()[i]).as("byte %d", i).isEqualTo((byte) (i % 251));
            }
            HttpResponse<String> head = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.httpsPort
                    + "/bytes/1000")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> fixed = c.send(get(h.httpsPort, "/fixed"), HttpResponse.BodyHandlers.ofString());
            assertThat(fixed.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(fixed.statusCode()).isEqualTo(418);
            assertThat(fixed.body()).isEqualTo("teapot");
            HttpResponse<String> moved = c.send(get(h.httpsPort, "/old/x?y=1"), HttpResponse.BodyHandlers.ofString());
            assertThat(moved.statusCode()).isEqualTo(302);
            assertThat(moved.headers().firstValue("location")).hasValue("https://localhost:" + h.httpsPort
                    + "/new/old/x?y=1"); // #{path} is the whole original path, as ALB
            // The connection is still good after all that.
            assertThat(c.send(get(h.httpsPort, "/after"), HttpResponse.BodyHandlers.ofString()).body())
                    .startsWith("b1 GET /after proto=https");
        }
        // No target at all: the load balancer answers 503 itself, over HTTP/2.
        try (HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", "",
                "{ name: web }"))) {
            HttpClient c = client(HttpClient.Version.HTTP_2, served(h.httpsPort, "localhost"));
            HttpResponse<String> r = c.send(get(h.httpsPort, "/"), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void plainHttpListenerRedirectsToHttpsKeepingHostPathAndQuery() throws Exception {
        String redirect = "      - port: ${HTTP}\n"
                + "        protocol: HTTP\n"
                + "        defaultAction: { redirect: { protocol: HTTPS, port: ${HTTPS}, statusCode: HTTP_301 } }\n";
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", redirect,
                     plainGroup(backend.port())))) {
            HttpClient c = client(HttpClient.Version.HTTP_1_1, served(h.httpsPort, "localhost"));
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://localhost:" + h.httpPort
                    + "/some/path?q=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(301);
            String location = r.headers().firstValue("Location").orElseThrow();
            assertThat(location).isEqualTo("https://localhost:" + h.httpsPort + "/some/path?q=1");
            HttpResponse<String> followed = c.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(followed.body()).startsWith("b1 GET /some/path?q=1 proto=https");
        }
    }

    @Test
    void sniThroughTheListenerAndAlpnSeenByOpenssl() throws Exception {
        PemPair a = TlsTestSupport.write(dir, "a.example.com", List.of("a.example.com"), true, KeyFormat.PKCS8);
        String certs = "[{ selfSigned: { commonName: localhost } }, { certificateFile: " + a.certificateFile()
                + ", privateKeyFile: " + a.privateKeyFile() + " }]";
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(https(certs, "", plainGroup(backend.port())))) {
            assertThat(KeyMaterial.commonName(served(h.httpsPort, "a.example.com"))).isEqualTo("a.example.com");
            assertThat(KeyMaterial.commonName(served(h.httpsPort, null))).isEqualTo("localhost");
            var r = TlsTestSupport.sClient(new InetSocketAddress("127.0.0.1", h.httpsPort), "-servername",
                    "a.example.com", "-alpn", "h2,http/1.1");
            assumeTrue(r != null, "openssl is not installed: its part skipped");
            assertThat(r.output()).containsPattern("subject=\\s*CN\\s*=\\s*a\\.example\\.com")
                    .contains("ALPN protocol: h2");
        }
    }

    @Test
    void badCertificateOnReloadIsAnErrorAndTheOldOneKeepsServing() throws Exception {
        PemPair first = TlsTestSupport.write(Files.createDirectories(dir.resolve("v1")), "site.test",
                List.of("site.test", "localhost"), false, KeyFormat.TRADITIONAL);
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        Files.copy(first.certificateFile(), cert);
        Files.copy(first.privateKeyFile(), key);
        String good = https("[{ certificateFile: " + cert + ", privateKeyFile: " + key + " }]", "",
                plainGroup(1));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(good.replace("port: 1 ", "port: " + backend.port() + " "))) {
            assertThat(served(h.httpsPort, "site.test")).isEqualTo(first.certificate());
            String yaml = good.replace("port: 1 ", "port: " + backend.port() + " ");

            // A missing file: the reload is refused with the path and the file named.
            String missing = yaml.replace(cert.toString(), "certs/site.pem");
            assertThatThrownBy(() -> h.apply(missing)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("loadBalancers[0].listeners[0].certificates[0].certificateFile: certs/site.pem: "
                            + "no such file");
            assertThat(served(h.httpsPort, "site.test")).isEqualTo(first.certificate());

            // The file replaced by garbage, then by a certificate whose key is not the configured one.
            Files.writeString(cert, "garbage\n");
            assertThatThrownBy(() -> h.apply(yaml)).hasMessageStartingWith(
                    "loadBalancers[0].listeners[0].certificates[0].certificateFile: " + cert + ": not a PEM file");
            PemPair other = TlsTestSupport.write(Files.createDirectories(dir.resolve("v2")), "site.test",
                    List.of("site.test", "localhost"), false, KeyFormat.PKCS8);
            Files.copy(other.certificateFile(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> h.apply(yaml)).hasMessageContaining("privateKeyFile: " + key
                    + ": does not match the certificate in " + cert);
            assertThat(served(h.httpsPort, "site.test")).isEqualTo(first.certificate());
            HttpClient c = client(HttpClient.Version.HTTP_2, first.certificate());
            assertThat(c.send(get(h.httpsPort, "/still"), HttpResponse.BodyHandlers.ofString()).body())
                    .startsWith("b1 GET /still proto=https");

            // Renewed properly (new key too): the reload re-reads the files and serves the new certificate.
            Files.copy(other.privateKeyFile(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            h.apply(yaml);
            assertThat(served(h.httpsPort, "site.test")).isEqualTo(other.certificate());
        }
    }

    @Test
    void plainTextAndFailedHandshakesAreClosedAndCounted() throws Exception {
        String yaml = https("[{ selfSigned: { commonName: localhost } }]", "", plainGroup(1))
                .replace("        defaultAction", "        sslPolicy: tls13\n        defaultAction");
        try (HttpsHarness h = new HttpsHarness(yaml)) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.httpsPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                assertThat(s.getInputStream().read()).as("closed without an HTTP answer").isEqualTo(-1);
            }
            assertThatThrownBy(() -> TlsTestSupport.handshake(new InetSocketAddress("127.0.0.1", h.httpsPort),
                    "localhost", List.of("TLSv1.2")).close()).isInstanceOf(javax.net.ssl.SSLException.class);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> h.lbCounter("ClientTLSNegotiationErrorCount") == 2);
        }
    }

    @Test
    void tls13PolicyOnTheListener() throws Exception {
        String yaml = https("[{ selfSigned: { commonName: localhost } }]", "", plainGroup(1))
                .replace("        defaultAction", "        sslPolicy: tls13\n        defaultAction");
        try (HttpsHarness h = new HttpsHarness(yaml)) {
            assertThatThrownBy(() -> TlsTestSupport.handshake(new InetSocketAddress("127.0.0.1", h.httpsPort),
                    "localhost", List.of("TLSv1.2")).close()).isInstanceOf(javax.net.ssl.SSLException.class);
            try (SSLSocket s = TlsTestSupport.handshake(new InetSocketAddress("127.0.0.1", h.httpsPort),
                    "localhost", List.of("TLSv1.3", "TLSv1.2"))) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }
}
