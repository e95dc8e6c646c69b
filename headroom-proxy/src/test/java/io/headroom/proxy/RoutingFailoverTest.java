package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.target.TargetGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Target group health (routing failover) end to end: four real backends behind a real proxy with real health
 * checks. When fewer targets are healthy than {@code targetGroupHealth.unhealthyStateRouting} asks for, requests go
 * to all of them, unhealthy ones included; once enough are healthy again, only to the healthy ones. The same for a
 * network load balancer's new connections.
 */
class RoutingFailoverTest {
    /** Slower than {@link CheckedProxy#FAST_CHECK}, with a generous timeout, so healthy targets never flap. */
    private static final String CHECK = "{ path: /health, intervalSeconds: 40, timeoutSeconds: 35, healthyThreshold: 2,"
            + " unhealthyThreshold: 2 }";

    private static String config(int[] ports, String targetGroupHealth) {
        return ProxyHarness.oneGroup("healthCheck: " + CHECK
                + (targetGroupHealth.isEmpty() ? "" : "\ntargetGroupHealth: " + targetGroupHealth), ports);
    }

    /** A network load balancer forwarding to TCP target group "web", health checked over HTTP. */
    private static String nlbConfig(int[] ports, String targetGroupHealth) {
        return """
                loadBalancers:
                  - name: nlb
                    type: network
                    listeners:
                      - port: ${PORT}
                        protocol: TCP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    protocol: TCP
                    healthCheck: { protocol: HTTP, %s
                    targetGroupHealth: %s
                    targets:
                """.formatted(CHECK.substring(1), targetGroupHealth) + ProxyHarness.targets(ports);
    }

    private interface Scenario {
        void run(CheckedProxy p, List<SessionBackend> backends) throws Exception;
    }

    /** Four healthy backends behind a proxy; everything is closed afterwards, also on failure. */
    private static void withFour(String targetGroupHealth, Scenario scenario) throws Exception {
        withFour(ports -> config(ports, targetGroupHealth), scenario);
    }

    private static void withFour(Function<int[], String> yaml, Scenario scenario) throws Exception {
        List<SessionBackend> backends = new ArrayList<>();
        try {
            for (String name : List.of("a", "b", "c", "d")) {
                backends.add(new SessionBackend(name));
            }
            int[] ports = backends.stream().mapToInt(SessionBackend::port).toArray();
            try (CheckedProxy p = new CheckedProxy(yaml.apply(ports))) {
                for (int port : ports) {
                    p.awaitState("web", port, TargetState.HEALTHY);
                }
                scenario.run(p, backends);
            }
        } finally {
            backends.forEach(SessionBackend::close);
        }
    }

    private static void fail(CheckedProxy p, SessionBackend... backends) {
        for (SessionBackend b : backends) {
            b.healthy.set(false);
        }
        for (SessionBackend b : backends) {
            p.awaitState("web", b.port(), TargetState.UNHEALTHY);
        }
    }

    private static void recover(CheckedProxy p, SessionBackend b) {
        b.healthy.set(true);
        p.awaitState("web", b.port(), TargetState.HEALTHY);
    }

    /** Sends n requests (round robin) and returns how many each backend served. */
    private static int[] send(CheckedProxy p, List<SessionBackend> backends, int n) throws Exception {
        int[] before = servedSince(backends, null);
        HttpClient client = CheckedProxy.plain();
        for (int i = 0; i < n; i++) {
            assertThat(p.get(client, "/work").statusCode()).isEqualTo(200);
        }
        return servedSince(backends, before);
    }

    /** Opens n connections through the network load balancer, one request each; how many each backend served. */
    private static int[] connect(CheckedProxy p, List<SessionBackend> backends, int n) throws IOException {
        int[] before = servedSince(backends, null);
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("GET /work HTTP/1.1\r\nHost: nlb\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(ProxyHarness.readAll(s.getInputStream())).startsWith("HTTP/1.1 200");
            }
        }
        return servedSince(backends, before);
    }

    /** How many requests each backend served since {@code before} (all of them when null). */
    private static int[] servedSince(List<SessionBackend> backends, int[] before) {
        int[] served = new int[backends.size()];
        for (int i = 0; i < served.length; i++) {
            served[i] = backends.get(i).served.get() - (before == null ? 0 : before[i]);
        }
        return served;
    }

    private static long unhealthyRoutingRequests(CheckedProxy p) {
        return counter(p, "UnhealthyRoutingRequestCount");
    }

    private static long counter(CheckedProxy p, String metric) {
        return p.metrics.counter(MetricKey.of(metric, Dimensions.of("TargetGroup", "web"))).sum();
    }

    private static void reload(CheckedProxy p, String yaml) throws Exception {
        p.groups.apply(ConfigLoader.parse(yaml.replace("${PORT}", Integer.toString(p.port)), "t.yaml", Map.of())
                .targetGroups());
    }

    @Test
    void belowTheMinimumCountRequestsGoToAllTargetsUntilEnoughAreHealthyAgain() throws Exception {
        withFour("{ unhealthyStateRouting: { minimumHealthyTargetsCount: 3 } }", (p, b) -> {
            TargetGroup g = p.groups.get("web");
            assertThat(g.failOpen()).isFalse();
            assertThat(send(p, b, 20)).containsExactly(5, 5, 5, 5);
            assertThat(unhealthyRoutingRequests(p)).isZero();

            fail(p, b.get(2), b.get(3));
            assertThat(g.failOpen()).as("2 healthy < 3").isTrue();
            assertThat(send(p, b, 40)).as("all four, the unhealthy ones too").containsExactly(10, 10, 10, 10);
            assertThat(unhealthyRoutingRequests(p)).isEqualTo(40);

            recover(p, b.get(2));
            assertThat(g.failOpen()).as("3 healthy").isFalse();
            assertThat(send(p, b, 30)).as("only the healthy ones").containsExactly(10, 10, 10, 0);
            assertThat(unhealthyRoutingRequests(p)).isEqualTo(40);
        });
    }

    @Test
    void belowTheMinimumPercentageRequestsGoToAllTargets() throws Exception {
        withFour("{ unhealthyStateRouting: { minimumHealthyTargetsPercentage: 75 } }", (p, b) -> {
            TargetGroup g = p.groups.get("web");
            fail(p, b.get(3));
            assertThat(g.failOpen()).as("3 of 4 healthy is 75 %, not below").isFalse();
            assertThat(send(p, b, 30)).containsExactly(10, 10, 10, 0);

            fail(p, b.get(2));
            assertThat(g.failOpen()).as("2 of 4 healthy is 50 %").isTrue();
            assertThat(send(p, b, 40)).containsExactly(10, 10, 10, 10);
            assertThat(unhealthyRoutingRequests(p)).isEqualTo(40);
        });
    }

    @Test
    void byDefaultOneHealthyTargetGetsEverythingAndNoneHealthyFailsOpen() throws Exception {
        withFour("", (p, b) -> {
            TargetGroup g = p.groups.get("web");
            fail(p, b.get(1), b.get(2), b.get(3));
            assertThat(g.failOpen()).isFalse();
            assertThat(send(p, b, 20)).containsExactly(20, 0, 0, 0);
            assertThat(unhealthyRoutingRequests(p)).isZero();

            fail(p, b.get(0));
            assertThat(g.failOpen()).as("none healthy: fail-open, as before").isTrue();
            assertThat(send(p, b, 40)).containsExactly(10, 10, 10, 10);
            assertThat(unhealthyRoutingRequests(p)).isEqualTo(40);
        });
    }

    @Test
    void aReloadThatChangesTheThresholdsTakesEffectAtOnce() throws Exception {
        withFour("", (p, b) -> {
            TargetGroup g = p.groups.get("web");
            fail(p, b.get(3));
            assertThat(g.failOpen()).isFalse();
            int[] ports = b.stream().mapToInt(SessionBackend::port).toArray();
            reload(p, config(ports, "{ unhealthyStateRouting: { minimumHealthyTargetsCount: 4 } }"));
            assertThat(g.failOpen()).as("3 healthy < 4").isTrue();
            assertThat(send(p, b, 20)).containsExactly(5, 5, 5, 5);

            reload(p, config(ports, ""));
            assertThat(g.failOpen()).isFalse();
            assertThat(send(p, b, 30)).containsExactly(10, 10, 10, 0);
        });
    }

    @Test
    void aNetworkLoadBalancerSendsNewConnectionsToAllTargetsBelowTheMinimumCount() throws Exception {
        withFour(ports -> nlbConfig(ports, "{ unhealthyStateRouting: { minimumHealthyTargetsCount: 3 } }"), (p, b) -> {
            TargetGroup g = p.groups.get("web");
            fail(p, b.get(2), b.get(3));
            assertThat(g.failOpen()).isTrue();
            // 80 connections hashed over four targets: each gets some (all but certain: 4 x 0.75^80 < 1e-9).
            assertThat(connect(p, b, 80)).doesNotContain(0);
            assertThat(counter(p, "UnhealthyRoutingFlowCount")).isEqualTo(80);

            recover(p, b.get(2));
            assertThat(g.failOpen()).isFalse();
            int[] served = connect(p, b, 40);
            assertThat(served[3]).as("the unhealthy target").isZero();
            assertThat(served[0] + served[1] + served[2]).isEqualTo(40);
            assertThat(counter(p, "UnhealthyRoutingFlowCount")).isEqualTo(80);
        });
    }
}
