package io.headroom.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.proxy.tls.TlsTestSupport.KeyFormat;
import io.headroom.proxy.tls.TlsTestSupport.PemPair;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS target groups: the proxy speaks TLS to its targets, verifying them only when asked. */
class HttpsTargetGroupTest {
    @TempDir
    Path dir;

    private static String config(String group) {
        return "loadBalancers:\n"
                + "  - name: web\n"
                + "    listeners:\n"
                + "      - { port: ${HTTP}, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }\n"
                + "targetGroups:\n"
                + "  - " + group + "\n";
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsReachAnHttpsTargetWithoutVerificationByDefault() throws Exception {
        KeyMaterial km = SelfSigned.generate("backend.invalid");
        try (EchoBackend backend = new EchoBackend("tls-backend", km);
             HttpsHarness h = new HttpsHarness(config("{ name: web, protocol: HTTPS, targets: [{ host: 127.0.0.1, "
                     + "port: " + backend.port() + " }] }"))) {
            for (int i = 0; i < 3; i++) { // the second and third reuse the pooled TLS connection
                HttpResponse<String> r = get(h.httpPort, "/secure/" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("tls-backend GET /secure/" + i + " proto=http ");
            }
        }
    }

    @Test
    void withVerificationTheTargetMustPresentATrustedCertificateForItsAddress() throws Exception {
        PemPair good = TlsTestSupport.write(dir, "backend.test", List.of("127.0.0.1"), true, KeyFormat.PKCS8);
        PemPair stranger = TlsTestSupport.write(dir, "stranger.test", List.of("127.0.0.1"), true,
                KeyFormat.PKCS8);
        KeyMaterial served = PemFiles.load("test", good.certificateFile().toString(),
                good.privateKeyFile().toString());
        try (EchoBackend backend = new EchoBackend("verified", served)) {
            String trusted = "{ name: web, protocol: HTTPS, tlsVerify: true, tlsCaFile: " + good.certificateFile()
                    + ", targets: [{ host: 127.0.0.1, port: " + backend.port() + " }] }";
            try (HttpsHarness h = new HttpsHarness(config(trusted))) {
                assertThat(get(h.httpPort, "/ok").body()).startsWith("verified GET /ok");
                // Reload to a CA that did not sign the target's certificate: the handshake fails, 502.
                h.apply(config(trusted.replace(good.certificateFile().toString(),
                        stranger.certificateFile().toString())));
                HttpResponse<String> r = get(h.httpPort, "/refused");
                assertThat(r.statusCode()).isEqualTo(502);
            }
        }
    }
}
