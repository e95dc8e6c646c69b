package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.headroom.proxy.target.TargetGroups;
import io.headroom.core.target.TargetAddress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProxyTunnelAndReloadTest {

    /** Reads one response (status line, headers, Content-Length body) from a keep-alive connection. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int contentLength = 0;
        for (String l = TestBackend.line(in); l != null && !l.isEmpty(); l = TestBackend.line(in)) {
            head.append(l).append("\n");
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(l.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(contentLength);
        return head + "\n" + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Sends a WebSocket upgrade on {@code s} (to the backend's raw echo at /ws) and asserts the 101. */
    static void openTunnel(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 101 ").containsIgnoringCase("upgrade: websocket");
    }

    /** One frame-shaped message through an open tunnel and its echo back. */
    static void echo(Socket s, int i) throws IOException {
        byte[] frame = ("\u0081\u0005frame" + i + "\u0000\u00ff binary").getBytes(StandardCharsets.ISO_8859_1);
        s.getOutputStream().write(frame);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().readNBytes(frame.length)).isEqualTo(frame);
    }

    @Test
    void websocketUpgradeIsTunnelledAsRawBytes() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
            openTunnel(s);
            InputStream in = s.getInputStream();
            TestBackend.Request seen = backend.requests().get(0);
            assertThat(seen.header("upgrade")).isEqualTo("websocket");
            assertThat(seen.header("connection")).isEqualToIgnoringCase("upgrade");
            for (int i = 0; i < 3; i++) {
                echo(s, i);
            }
            s.shutdownOutput();
            assertThat(in.read()).isEqualTo(-1); // the backend's close comes through
        }
    }

    @Test
    void aWebSocketStaysOpenWhileBusyAndIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("defensive", 1, backend.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
            openTunnel(s);
            // Busy for two and a half idle timeouts, a message every 200 ms (bounded in count and time).
            long end = System.nanoTime() + 2_500_000_000L;
            for (int i = 0; i < 50 && System.nanoTime() < end; i++) {
                echo(s, i);
                Thread.sleep(200); // pacing the client's traffic, not synchronisation
            }
            echo(s, 99); // still open
            long idleFrom = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - idleFrom).isGreaterThanOrEqualTo(800_000_000L);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.outstanding() == 0);
        }
    }

    @Test
    void aWebSocketToADeregisteredTargetLastsTheDeregistrationDelayThenIsClosed() throws Exception {
        // One configured second lasts 10 ms here: a deregistration delay of 100 s lasts one second.
        try (TestBackend backend = new TestBackend("a");
             CheckedProxy p = new CheckedProxy(ProxyHarness.oneGroup("deregistrationDelaySeconds: 100\nhealthCheck: "
                     + CheckedProxy.FAST_CHECK, backend.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port)) {
            p.awaitState("web", backend.port(), io.headroom.core.target.TargetState.HEALTHY);
            openTunnel(s);
            echo(s, 0);
            long deregisteredAt = System.nanoTime();
            CompletableFuture<Void> done = p.groups.deregister("web", new TargetAddress("127.0.0.1", backend.port()));
            echo(s, 1); // draining: the open WebSocket keeps working
            assertThat(done).isNotDone();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - deregisteredAt).isGreaterThanOrEqualTo(800_000_000L);
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void webSocketClientTalksToTheTargetThroughTheProxy() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            java.net.http.WebSocket ws = h.client.newWebSocketBuilder()
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + h.port + "/wsecho"), new java.net.http.WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                got.add(text.toString());
                                text.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (String m : new String[] {"hello", "x".repeat(5000), "bye"}) {
                ws.sendText(m, true).get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(got.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(m);
            }
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(10, java.util.concurrent.TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.outstanding() == 0);
        }
    }

    @Test
    void responseBeforeTheWholeRequestBodySaysConnectionCloseAndCloses() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            String response = readResponse(in);
            // The rest of the body never comes through: the client must be told the connection ends here.
            assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close")
                    .endsWith("too large");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void reloadKeepsOpenConnectionsAndSwitchesRouting() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).endsWith("ok a");

            h.apply(ProxyHarness.simple(b.port()));
            out.write("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).endsWith("ok b");
            assertThat(h.lb("NewConnectionCount")).isEqualTo(1);
        }
    }

    @Test
    void reloadedDesyncModeAppliesToTheNextRequestOfAnOpenConnection() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(ProxyHarness.simple("defensive", 60, a.port()));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] twoHosts = "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            out.write(twoHosts);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ");
            h.apply(ProxyHarness.simple("strictest", 60, a.port()));
            out.write(twoHosts);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 400 ");
            assertThat(a.requests()).hasSize(1);
        }
    }

    @Test
    void failedBindLeavesTheOldListenersServing() throws Exception {
        try (TestBackend a = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port()));
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String twoListeners = twoListeners(a.port(), taken.getLocalPort());
            assertThatThrownBy(() -> h.apply(twoListeners)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(":" + taken.getLocalPort());
            assertThat(h.get("/").body()).isEqualTo("ok a");

            int free = ProxyHarness.freePort();
            String moved = twoListeners(a.port(), free);
            h.apply(moved);
            assertThat(h.proxy.localAddresses()).hasSize(2);
            HttpResponse<String> second = h.client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + free + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(second.body()).isEqualTo("second");

            h.apply(ProxyHarness.simple(a.port())); // the second listener goes away
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), free).close())
                            .isInstanceOf(ConnectException.class));
            assertThat(h.get("/").body()).isEqualTo("ok a");
        }
    }

    @Test
    void configWithAnUnknownTargetGroupIsRefusedAndChangesNothing() throws Exception {
        try (TestBackend a = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port()))) {
            // Target groups that do not (yet) have the config's group: the proxy's own guard must refuse.
            TargetGroups empty = new TargetGroups(java.time.Clock.systemUTC(), h.proxy.eventLoops(), null,
                    Duration.ofHours(1), null);
            try {
                var cfg = h.config(ProxyHarness.simple(a.port()));
                assertThatThrownBy(() -> h.proxy.apply(cfg, empty)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("web");
            } finally {
                empty.close();
            }
            assertThat(h.get("/").body()).isEqualTo("ok a");
        }
    }

    @Test
    void shutdownDrainsAnInFlightRequest() throws Exception {
        try (TestBackend a = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(a.port()))) {
            CompletableFuture<HttpResponse<String>> slow = h.client.sendAsync(
                    java.net.http.HttpRequest.newBuilder(h.uri("/delay?ms=800")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> a.started.get() == 1);
            long t0 = System.nanoTime();
            h.proxy.shutdown(Duration.ofSeconds(10));
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
            HttpResponse<String> r = slow.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("delayed a");
            assertThat(r.headers().firstValue("connection")).hasValue("close");
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), h.port).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    static String twoListeners(int backendPort, int secondPort) {
        return """
                loadBalancers:
                  - name: web
                    type: application
                    listeners:
                      - port: ${PORT}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                      - port: %d
                        protocol: HTTP
                        defaultAction: { fixedResponse: { statusCode: 200, messageBody: "second" } }
                targetGroups:
                  - name: web
                    protocol: HTTP
                    healthCheck: { path: /health }
                    targets: [{ host: 127.0.0.1, port: %d }]
                """.formatted(secondPort, backendPort);
    }

    static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }
}
