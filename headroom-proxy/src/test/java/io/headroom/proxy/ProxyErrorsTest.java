package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyErrorsTest {

    @Test
    void refusedConnectionIs502() throws Exception {
        int dead = ProxyHarness.freePort();
        try (ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(dead))) {
            HttpResponse<String> r = h.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("<title>502 Bad Gateway</title>");
            assertThat(h.lb("HTTPCode_ELB_502_Count")).isEqualTo(1);
            assertThat(h.lb("HTTPCode_ELB_5XX_Count")).isEqualTo(1);
            assertThat(h.tg("TargetConnectionErrorCount")).isEqualTo(1);
            // the connection stays usable after a load balancer error on a complete request
            assertThat(h.get("/").statusCode()).isEqualTo(502);
            assertThat(h.lb("NewConnectionCount")).isEqualTo(1);
        }
    }

    @Test
    void resetEarlyCloseAndGarbageAre502() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            for (String path : new String[] {"/reset", "/close", "/garbage"}) {
                HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(h.uri(path))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(502);
            }
            assertThat(h.lb("HTTPCode_ELB_502_Count")).isEqualTo(3);
            assertThat(h.get("/fine").statusCode()).isEqualTo(200);
            assertThat(h.outstanding()).isZero();
        }
    }

    @Test
    void noRegisteredTargetIs503() throws Exception {
        try (ProxyHarness h = ProxyHarness.start(ProxyHarness.simple())) {
            HttpResponse<String> r = h.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("503 Service Temporarily Unavailable".substring(0, 3));
            assertThat(h.lb("HTTPCode_ELB_503_Count")).isEqualTo(1);
        }
    }

    @Test
    void slowTargetIs504AfterTheIdleTimeout() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("defensive", 1, backend.port()))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = h.get("/delay?ms=5000");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(ms).isBetween(900L, 4000L);
            assertThat(h.lb("HTTPCode_ELB_504_Count")).isEqualTo(1);
            assertThat(h.outstanding()).isZero();
        }
    }

    @Test
    void aClientThatLeavesWhileItsRequestIsWithTheTargetEndsTheExchangeAtOnce() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), h.port)) {
                s.getOutputStream().write("GET /delay?ms=30000 HTTP/1.1\r\nHost: web\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.outstanding() == 1);
            }
            // Closed: the target's slot is freed long before its 30 s answer (not at the 60 s idle timeout).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> h.outstanding() == 0);
            assertThat(h.get("/fine").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void connectFailureIsRetriedOnceOnAnotherTarget() throws Exception {
        int dead = ProxyHarness.freePort();
        try (TestBackend backend = new TestBackend("live");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(dead, backend.port()))) {
            for (int i = 0; i < 6; i++) {
                // POST too: nothing reached the dead target, so the retry is safe for any method
                HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(h.uri("/echo"))
                        .POST(HttpRequest.BodyPublishers.ofString("body" + i)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("body" + i);
            }
            assertThat(h.tg("TargetConnectionErrorCount")).isGreaterThanOrEqualTo(1);
            assertThat(h.lb("HTTPCode_ELB_5XX_Count")).isZero();
            assertThat(h.outstanding()).isZero();
        }
    }

    @Test
    void postThatReachedATargetIsNeverReplayedButABodilessGetIs() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port(), b.port()))) {
            HttpResponse<String> post = h.client.send(HttpRequest.newBuilder(h.uri("/close"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(502);
            assertThat(a.requests().size() + b.requests().size()).as("POST sent once").isEqualTo(1);

            HttpResponse<String> get = h.get("/close");
            assertThat(get.statusCode()).isEqualTo(502);
            assertThat(a.requests().size() + b.requests().size()).as("GET retried once elsewhere").isEqualTo(3);
            assertThat(h.outstanding()).isZero();
        }
    }

    @Test
    void staleKeepAliveConnectionIsRetriedOnAFreshOneNotCountedAsAFailure() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            assertThat(h.get("/second-closes").body()).isEqualTo("ok a");
            HttpResponse<String> r = h.get("/second-closes"); // reuses the pooled connection, which the target drops
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(backend.connections()).isEqualTo(2);
            assertThat(h.lb("HTTPCode_ELB_5XX_Count")).isZero();
            assertThat(h.tg("TargetConnectionErrorCount")).isZero();
            assertThat(h.outstanding()).isZero();
        }
    }

    @Test
    void redirectAndFixedResponse() throws Exception {
        String yaml = """
                loadBalancers:
                  - name: web
                    type: application
                    listeners:
                      - port: ${PORT}
                        protocol: HTTP
                        defaultAction: { fixedResponse: { statusCode: 404, contentType: text/plain, messageBody: "nothing here" } }
                        rules:
                          - priority: 10
                            conditions: { pathPattern: ["/old/*"] }
                            action: { redirect: { path: "/new/#{path}", statusCode: HTTP_301 } }
                targetGroups: []
                """;
        try (ProxyHarness h = ProxyHarness.start(yaml)) {
            HttpResponse<String> r = h.get("/old/page?q=1");
            assertThat(r.statusCode()).isEqualTo(301);
            assertThat(r.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).endsWith("/new/old/page?q=1"));
            HttpResponse<String> f = h.client.send(HttpRequest.newBuilder(h.uri("/other")).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("ignored body")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(f.statusCode()).isEqualTo(404);
            assertThat(f.body()).isEqualTo("nothing here");
            assertThat(f.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(h.get("/again").body()).isEqualTo("nothing here");
            assertThat(h.lb("NewConnectionCount")).isEqualTo(1);
        }
    }
}
