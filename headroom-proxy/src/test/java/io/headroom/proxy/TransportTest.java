package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.TargetGroups;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole data plane on each socket transport Headroom can pick (io_uring, epoll, NIO): health checks over HTTP
 * and TCP, keep-alive HTTP through an application load balancer, and a half-closed TCP flow through a network
 * load balancer. A transport this machine does not offer is skipped (the run says which).
 */
class TransportTest {

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void proxiesHttpAndTcpAndHealthChecksOn(String name) throws Exception {
        Transport transport = Transport.create(1, name);
        if (!transport.name().equals(name)) {
            transport.group().shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            assumeTrue(false, name + " is not available here");
        }
        int httpPort = ProxyHarness.freePort();
        int tcpPort = ProxyHarness.freePort();
        ProxyServer proxy = new ProxyServer(transport, new MetricRegistry());
        // One configured second lasts 20 ms: the health checks (interval 5 s, 2 to be healthy) pass in ~0.2 s.
        TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofMillis(20),
                null);
        try (TestBackend backend = new TestBackend("b1")) {
            HeadroomConfig cfg = ConfigLoader.parse("""
                    loadBalancers:
                      - name: web
                        type: application
                        listeners:
                          - port: %d
                            protocol: HTTP
                            defaultAction: { forward: { targetGroup: web } }
                      - name: nlb
                        type: network
                        listeners:
                          - port: %d
                            protocol: TCP
                            defaultAction: { forward: { targetGroup: tcp } }
                    targetGroups:
                      - name: web
                        protocol: HTTP
                        healthCheck: { path: /health, healthyThreshold: 2 }
                        targets: [ { host: 127.0.0.1, port: %d } ]
                      - name: tcp
                        protocol: TCP
                        healthCheck: { protocol: TCP, healthyThreshold: 2 }
                        targets: [ { host: 127.0.0.1, port: %d } ]
                    """.formatted(httpPort, tcpPort, backend.port(), backend.port()), "transport.yaml", Map.of());
            groups.apply(cfg.targetGroups());
            proxy.apply(cfg, groups);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(groups.get("web").describe()).allMatch(t -> t.state() == TargetState.HEALTHY);
                assertThat(groups.get("tcp").describe()).allMatch(t -> t.state() == TargetState.HEALTHY);
            });

            try (Socket s = connect(httpPort)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 3; i++) { // keep-alive: three exchanges on one connection
                    out.write("GET /hello?n=%d HTTP/1.1\r\nHost: web\r\n\r\n".formatted(i)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    String head = head(in);
                    assertThat(head).startsWith("HTTP/1.1 200 ");
                    int length = Integer.parseInt(header(head, "content-length"));
                    assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8)).contains("b1");
                }
            }

            try (Socket s = connect(tcpPort)) {
                // The client half-closes right after its request; the response must still come back in full.
                s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: tcp\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                // (On io_uring the FIN was once seen before the connect to the target completed, and lost.)
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(all).startsWith("HTTP/1.1 200 ").contains("b1");
            }
        } finally {
            groups.close();
            proxy.shutdown(Duration.ofSeconds(1));
        }
    }

    @Test
    void anUnknownTransportIsRefusedByName() {
        assertThatThrownBy(() -> Transport.create(1, "kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dheadroom.transport=kqueue")
                .hasMessageContaining("io_uring, epoll or nio");
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String head(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("connection closed after: " + b);
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + head);
    }
}
