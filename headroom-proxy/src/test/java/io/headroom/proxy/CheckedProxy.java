package io.headroom.proxy;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.target.TargetGroups;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A real proxy on 127.0.0.1 with real, fast health checks (one configured second lasts 10 ms, so a 5 s interval
 * is 50 ms), for tests that need targets to become healthy or unhealthy.
 */
final class CheckedProxy implements AutoCloseable {
    final MetricRegistry metrics = new MetricRegistry();
    final ProxyServer proxy = new ProxyServer(1, metrics);
    final TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofMillis(10),
            null);
    final int port;

    CheckedProxy(String yaml) throws IOException {
        port = ProxyHarness.freePort();
        try {
            HeadroomConfig cfg = ConfigLoader.parse(yaml.replace("${PORT}", Integer.toString(port)), "test.yaml",
                    Map.of());
            groups.apply(cfg.targetGroups());
            proxy.apply(cfg, groups);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The health check block used by these tests: 300 ms interval, 2 checks to change state, and a 250 ms timeout
     * (shorter timeouts make targets flap on a loaded machine, which moves sticky clients legitimately).
     */
    static final String FAST_CHECK = "{ path: /health, intervalSeconds: 30, timeoutSeconds: 25, healthyThreshold: 2,"
            + " unhealthyThreshold: 2 }";

    /** A client with its own cookie jar (as a browser). */
    static HttpClient browser() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A client without cookies. */
    static HttpClient plain() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    HttpResponse<String> get(HttpClient client, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void awaitState(String group, int backendPort, TargetState state) {
        TargetAddress a = new TargetAddress("127.0.0.1", backendPort);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> groups.describe(group).stream()
                .anyMatch(t -> t.target().equals(a) && t.state() == state));
    }

    @Override
    public void close() {
        groups.close();
        proxy.shutdown(Duration.ofSeconds(1));
    }
}
