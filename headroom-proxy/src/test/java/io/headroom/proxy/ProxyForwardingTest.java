package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyForwardingTest {

    @Test
    void forwardsAndReusesConnectionsOnBothSides() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = h.get("/hello?i=" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok a");
            }
            assertThat(backend.requests()).hasSize(5);
            assertThat(backend.connections()).as("upstream keep-alive").isEqualTo(1);
            assertThat(h.lb("NewConnectionCount")).as("client keep-alive").isEqualTo(1);
            assertThat(h.lb("RequestCount")).isEqualTo(5);
            assertThat(h.tg("RequestCount")).isEqualTo(5);
            assertThat(h.tg("HTTPCode_Target_2XX_Count")).isEqualTo(5);
            assertThat(h.lb("ProcessedBytes")).isGreaterThan(0);

            MetricStore store = MetricStore.inMemory(Duration.ofMinutes(5));
            long now = Instant.now().getEpochSecond();
            h.metrics.publish(store, now);
            Instant from = Instant.ofEpochSecond(now - 5);
            Instant to = Instant.ofEpochSecond(now + 5);
            MetricKey trt = MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "web"));
            assertThat(store.aggregate(trt, from, to, Statistic.SAMPLE_COUNT)).hasValue(5.0);
            assertThat(store.aggregate(trt, from, to, Statistic.MAXIMUM).orElseThrow()).isBetween(0.0, 5.0);
            // the HttpClient keeps its connection open: one active client connection
            MetricKey active = MetricKey.of("ActiveConnectionCount", Dimensions.of("LoadBalancer", "web"));
            assertThat(store.aggregate(active, from, to, Statistic.MAXIMUM)).hasValue(1.0);
        }
    }

    /** The harness's load balancer with these X-Forwarded-For settings (YAML, at the load balancer's level). */
    private static String withXff(String settings, int backendPort) {
        return ProxyHarness.simple(backendPort).replace("    idleTimeoutSeconds:", settings + "    idleTimeoutSeconds:");
    }

    @Test
    void xForwardedForIsAppendedWithTheClientPortPreservedOrRemovedAsConfigured() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(withXff("    xffClientPortEnabled: true\n", backend.port()))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\nConnection: close\r\n\r\n");
            // Through Netty's codec too (chunked), with no X-Forwarded-For of its own.
            h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "2\r\nhi\r\n0\r\n\r\n");
            List<TestBackend.Request> seen = backend.requests();
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).header("x-forwarded-for")).matches("10\\.1\\.2\\.3, 127\\.0\\.0\\.1:\\d+");
            assertThat(seen.get(1).header("x-forwarded-for")).matches("127\\.0\\.0\\.1:\\d+");
        }
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(withXff("    xffHeaderProcessingMode: preserve\n", backend.port()))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3, 10.9.9.9\r\nConnection: close\r\n\r\n");
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            List<TestBackend.Request> seen = backend.requests();
            assertThat(seen.get(0).header("x-forwarded-for")).isEqualTo("10.1.2.3, 10.9.9.9");
            assertThat(seen.get(1).header("x-forwarded-for")).isNull();
            assertThat(seen.get(1).header("x-forwarded-proto")).isEqualTo("http"); // the others are still set
        }
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(withXff("    xffHeaderProcessingMode: remove\n", backend.port()))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\nConnection: close\r\n\r\n");
            h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
            assertThat(backend.requests()).hasSize(2).allSatisfy(r -> assertThat(r.header("x-forwarded-for")).isNull());
        }
    }

    @Test
    void theListenersResponseHeadersAreSetOnTargetAndLoadBalancerResponses() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()).replace("        protocol: HTTP\n",
                     "        protocol: HTTP\n"
                     + "        responseHeaders: { strictTransportSecurity: \"max-age=31536000; includeSubDomains\",\n"
                     + "          xFrameOptions: DENY, xContentTypeOptions: nosniff, accessControlMaxAge: 600 }\n"
                     + "        rules:\n"
                     + "          - priority: 1\n"
                     + "            conditions: { pathPattern: [\"/teapot\"] }\n"
                     + "            action: { fixedResponse: { statusCode: 418, contentType: text/plain,"
                     + " messageBody: tea } }\n"))) {
            // The target's own X-Frame-Options and Strict-Transport-Security are replaced, not doubled.
            String framed = h.raw("GET /framed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(framed).startsWith("HTTP/1.1 200").contains("<p>framed</p>")
                    .containsOnlyOnce("X-Frame-Options").contains("X-Frame-Options: DENY")
                    .containsOnlyOnce("Strict-Transport-Security")
                    .contains("Strict-Transport-Security: max-age=31536000; includeSubDomains")
                    .contains("X-Content-Type-Options: nosniff").contains("Access-Control-Max-Age: 600");
            // Through Netty's codec (a chunked response) and on the load balancer's own responses too.
            assertThat(h.raw("GET /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .contains("X-Frame-Options: DENY").contains("hello");
            assertThat(h.raw("GET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 418").contains("X-Frame-Options: DENY").contains("X-Content-Type-Options: nosniff");
        }
    }

    @Test
    void targetsGetTheListenersPortInTheHostHeaderUnlessTheLoadBalancerPreservesIt() throws Exception {
        String rewrite = "        protocol: HTTP\n"
                + "        rules:\n"
                + "          - priority: 1\n"
                + "            conditions: { pathPattern: [\"/rewritten/*\"] }\n"
                + "            action: { forward: { targetGroup: web } }\n"
                + "            transforms:\n"
                + "              - type: host-header-rewrite\n"
                + "                hostHeaderRewriteConfig: { rewrites: [{ regex: \"^.*$\", replace: internal }] }\n";
        // The default (AWS's preserve_host_header false): on a port other than 80 and 443 the listener's port is
        // appended unless the client gave one; a Host written by a transform is sent as written.
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()).replace("        protocol: HTTP\n",
                     rewrite))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
            h.raw("GET /echo HTTP/1.1\r\nHost: www.example.com:9000\r\nConnection: close\r\n\r\n");
            h.raw("GET /echo HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n");
            // Through Netty's codec too (a chunked request).
            h.raw("POST /echo HTTP/1.1\r\nHost: www.example.com\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
            h.raw("GET /rewritten/x HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
            List<TestBackend.Request> seen = backend.requests();
            assertThat(seen).extracting(r -> r.header("host")).containsExactly("www.example.com:" + h.port,
                    "www.example.com:9000", "[::1]:" + h.port, "www.example.com:" + h.port, "internal");
        }
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(withXff("    preserveHostHeaderEnabled: true\n", backend.port()))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
            assertThat(backend.requests().get(0).header("host")).isEqualTo("www.example.com");
        }
    }

    @Test
    void invalidHeaderFieldsAreDroppedBeforeTheRulesWhenTheLoadBalancerAsks() throws Exception {
        String rule = "        protocol: HTTP\n"
                + "        rules:\n"
                + "          - priority: 1\n"
                + "            conditions: { httpHeader: { name: X_User, values: [admin] } }\n"
                + "            action: { fixedResponse: { statusCode: 200, contentType: text/plain, messageBody: admin } }\n";
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(withXff("    dropInvalidHeaderFieldsEnabled: true\n", backend.port())
                     .replace("        protocol: HTTP\n", rule))) {
            String raw = h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX_User: admin\r\nX.Trace: 1\r\nX-Kept: yes\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 200").doesNotContain("\r\n\r\nadmin");
            // Through Netty's codec too (a chunked request).
            h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nX_User: admin\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
            List<TestBackend.Request> seen = backend.requests();
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).header("x_user")).isNull();
            assertThat(seen.get(0).header("x.trace")).isNull();
            assertThat(seen.get(0).header("x-kept")).isEqualTo("yes");
            assertThat(seen.get(1).header("x_user")).isNull();
        }
        // Off (the default): forwarded as sent.
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX_User: admin\r\nConnection: close\r\n\r\n");
            assertThat(backend.requests().get(0).header("x_user")).isEqualTo("admin");
        }
    }

    @Test
    void loadBalancerOnlyFieldsAreDroppedFromRequestTrailersToo() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "2\r\nhi\r\n0\r\nX-Amzn-Mtls-Clientcert-Subject: CN=admin\r\nx-amzn-tls-version: TLSv1.3\r\n"
                    + "X-Checksum: abc\r\n\r\n");
            TestBackend.Request seen = backend.requests().get(0);
            assertThat(seen.header("trailer:x-checksum")).as("other trailer fields go on").isEqualTo("abc");
            assertThat(seen.header("trailer:x-amzn-mtls-clientcert-subject")).isNull();
            assertThat(seen.header("trailer:x-amzn-tls-version")).isNull();
        }
    }

    @Test
    void aTargetNamedByAHostNameIsReached() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port())
                     .replace("host: 127.0.0.1", "host: localhost"))) {
            HttpResponse<String> r = h.get("/named");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok a");
        }
    }

    @Test
    void addsForwardedHeadersAndRequestIdAndDropsHopByHop() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            h.client.send(HttpRequest.newBuilder(h.uri("/echo")).header("X-Forwarded-For", "10.1.2.3")
                    .header("X-Request-Id", "keep-me").build(), HttpResponse.BodyHandlers.ofString());
            String raw = h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 200");
            List<TestBackend.Request> seen = backend.requests();
            assertThat(seen).hasSize(2);
            TestBackend.Request first = seen.get(0);
            assertThat(first.header("x-forwarded-for")).isEqualTo("10.1.2.3, 127.0.0.1");
            assertThat(first.header("x-forwarded-proto")).isEqualTo("http");
            assertThat(first.header("x-forwarded-port")).isEqualTo(Integer.toString(h.port));
            assertThat(first.header("x-request-id")).isEqualTo("keep-me");
            TestBackend.Request second = seen.get(1);
            assertThat(second.header("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(second.header("x-request-id")).matches("[0-9a-f]{32}");
            assertThat(second.headers()).doesNotContainKeys("connection", "x-drop", "keep-alive", "proxy-connection", "te");
        }
    }

    @Test
    void requestsGetAnAmznTraceIdAsAlbAddsIt() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            long before = System.currentTimeMillis() / 1000;
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678;"
                    + "CalledFrom=app\r\nConnection: close\r\n\r\n");
            // Through Netty's codec too (a chunked request): an existing Self is updated.
            h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nX-Amzn-Trace-Id: Self=1-67891234-12456789abcdef012345678;"
                    + "Root=1-67891233-abcdef012345678912345678\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
                    + "\r\n2\r\nhi\r\n0\r\n\r\n");
            h.raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Amzn-Trace-Id: Foo=bar\r\nConnection: close\r\n\r\n");
            long after = System.currentTimeMillis() / 1000;
            List<String> traces = backend.requests().stream().map(r -> r.header("x-amzn-trace-id")).toList();
            String id = "1-([0-9a-f]{8})-[0-9a-f]{24}";
            assertThat(traces.get(0)).matches("Root=" + id);
            long seconds = Long.parseLong(traces.get(0).substring(7, 15), 16);
            assertThat(seconds).as("the epoch seconds in the id").isBetween(before, after);
            assertThat(traces.get(1)).matches("Self=" + id + ";Root=1-67891233-abcdef012345678912345678;CalledFrom=app");
            assertThat(traces.get(2)).matches("Self=" + id + ";Root=1-67891233-abcdef012345678912345678")
                    .doesNotContain("12456789abcdef012345678");
            assertThat(traces.get(3)).matches("Root=" + id + ";Foo=bar");
            assertThat(traces).doesNotHaveDuplicates();
        }
    }

    @Test
    void streamsChunkedBodiesBothWays() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            String raw = h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 200").endsWith("hello world");
            assertThat(backend.requests().get(0).header("transfer-encoding")).isEqualTo("chunked");

            String chunked = h.raw("GET /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(chunked).containsIgnoringCase("transfer-encoding: chunked")
                    .endsWith("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            HttpResponse<String> viaClient = h.get("/chunked");
            assertThat(viaClient.body()).isEqualTo("hello world");
        }
    }

    @Test
    void expectContinueIsAnsweredByTheTarget() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(h.uri("/continue")).expectContinue(true)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("payload after 100")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("payload after 100");
            assertThat(backend.requests().get(0).header("expect")).isEqualToIgnoringCase("100-continue");
        }
    }

    @Test
    void idleUpstreamConnectionsAreClosedAfterTheirTimeout() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()),
                     p -> p.upstreamIdleTimeout(Duration.ofMillis(200)))) {
            assertThat(h.get("/").statusCode()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> backend.closedConnections.get() == 1);
            assertThat(h.get("/").statusCode()).isEqualTo(200);
            assertThat(backend.connections()).isEqualTo(2);
        }
    }

    @Test
    void closeDelimitedResponseIsChunkedForHttp11AndClosedForHttp10() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            HttpResponse<String> r = h.get("/unframed");
            assertThat(r.body()).isEqualTo("until the end");
            assertThat(h.get("/after").body()).isEqualTo("ok a");
            assertThat(h.lb("NewConnectionCount")).isEqualTo(1);
            String http10 = h.raw("GET /unframed HTTP/1.0\r\nHost: x\r\n\r\n");
            assertThat(http10).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                    .doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nuntil the end");
            String keepAlive10 = h.raw("GET /x HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
                    + "GET /y HTTP/1.0\r\nHost: x\r\n\r\n");
            assertThat(keepAlive10).containsIgnoringCase("connection: keep-alive").contains("ok aHTTP/1.1 200").endsWith("ok a");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            String r = h.raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                    + "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(r.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(r.indexOf("one")).isLessThan(r.indexOf("two"));
            assertThat(r.indexOf("two")).isLessThan(r.indexOf("ok a"));
            assertThat(backend.requests()).extracting(TestBackend.Request::target).containsExactly("/echo", "/echo", "/third");
        }
    }

    @Test
    void expectContinueWithoutATargetIsAnsweredAtOnce() throws Exception {
        try (ProxyHarness h = ProxyHarness.start(ProxyHarness.simple())) {
            String r = h.raw("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(r).startsWith("HTTP/1.1 503 ").containsIgnoringCase("connection: close");
        }
    }

    @Test
    void concurrentClientsAreServedOverABoundedNumberOfUpstreamConnections() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port(), b.port()))) {
            int clients = 8;
            int each = 50;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            try {
                java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    results.add(pool.submit(() -> {
                        java.net.http.HttpClient own = java.net.http.HttpClient.newBuilder()
                                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
                        int ok = 0;
                        for (int i = 0; i < each; i++) {
                            HttpResponse<String> r = own.send(HttpRequest.newBuilder(h.uri("/echo"))
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString(id + ":" + i)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().equals(id + ":" + i)) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (var f : results) {
                    assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(each);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.requests().size() + b.requests().size()).isEqualTo(clients * each);
            assertThat(a.connections() + b.connections()).as("upstream connections").isLessThanOrEqualTo(2 * clients);
            assertThat(h.outstanding()).isZero();
            assertThat(h.tg("HTTPCode_Target_2XX_Count")).isEqualTo(clients * each);
        }
    }

    @Test
    void responseHeadsAreForwardedAsTheTargetSpelledThemAndHeadResponsesKeepTheConnectionInStep() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            // A HEAD response announces 7 bytes it does not carry: the GET after it on the same connection (both
            // ways) must get its own response, not be read as the HEAD response's body.
            String raw = h.raw("HEAD /spelled HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /spelled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String[] responses = raw.split("(?=HTTP/1\\.1 )");
            assertThat(responses).hasSize(2);
            for (String r : responses) {
                assertThat(r).startsWith("HTTP/1.1 299 Fine By Me\r\n")
                        .contains("\r\ncontent-type: text/plain\r\n", "\r\nSERVER: odd/1\r\n", "\r\nContent-Length: 7\r\n")
                        .doesNotContainIgnoringCase("x-hop").doesNotContainIgnoringCase("keep-alive");
            }
            assertThat(responses[0]).endsWith("\r\n\r\n");
            assertThat(responses[1]).endsWith("\r\n\r\nspelled");
            assertThat(backend.requests()).extracting(TestBackend.Request::method).containsExactly("HEAD", "GET");
            assertThat(backend.connections()).as("one upstream connection for both").isEqualTo(1);
        }
    }

    @Test
    void headResponseHasNoBody() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(h.uri("/x"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(h.get("/y").body()).isEqualTo("ok a");
        }
    }
}
