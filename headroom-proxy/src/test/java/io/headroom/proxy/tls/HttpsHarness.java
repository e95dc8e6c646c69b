package io.headroom.proxy.tls;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.ProxyServer;
import io.headroom.proxy.target.TargetGroups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real proxy on 127.0.0.1 from a YAML config whose {@code ${HTTPS}} and {@code ${HTTP}} are replaced by two free
 * ports. Health checks are effectively off (a configured second lasts an hour): targets get traffic fail-open.
 */
final class HttpsHarness implements AutoCloseable {
    final MetricRegistry metrics = new MetricRegistry();
    final ProxyServer proxy = new ProxyServer(1, metrics);
    final TargetGroups groups;
    final int httpsPort;
    final int httpPort;
    /** Applied to every parsed config before the proxy gets it (e.g. values the config file may not hold). */
    private final UnaryOperator<HeadroomConfig> adjust;

    HttpsHarness(String yaml) throws IOException {
        this(yaml, UnaryOperator.identity());
    }

    HttpsHarness(String yaml, UnaryOperator<HeadroomConfig> adjust) throws IOException {
        this.adjust = adjust;
        httpsPort = freePort();
        httpPort = freePort();
        groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofHours(1), null);
        try {
            apply(yaml);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    void apply(String yaml) {
        HeadroomConfig cfg;
        try {
            cfg = ConfigLoader.parse(yaml.replace("${HTTPS}", Integer.toString(httpsPort))
                    .replace("${HTTP}", Integer.toString(httpPort)), "test.yaml", Map.of());
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        groups.apply(cfg.targetGroups());
        proxy.apply(adjust.apply(cfg), groups);
    }

    /** A counter of load balancer "web". */
    /** Sends {@code request} as it is on a new connection to the HTTP listener and reads until the proxy closes it. */
    String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One GET on a new connection to the HTTP listener ({@code Connection: close}), with extra header lines. */
    String get(String target, String host, String... headerLines) throws IOException {
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String m : headerLines) {
            req.append(m).append("\r\n");
        }
        return exchange(req.append("Connection: close\r\n\r\n").toString());
    }

    long lbCounter(String metric) {
        return metrics.counter(io.headroom.core.metrics.MetricKey.of(metric,
                io.headroom.core.metrics.Dimensions.of("LoadBalancer", "web"))).sum();
    }

    /** A load balancer "web" with an HTTPS listener on ${HTTPS} using these certificate entries (YAML flow). */
    static String https(String certificates, String extraListeners, String targetGroup) {
        return "loadBalancers:\n"
                + "  - name: web\n"
                + "    listeners:\n"
                + "      - port: ${HTTPS}\n"
                + "        protocol: HTTPS\n"
                + "        certificates: " + certificates + "\n"
                + "        defaultAction: { forward: { targetGroup: web } }\n"
                + extraListeners
                + "targetGroups:\n"
                + "  - " + targetGroup + "\n";
    }

    static String plainGroup(int backendPort) {
        return "{ name: web, targets: [{ host: 127.0.0.1, port: " + backendPort + " }] }";
    }

    /** A JDK HTTP client of this version that trusts exactly {@code cert}. */
    static HttpClient client(HttpClient.Version version, X509Certificate cert) {
        return HttpClient.newBuilder().version(version).sslContext(trusting(cert))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static SSLContext trusting(X509Certificate cert) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("server", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        proxy.shutdown(Duration.ZERO);
        groups.close();
    }
}
