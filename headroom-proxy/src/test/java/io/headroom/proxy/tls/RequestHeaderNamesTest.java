package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.MutualTlsTest.client;
import static io.headroom.proxy.tls.MutualTlsTest.get;
import static io.headroom.proxy.tls.MutualTlsTest.last;
import static io.headroom.proxy.tls.MutualTlsTest.mtls;
import static io.headroom.proxy.tls.MutualTlsTest.ok;
import static io.headroom.proxy.tls.MutualTlsTest.tls;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener's requestHeaderNames (ALB's routing.http.request.*.header_name): what the targets receive. */
class RequestHeaderNamesTest {
    @TempDir
    Path dir;

    private final KeyMaterial ca = TlsTestSupport.ca("Clients CA", null);
    private final KeyMaterial alice = TlsTestSupport.client("alice", ca);

    /** A verify listener (with the load balancer's TLS version and cipher headers on) and these names (YAML flow). */
    private String verify(String names, int backendPort) throws Exception {
        Path bundle = TlsTestSupport.writePem(dir.resolve("ca.pem"), ca.leaf());
        return withNames(mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle + " } }", backendPort),
                names).replace("  - name: web\n", "  - name: web\n    xAmznTlsVersionAndCipherSuiteEnabled: true\n");
    }

    private static String withNames(String yaml, String names) {
        return yaml.replace("        defaultAction", "        requestHeaderNames: " + names + "\n        defaultAction");
    }

    @Test
    void renamedHeadersArriveUnderTheirNewNamesOnlyAndForgedOnesAreDropped() throws Exception {
        String serial = alice.leaf().getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("{ xAmznMtlsClientcertSerialNumber: X-Client-Serial, "
                     + "xAmznMtlsClientcertSubject: X-Client-Subject, xAmznTlsVersion: X-Tls-Version }",
                     backend.port()))) {
            for (HttpClient.Version v : new HttpClient.Version[] {HttpClient.Version.HTTP_1_1,
                    HttpClient.Version.HTTP_2}) {
                ok(client(v, tls(alice)), get(h.httpsPort, "/" + v).header("x-client-serial", "forged")
                        .header("X-Tls-Version", "SSLv2").header("X-Amzn-Mtls-Clientcert-Serial-Number", "forged")
                        .build());
                Headers seen = last(backend);
                assertThat(seen.get("X-Client-Serial")).as(v.name()).containsExactly(serial);
                assertThat(seen.get("X-Client-Subject")).containsExactly("O=Headroom Tests,CN=alice");
                assertThat(seen.get("X-Tls-Version")).hasSize(1).first().asString().startsWith("TLSv1.");
                assertThat(seen.get("X-Amzn-Mtls-Clientcert-Serial-Number")).isNull();
                assertThat(seen.get("X-Amzn-Mtls-Clientcert-Subject")).isNull();
                assertThat(seen.get("x-amzn-tls-version")).isNull();
                // The others keep AWS's names.
                assertThat(seen.get("X-Amzn-Mtls-Clientcert-Issuer")).containsExactly("O=Headroom Tests,CN=Clients CA");
                assertThat(seen.get("x-amzn-tls-cipher-suite")).hasSize(1);
            }
        }
    }

    @Test
    void aForgedRenamedHeaderIsDroppedAlsoWhenTheLoadBalancerHasNothingToSend() throws Exception {
        // passthrough, and a client without a certificate: the connection has no TLS fields of its own.
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(withNames(mtls("{ mode: passthrough }", backend.port()),
                     "{ xAmznMtlsClientcert: X-Client-Cert }"))) {
            ok(client(HttpClient.Version.HTTP_1_1, tls(null)), get(h.httpsPort, "/anon")
                    .header("X-Client-Cert", "-----BEGIN%20CERTIFICATE-----%0Aforged").header("X-Other", "kept").build());
            assertThat(last(backend).get("X-Client-Cert")).isNull();
            assertThat(last(backend).getFirst("X-Other")).isEqualTo("kept");

            ok(client(HttpClient.Version.HTTP_1_1, tls(alice)), get(h.httpsPort, "/alice")
                    .header("X-Client-Cert", "forged").build());
            assertThat(last(backend).get("X-Client-Cert")).hasSize(1).first().asString()
                    .startsWith("-----BEGIN%20CERTIFICATE-----%0AMII");
            assertThat(last(backend).get("X-Amzn-Mtls-Clientcert")).isNull();
        }
    }

    @Test
    void afterAReloadOpenConnectionsKeepTheirNamesAndForgeriesOfOldAndNewNamesAreDropped() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify("{ xAmznMtlsClientcertSubject: X-Old-Subject }",
                     backend.port()))) {
            HttpClient open = client(HttpClient.Version.HTTP_2, tls(alice)); // one HTTP/2 connection for all
            ok(open, get(h.httpsPort, "/before").build());
            assertThat(last(backend).get("X-Old-Subject")).containsExactly("O=Headroom Tests,CN=alice");

            h.apply(verify("{ xAmznMtlsClientcertSubject: X-New-Subject }", backend.port()));
            ok(open, get(h.httpsPort, "/open").header("X-Old-Subject", "CN=admin").header("X-New-Subject", "CN=admin")
                    .build());
            Headers seen = last(backend);
            assertThat(seen.get("X-Old-Subject")).containsExactly("O=Headroom Tests,CN=alice");
            assertThat(seen.get("X-New-Subject")).isNull();

            ok(client(HttpClient.Version.HTTP_1_1, tls(alice)), get(h.httpsPort, "/new")
                    .header("X-Old-Subject", "CN=admin").build());
            seen = last(backend);
            assertThat(seen.get("X-New-Subject")).containsExactly("O=Headroom Tests,CN=alice");
            assertThat(seen.get("X-Old-Subject")).as("an old name is the client's own again").containsExactly("CN=admin");
        }
    }
}
