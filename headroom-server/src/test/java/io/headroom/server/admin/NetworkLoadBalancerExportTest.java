package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.demo.DemoApp;
import io.headroom.server.e2e.Support;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A network load balancer's flows in /metrics and in the load balancer view of the API. */
class NetworkLoadBalancerExportTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void newFlowsAreCountedAndTheTcpListenerIsListed() throws Exception {
        try (DemoApp backend = DemoApp.start("127.0.0.1", 0, "i-tcpbackend000001", 2)) {
            int nlbPort = Support.freePort();
            HeadroomServer server = start("""
                    loadBalancers:
                      - name: tcp
                        type: network
                        listeners:
                          - port: %d
                            protocol: TCP
                            defaultAction: { forward: { targetGroup: tcp } }
                    targetGroups:
                      - name: tcp
                        protocol: TCP
                        healthCheck: { protocol: TCP, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                        targets: [{ host: 127.0.0.1, port: %d }]
                    """.formatted(nlbPort, backend.port()));
            try {
                String admin = "http://127.0.0.1:" + server.admin().port();
                String lb = get(admin + "/api/v1/load-balancers/tcp");
                assertThat(AdminFixture.JSON.readTree(lb).path("type").asText()).isEqualTo("network");
                assertThat(AdminFixture.JSON.readTree(lb).path("listeners").get(0).path("protocol").asText()).isEqualTo("TCP");

                // Each HttpClient has its own connection: 3 clients, 3 flows.
                for (int i = 0; i < 3; i++) {
                    HttpClient c = HttpClient.newHttpClient();
                    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nlbPort + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    CollectorPrometheusMetricsWalker walker = metrics(admin);
                    MetricFamily flows = walker.getAllMetricFamilies().stream()
                            .filter(f -> f.getName().equals("headroom_load_balancer_new_flows_total")).findFirst()
                            .orElseThrow(() -> new AssertionError("no headroom_load_balancer_new_flows_total yet"));
                    assertThat(flows.getType()).isEqualTo(MetricType.COUNTER);
                    Counter c = (Counter) flows.getMetrics().stream()
                            .filter(m -> "tcp".equals(m.getLabels().get("load_balancer"))).findFirst()
                            .orElseThrow(() -> new AssertionError("no flows of load balancer tcp yet"));
                    assertThat(c.getValue()).isGreaterThanOrEqualTo(3);
                    assertThat(walker.getAllMetricFamilies()).anyMatch(f -> f.getName().equals("headroom_load_balancer_tcp_resets_total"));
                });
            } finally {
                server.shutdown(Duration.ZERO);
            }
        }
    }

    @Test
    void udpFlowsAreExportedAndTheUdpListenerIsListed() throws Exception {
        // A UDP echo target; no TCP on its port, so its health checks fail and the group routes fail-open.
        try (DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!target.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        target.receive(p);
                        target.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "udp-echo");
            echo.setDaemon(true);
            echo.start();
            int nlbPort = Support.freePort();
            int emptyPort = Support.freePort();
            HeadroomServer server = start("""
                    loadBalancers:
                      - name: dns
                        type: network
                        listeners:
                          - { port: %d, protocol: UDP, defaultAction: { forward: { targetGroup: dns } } }
                          - { port: %d, protocol: UDP, defaultAction: { forward: { targetGroup: empty } } }
                    targetGroups:
                      - name: dns
                        protocol: UDP
                        targets: [{ host: 127.0.0.1, port: %d }]
                      - { name: empty, protocol: UDP, targets: [] }
                    """.formatted(nlbPort, emptyPort, target.getLocalPort()));
            try {
                String admin = "http://127.0.0.1:" + server.admin().port();
                String lb = get(admin + "/api/v1/load-balancers/dns");
                assertThat(AdminFixture.JSON.readTree(lb).path("listeners").get(0).path("protocol").asText()).isEqualTo("UDP");

                client.setSoTimeout(5000);
                byte[] q = "query".getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), nlbPort));
                DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                client.receive(answer);
                assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII)).isEqualTo("query");
                assertThat(answer.getPort()).isEqualTo(nlbPort);
                // A target group without targets: the datagram is dropped and counted.
                client.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), emptyPort));

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    CollectorPrometheusMetricsWalker walker = metrics(admin);
                    assertThat(value(walker, "headroom_load_balancer_new_udp_flows_total")).isEqualTo(1);
                    assertThat(value(walker, "headroom_load_balancer_processed_packets_total")).isEqualTo(2);
                    assertThat(value(walker, "headroom_load_balancer_processed_udp_bytes_total")).isEqualTo(10);
                    assertThat(value(walker, "headroom_load_balancer_active_udp_flows")).isEqualTo(1);
                    assertThat(value(walker, "headroom_load_balancer_unroutable_udp_flows_total")).isEqualTo(1);
                });
            } finally {
                server.shutdown(Duration.ZERO);
            }
        }
    }

    /** Starts Headroom with its admin API on a free port, its state in the temporary folder and {@code yaml}. */
    private HeadroomServer start(String yaml) throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, "admin: { listen: \"127.0.0.1:0\" }\nstateDir: " + dir.resolve("state") + "\n" + yaml);
        return HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
    }

    /** What /metrics says now. */
    private static CollectorPrometheusMetricsWalker metrics(String admin) throws Exception {
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(get(admin + "/metrics").getBytes(StandardCharsets.UTF_8)),
                walker).walk();
        return walker;
    }

    /** The value of load balancer "dns"'s series of {@code family}. */
    private static double value(CollectorPrometheusMetricsWalker walker, String family) {
        MetricFamily f = walker.getAllMetricFamilies().stream().filter(x -> x.getName().equals(family)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + family + " yet"));
        return f.getMetrics().stream().filter(m -> "dns".equals(m.getLabels().get("load_balancer")))
                .map(m -> m instanceof Counter c ? c.getValue() : ((org.hawkular.agent.prometheus.types.Gauge) m).getValue())
                .findFirst().orElseThrow(() -> new AssertionError("no " + family + " of load balancer dns yet"));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
