package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Malformed requests over a raw socket: answered by the load balancer, never seen by the target. */
class ProxyStrictParsingTest {

    private static final String BIG_LINE = "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String BIG_HEADERS = "GET / HTTP/1.1\r\nHost: x\r\n"
            + ("X-Filler: " + "b".repeat(1000) + "\r\n").repeat(70) + "\r\n";

    static String request(String name) {
        return switch (name) {
            case "cl-and-te" -> "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
            case "two-cl" -> "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!";
            case "cl-list" -> "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!";
            case "bad-cl" -> "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello";
            case "te-not-chunked" -> "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n";
            case "te-identity" -> "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n";
            case "bad-chunk-size" -> "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
            case "obs-fold" -> "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n";
            case "space-before-colon" -> "GET / HTTP/1.1\r\nHost: x\r\nX-A : one\r\n\r\n";
            case "control-char" -> "GET / HTTP/1.1\r\nHost: x\r\nX-A: o\u0001ne\r\n\r\n";
            case "nul" -> "GET / HTTP/1.1\r\nHost: x\r\nX-A: o\u0000ne\r\n\r\n";
            case "bare-lf" -> "GET / HTTP/1.1\nHost: x\n\n";
            case "bare-lf-header" -> "GET / HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n";
            case "bare-cr" -> "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n";
            case "no-colon" -> "GET / HTTP/1.1\r\nHost: x\r\nJustAName\r\n\r\n";
            case "bad-request-line" -> "GET  / HTTP/1.1\r\nHost: x\r\n\r\n";
            case "bad-version" -> "GET / HTTP/2.0\r\nHost: x\r\n\r\n";
            case "no-host" -> "GET / HTTP/1.1\r\n\r\n";
            case "long-line" -> BIG_LINE;
            case "big-headers" -> BIG_HEADERS;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "cl-and-te, 400", "two-cl, 400", "cl-list, 400", "bad-cl, 400", "te-not-chunked, 400", "te-identity, 400",
            "bad-chunk-size, 400", "obs-fold, 400", "space-before-colon, 400", "control-char, 400", "nul, 400",
            "bare-lf, 400", "bare-lf-header, 400", "bare-cr, 400", "no-colon, 400", "bad-request-line, 400",
            "bad-version, 400", "no-host, 400", "long-line, 414", "big-headers, 431"})
    void rejectedAndTheTargetSeesNothing(String name, int status) throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            String response = h.raw(request(name)); // returns only once the proxy closed the connection
            assertThat(response).startsWith("HTTP/1.1 " + status + " ");
            assertThat(response).containsIgnoringCase("connection: close");
            assertThat(backend.requests()).as("requests seen by the target").isEmpty();
            assertThat(h.lb("HTTPCode_ELB_4XX_Count")).isEqualTo(1);
            assertThat(h.lb("DesyncMitigationMode_NonCompliant_Request_Count")).isEqualTo(1);
        }
    }

    @Test
    void secondRequestOnAKeepAliveConnectionIsCheckedToo() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            String response = h.raw("GET /first HTTP/1.1\r\nHost: x\r\n\r\n" + request("obs-fold"));
            assertThat(response).startsWith("HTTP/1.1 200 ").contains("ok a").contains("HTTP/1.1 400 ");
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void monitorModeCountsButForwards() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("monitor", 60, backend.port()))) {
            String response = h.raw("GET /m HTTP/1.1\r\nHost: x\r\nX-A : one\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 ");
            assertThat(h.lb("DesyncMitigationMode_NonCompliant_Request_Count")).isEqualTo(1);
            String ok = h.raw("GET /m HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\nConnection: close\r\n\r\n");
            assertThat(ok).startsWith("HTTP/1.1 200 ");
            assertThat(h.lb("DesyncMitigationMode_NonCompliant_Request_Count")).isEqualTo(2);
        }
    }

    @Test
    void ambiguousRequestsPassInDefensiveButNotInStrictest() throws Exception {
        String twoHosts = "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n";
        try (TestBackend backend = new TestBackend("a")) {
            try (ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("defensive", 60, backend.port()))) {
                assertThat(h.raw(twoHosts)).startsWith("HTTP/1.1 200 ");
                assertThat(h.lb("DesyncMitigationMode_NonCompliant_Request_Count")).isEqualTo(1);
            }
            try (ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("strictest", 60, backend.port()))) {
                assertThat(h.raw(twoHosts)).startsWith("HTTP/1.1 400 ");
            }
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void connectAndTraceAre405() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            assertThat(h.raw("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 405 ");
            assertThat(h.raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 405 ");
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void incompleteHeaderSectionTimesOutWith408() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()), Duration.ofMillis(300))) {
            long t0 = System.nanoTime();
            String response = h.raw("GET / HTTP/1.1\r\nHost: x\r\n");
            assertThat(response).startsWith("HTTP/1.1 408 ");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 5000L);
            assertThat(backend.requests()).isEmpty();
            assertThat(h.lb("HTTPCode_ELB_4XX_Count")).isEqualTo(1);
        }
    }
}
