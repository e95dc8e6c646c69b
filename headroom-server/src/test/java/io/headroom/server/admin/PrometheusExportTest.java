package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.server.admin.AdminFixture.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.hawkular.agent.prometheus.types.Summary;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics parsed by a real Prometheus text-format parser (Hawkular's): the store's series with Prometheus
 * names, types and labels, counters that count what went through the load balancer, and the JVM metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusExportTest {
    private AdminFixture h;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        h = new AdminFixture(dir, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/target-groups/web").json().path("healthyCount").asInt() == 2
                && h.get("/api/v1/auto-scaling-groups/demo").json().path("inService").asInt() == 1);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private Map<String, MetricFamily> scrape() throws Exception {
        Response r = h.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(r.raw().body().getBytes(StandardCharsets.UTF_8)), walker).walk();
        Map<String, MetricFamily> out = new java.util.HashMap<>();
        for (MetricFamily f : walker.getAllMetricFamilies()) {
            out.put(f.getName(), f);
        }
        return out;
    }

    private static Optional<Metric> metric(Map<String, MetricFamily> families, String name, Map<String, String> labels) {
        MetricFamily f = families.get(name);
        if (f == null) {
            return Optional.empty();
        }
        return f.getMetrics().stream().filter(m -> m.getLabels().entrySet().containsAll(labels.entrySet())).findFirst();
    }

    private static double value(Map<String, MetricFamily> families, String name, Map<String, String> labels) {
        Metric m = metric(families, name, labels).orElseThrow(() -> new AssertionError(name + labels + " missing in "
                + families.keySet()));
        if (m instanceof Counter c) {
            return c.getValue();
        }
        return ((Gauge) m).getValue();
    }

    @Test
    void requestsThroughTheLoadBalancerAreCountedWithPrometheusNamesAndLabels() throws Exception {
        double lbBefore = metric(scrape(), "headroom_load_balancer_requests_total", Map.of("load_balancer", "web"))
                .map(m -> ((Counter) m).getValue()).orElse(0.0);
        for (int i = 0; i < 12; i++) {
            assertThat(h.throughLoadBalancer("/").statusCode()).isEqualTo(200);
        }
        // The publisher moves each second into the store just after it ends.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, MetricFamily> f = scrape();
            assertThat(value(f, "headroom_load_balancer_requests_total", Map.of("load_balancer", "web"))).isEqualTo(lbBefore + 12);
            assertThat(value(f, "headroom_target_group_requests_total", Map.of("target_group", "web"))).isEqualTo(12);
            assertThat(value(f, "headroom_target_group_target_http_responses_total", Map.of("target_group", "web", "code", "2xx")))
                    .isEqualTo(12);
            // Two healthy targets: no routing failover.
            assertThat(value(f, "headroom_target_group_unhealthy_routing_requests_total", Map.of("target_group", "web")))
                    .isZero();
        });
        Map<String, MetricFamily> f = scrape();
        assertThat(f.get("headroom_load_balancer_requests_total").getType()).isEqualTo(MetricType.COUNTER);

        MetricFamily rt = f.get("headroom_target_group_target_response_time_seconds");
        assertThat(rt).as("families: %s", f.keySet()).isNotNull();
        assertThat(rt.getType()).isEqualTo(MetricType.SUMMARY);
        Summary s = (Summary) rt.getMetrics().stream().filter(m -> "web".equals(m.getLabels().get("target_group"))).findFirst().orElseThrow();
        assertThat(s.getSampleCount()).isEqualTo(12);
        assertThat(s.getSampleSum()).isPositive().isLessThan(12 * 5.0);
        double p99 = value(f, "headroom_target_group_target_response_time_quantile_seconds",
                Map.of("target_group", "web", "quantile", "0.99"));
        assertThat(p99).isPositive().isLessThan(5.0);

        // Counters keep counting across scrapes: a second scrape without traffic gives the same total.
        assertThat(value(scrape(), "headroom_target_group_requests_total", Map.of("target_group", "web"))).isEqualTo(12);
    }

    @Test
    void gaugesOfTargetHealthGroupCapacityAndInstances() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, MetricFamily> f = scrape();
            assertThat(value(f, "headroom_target_group_healthy_hosts", Map.of("target_group", "web"))).isEqualTo(2);
            assertThat(value(f, "headroom_target_group_unhealthy_hosts", Map.of("target_group", "web"))).isZero();
            assertThat(value(f, "headroom_target_group_anomalous_hosts", Map.of("target_group", "web"))).isZero();
            assertThat(value(f, "headroom_target_group_mitigated_hosts", Map.of("target_group", "web"))).isZero();
            assertThat(value(f, "headroom_autoscaling_group_desired_capacity", Map.of("auto_scaling_group", "demo"))).isEqualTo(1);
            assertThat(value(f, "headroom_autoscaling_group_min_size", Map.of("auto_scaling_group", "demo"))).isEqualTo(1);
            assertThat(value(f, "headroom_autoscaling_group_max_size", Map.of("auto_scaling_group", "demo"))).isEqualTo(3);
            assertThat(value(f, "headroom_autoscaling_group_in_service_instances", Map.of("auto_scaling_group", "demo"))).isEqualTo(1);
            assertThat(value(f, "headroom_autoscaling_group_standby_instances", Map.of("auto_scaling_group", "demo"))).isZero();
            assertThat(f.get("headroom_autoscaling_group_desired_capacity").getType()).isEqualTo(MetricType.GAUGE);
            String instanceId = h.server.controller().group("demo").instances().get(0).instanceId();
            double cpu = value(f, "headroom_instance_cpu_utilization_percent", Map.of("instance_id", instanceId));
            assertThat(cpu).isBetween(0.0, 100.0 * Runtime.getRuntime().availableProcessors());
            for (String bytes : List.of("network_in", "network_out")) {
                assertThat(value(f, "headroom_instance_" + bytes + "_bytes_per_second", Map.of("instance_id", instanceId)))
                        .isGreaterThanOrEqualTo(0);
            }
        });
    }

    @Test
    void jvmMetricsAreExported() throws Exception {
        Map<String, MetricFamily> f = scrape();
        for (String name : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage", "system_cpu_count",
                "process_uptime_seconds")) {
            assertThat(f).as(name).containsKey(name);
        }
        assertThat(f.keySet()).anyMatch(n -> n.startsWith("jvm_gc_"));
    }

    @Test
    void aSecondScrapedBeforeThePublisherWroteItIsCountedOnceItIs() throws Exception {
        // The exporter on its own: a store, a clock and the publisher's progress, all in the test's hands.
        io.headroom.core.metrics.MetricStore store = io.headroom.core.metrics.MetricStore.inMemory(Duration.ofHours(1));
        io.headroom.core.time.ManualClock clock = new io.headroom.core.time.ManualClock(java.time.Instant.ofEpochSecond(1_000_001));
        long[] published = {1_000_000}; // the second 1,000,000 has ended, but the publisher has not written it yet
        PrometheusExporter exporter = new PrometheusExporter(store, clock, () -> published[0]);
        io.headroom.core.metrics.MetricKey requests = io.headroom.core.metrics.MetricKey.of("RequestCount",
                io.headroom.core.metrics.Dimensions.of("LoadBalancer", "web"));
        store.record(requests, 999_999, 5);
        assertThat(exporter.scrape()).contains("headroom_load_balancer_requests_total{load_balancer=\"web\"} 5.0");
        store.record(requests, 1_000_000, 7); // the publisher catches up
        published[0] = 1_000_001;
        assertThat(exporter.scrape()).contains("headroom_load_balancer_requests_total{load_balancer=\"web\"} 12.0");
    }
}
