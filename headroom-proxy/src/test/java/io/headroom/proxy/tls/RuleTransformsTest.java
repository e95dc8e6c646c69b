package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.HttpsHarness.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Listener rule transforms end to end (AWS ALB's url-rewrite and host-header-rewrite): real clients, a real proxy and
 * backends that answer with the request line and Host they received.
 */
class RuleTransformsTest {
    private EchoBackend web;
    private EchoBackend other;
    private GrpcBackend h2;
    private HttpsHarness h;

    /** The rules of both listeners: an HTTPS one (HTTP/2 clients) on ${HTTPS}, an HTTP one on ${HTTP}. */
    static final String RULES = """
                          - priority: 10
                            conditions: { pathPattern: ["/api/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/api/(.*)$", replace: "/$1" }] }
                          - priority: 20
                            conditions: { hostHeader: ["mywebsite-*.com"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: host-header-rewrite
                                hostHeaderRewriteConfig:
                                  rewrites: [{ regex: '^mywebsite-([a-z]+)\\.com', replace: "internal.dev.$1.myweb.com" }]
                          - priority: 30
                            conditions: { pathPattern: ["/both/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: host-header-rewrite
                                hostHeaderRewriteConfig: { rewrites: [{ regex: "^localhost", replace: "backend.internal" }] }
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/both/(.*)$", replace: "/v2/$1" }] }
                          - priority: 40
                            conditions: { pathPattern: ["/old/*"] }
                            action: { forward: { targetGroup: other } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/old/", replace: "/api/" }] }
                          - priority: 50
                            conditions: { pathPattern: ["/bad/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/bad/(.*)$", replace: "$1" }] }
                          - priority: 60
                            conditions: { pathPattern: ["/grpc/*"] }
                            action: { forward: { targetGroup: h2 } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/grpc/", replace: "/pkg.Svc/" }] }
                              - type: host-header-rewrite
                                hostHeaderRewriteConfig: { rewrites: [{ regex: "^.*$", replace: "grpc.internal" }] }
                """;

    static String config(String extraRule) {
        String rules = RULES + extraRule;
        return """
                loadBalancers:
                  - name: web
                    listeners:
                      - port: ${HTTPS}
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                """ + rules + """
                      - port: ${HTTP}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                """ + rules + """
                targetGroups:
                  - { name: web, targets: [{ host: 127.0.0.1, port: WEB }] }
                  - { name: other, targets: [{ host: 127.0.0.1, port: OTHER }] }
                  - { name: h2, protocolVersion: HTTP2, targets: [{ host: 127.0.0.1, port: H2 }] }
                """;
    }

    @BeforeEach
    void start() throws IOException {
        web = new EchoBackend("web");
        other = new EchoBackend("other");
        h2 = new GrpcBackend("g1", null);
        h = new HttpsHarness(withPorts(config("")));
    }

    private String withPorts(String yaml) {
        return yaml.replace("WEB", Integer.toString(web.port())).replace("OTHER", Integer.toString(other.port()))
                .replace("H2", Integer.toString(h2.port()));
    }

    @AfterEach
    void stop() {
        h.close();
        web.close();
        other.close();
        h2.close();
    }

    private String raw(String target, String host, String... more) throws IOException {
        return h.get(target, host, more);
    }

    private String send(String request) throws IOException {
        return h.exchange(request);
    }

    @Test
    void urlPrefixIsStrippedAndTheQueryKept() throws IOException {
        assertThat(raw("/api/users?id=7&x=a%20b", "example.com"))
                .startsWith("HTTP/1.1 200")
                // The Host was not rewritten: it gets the listener's port (preserveHostHeaderEnabled is false).
                .contains("web GET /users?id=7&x=a%20b proto=http host=example.com:" + h.httpPort + " ");
    }

    @Test
    void noMatchLeavesTheRequestAsSent() throws IOException {
        // Rule 20 matches by host; its host regex does not match "mywebsite-Example.com" (case): no transform, so
        // the Host is handled as on any request (the listener's port appended: preserveHostHeaderEnabled is false).
        assertThat(raw("/page?q=1", "mywebsite-EXAMPLE.com")).contains("web GET /page?q=1 proto=http "
                + "host=mywebsite-EXAMPLE.com:" + h.httpPort + " ");
    }

    @Test
    void hostRewriteWithACaptureGroupKeepsThePort() throws IOException {
        assertThat(raw("/x", "mywebsite-example.com:8080"))
                .contains("web GET /x proto=http host=internal.dev.example.myweb.com:8080 ");
    }

    @Test
    void bothTransformsOnOneRuleAndXForwardedHeadersUnaffected() throws IOException {
        assertThat(raw("/both/a/b?c=d", "localhost:1234"))
                .contains("web GET /v2/a/b?c=d proto=http host=backend.internal:1234 ");
        var seen = web.requestHeaders().get(0);
        assertThat(seen.getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.getFirst("X-Forwarded-Port")).isEqualTo(Integer.toString(h.httpPort));
    }

    @Test
    void theRewriteDoesNotRouteAgain() throws IOException {
        // /old/* is rule 40 (target group "other"); rewritten to /api/..., which rule 10 would send to "web".
        assertThat(raw("/old/thing", "example.com")).contains("other GET /api/thing ");
        assertThat(web.requestHeaders()).isEmpty();
    }

    @Test
    void theCodecPathIsRewrittenToo() throws IOException {
        // A chunked request body is not for the raw fast path: Netty's decoder and encoder carry this request.
        String response = send("POST /both/upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertThat(response).contains("web POST /v2/upload proto=http host=backend.internal ").contains(" body=5");
    }

    @Test
    void aTransformWithAnInvalidResultIs500FromTheLoadBalancerAndReachesNoTarget() throws IOException {
        long elb5xx = h.lbCounter("HTTPCode_ELB_5XX_Count");
        String response = raw("/bad/x", "example.com");
        assertThat(response).startsWith("HTTP/1.1 500 ");
        assertThat(web.requestHeaders()).isEmpty();
        assertThat(other.requestHeaders()).isEmpty();
        assertThat(h.lbCounter("HTTPCode_ELB_5XX_Count")).isEqualTo(elb5xx + 1);
    }

    @Test
    void http2ClientsAreRewrittenToo() throws Exception {
        X509Certificate cert;
        try (SSLSocket s = TlsTestSupport.handshake(new InetSocketAddress("127.0.0.1", h.httpsPort), "localhost",
                List.of("TLSv1.3"))) {
            cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
        HttpClient c = client(HttpClient.Version.HTTP_2, cert);
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.httpsPort
                + "/both/h2?z=1")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).startsWith("web GET /v2/h2?z=1 proto=https host=backend.internal:" + h.httpsPort + " ");
        HttpResponse<String> bad = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.httpsPort
                + "/bad/h2")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(500);
        assertThat(web.requestHeaders()).hasSize(1);
    }

    @Test
    void http2TargetsGetTheRewrittenPathAndAuthority() throws IOException {
        String response = raw("/grpc/Call", "example.com");
        assertThat(response).startsWith("HTTP/1.1 200").contains("x-seen-authority: grpc.internal")
                .contains("grpc-message: g1 /pkg.Svc/Call");
    }

    @Test
    void aReloadWithABadTransformIsRejectedAndTheOldRulesKeepServing() throws IOException {
        String bad = config("""
                          - priority: 70
                            conditions: { pathPattern: ["/new/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/new/(?=x)", replace: "/" }] }
                """);
        assertThatThrownBy(() -> h.apply(withPorts(bad))).hasMessageContaining(
                "loadBalancers[0].listeners[0].rules[6].transforms[0].urlRewriteConfig.rewrites[0].regex: "
                        + "\"^/new/(?=x)\": invalid or unsupported Perl syntax: `(?=`");
        assertThat(raw("/api/still?x=1", "example.com")).contains("web GET /still?x=1 ");
    }
}
