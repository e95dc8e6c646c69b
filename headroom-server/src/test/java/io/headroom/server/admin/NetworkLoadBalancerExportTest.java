package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.demo.DemoApp;
import io.headroom.server.e2e.Support;
import java.io.ByteArrayInputStream;
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
            Path file = dir.resolve("headroom.yaml");
            Files.writeString(file, """
                    admin: { listen: "127.0.0.1:0" }
                    stateDir: %s
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
                    """.formatted(dir.resolve("state"), nlbPort, backend.port()));
            HeadroomServer server = HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(),
                    Clock.systemUTC());
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
                    CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
                    new TextPrometheusMetricsProcessor(new ByteArrayInputStream(get(admin + "/metrics")
                            .getBytes(StandardCharsets.UTF_8)), walker).walk();
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

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
