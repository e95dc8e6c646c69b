package io.headroom.proxy;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.target.TargetGroups;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real proxy on 127.0.0.1 built from a YAML config, with its target groups and metrics, for tests. Health
 * checks are effectively off (one configured second lasts an hour), so targets stay in {@code initial} and get
 * traffic through fail-open without any probe reaching the test backends.
 */
final class ProxyHarness implements AutoCloseable {
    final MetricRegistry metrics = new MetricRegistry();
    final ProxyServer proxy;
    final TargetGroups groups;
    final int port;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyHarness(String yaml, int port, java.util.function.Consumer<ProxyServer> setup) {
        this.port = port;
        proxy = new ProxyServer(1, metrics);
        setup.accept(proxy);
        groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofHours(1), null);
        try {
            apply(yaml);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code yaml} may use {@code ${PORT}} for the listener port. */
    static ProxyHarness start(String yaml) throws IOException {
        return new ProxyHarness(yaml, freePort(), p -> { });
    }

    static ProxyHarness start(String yaml, Duration headerTimeout) throws IOException {
        return new ProxyHarness(yaml, freePort(), p -> p.headerTimeout(headerTimeout));
    }

    /** {@code setup} runs on the proxy before the first apply (package-private test settings). */
    static ProxyHarness start(String yaml, java.util.function.Consumer<ProxyServer> setup) throws IOException {
        return new ProxyHarness(yaml, freePort(), setup);
    }

    void apply(String yaml) {
        HeadroomConfig cfg = config(yaml);
        groups.apply(cfg.targetGroups());
        proxy.apply(cfg, groups);
    }

    HeadroomConfig config(String yaml) {
        try {
            return ConfigLoader.parse(yaml.replace("${PORT}", Integer.toString(port)), "test.yaml", Map.of());
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A config with one load balancer "web" forwarding everything to target group "web" of these backends. */
    static String simple(int... backendPorts) {
        return simple("defensive", 60, backendPorts);
    }

    /** YAML list items of targets on 127.0.0.1, indented for a target group's {@code targets:} key. */
    static String targets(int... backendPorts) {
        StringBuilder targets = new StringBuilder();
        for (int p : backendPorts) {
            targets.append("      - { host: 127.0.0.1, port: ").append(p).append(" }\n");
        }
        return targets.toString();
    }

    /**
     * One application load balancer "web" on ${PORT} forwarding to HTTP target group "web" with {@code groupLines}
     * (YAML lines of the group, each indented as a key of it, e.g. "algorithm: weighted_random\n") and the backends.
     */
    static String oneGroup(String groupLines, int... backendPorts) {
        StringBuilder group = new StringBuilder();
        groupLines.lines().forEach(l -> group.append("    ").append(l.strip()).append('\n'));
        return """
                loadBalancers:
                  - name: web
                    listeners:
                      - port: ${PORT}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    protocol: HTTP
                """ + group + "    targets:\n" + targets(backendPorts);
    }

    static String simple(String desync, int idleTimeout, int... backendPorts) {
        return """
                loadBalancers:
                  - name: web
                    type: application
                    idleTimeoutSeconds: %d
                    desyncMitigationMode: %s
                    listeners:
                      - port: ${PORT}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    protocol: HTTP
                    healthCheck: { path: /health }
                    targets:
                """.formatted(idleTimeout, desync) + (backendPorts.length == 0 ? "      []\n" : targets(backendPorts));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    long lb(String metric) {
        return metrics.counter(MetricKey.of(metric, Dimensions.of("LoadBalancer", "web"))).sum();
    }

    long tg(String metric) {
        return metrics.counter(MetricKey.of(metric, Dimensions.of("TargetGroup", "web"))).sum();
    }

    /** Requests in flight on all targets of group "web" (each requestStarted matched by one requestFinished). */
    int outstanding() {
        return groups.get("web").describe().stream()
                .mapToInt(t -> groups.get("web").target(t.target()).outstanding()).sum();
    }

    /** Sends raw bytes on a new connection and returns everything read until the proxy closes (or 10 s). */
    String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        groups.close();
        proxy.shutdown(Duration.ofSeconds(1));
    }
}
