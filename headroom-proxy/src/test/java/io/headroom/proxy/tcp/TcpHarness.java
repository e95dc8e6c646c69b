package io.headroom.proxy.tcp;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.TargetGroups;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Real TCP listeners of one network load balancer "nlb" on 127.0.0.1, with their target groups and metrics.
 * {@code second} is how long one configured second lasts for health checks and deregistration delays.
 */
final class TcpHarness implements AutoCloseable {
    final MetricRegistry metrics = new MetricRegistry();
    final Transport transport;
    final TcpListeners listeners;
    final TargetGroups groups;
    final int port;

    TcpHarness(String yaml, Duration second, Consumer<TcpListeners> setup) throws IOException {
        this(Transport.create(1), yaml, second, setup);
    }

    /** On {@code transport}, which it shuts down when closed. */
    TcpHarness(Transport transport, String yaml, Duration second, Consumer<TcpListeners> setup) throws IOException {
        this.transport = transport;
        listeners = new TcpListeners(transport, metrics);
        port = freePort();
        groups = new TargetGroups(Clock.systemUTC(), transport.group(), null, second, null);
        setup.accept(listeners);
        try {
            apply(yaml);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    TcpHarness(String yaml) throws IOException {
        this(yaml, Duration.ofHours(1), l -> { });
    }

    void apply(String yaml) {
        HeadroomConfig cfg = config(yaml, port);
        groups.apply(cfg.targetGroups());
        listeners.apply(cfg, groups);
    }

    static HeadroomConfig config(String yaml, int port) {
        try {
            return ConfigLoader.parse(yaml.replace("${PORT}", Integer.toString(port)), "test.yaml", Map.of());
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A network load balancer "nlb" on ${PORT} forwarding to TCP target group "tcp" with these targets. */
    static String nlb(String groupExtra, int... targetPorts) {
        StringBuilder targets = new StringBuilder();
        for (int p : targetPorts) {
            targets.append("      - { host: 127.0.0.1, port: ").append(p).append(" }\n");
        }
        return """
                loadBalancers:
                  - name: nlb
                    type: network
                    listeners:
                      - port: ${PORT}
                        protocol: TCP
                        defaultAction: { forward: { targetGroup: tcp } }
                targetGroups:
                  - name: tcp
                    protocol: TCP
                    healthCheck: { protocol: TCP }
                %s    targets:
                """.formatted(groupExtra.isEmpty() ? "" : "    " + groupExtra + "\n")
                + (targetPorts.length == 0 ? "      []\n" : targets.toString());
    }

    /** A loopback port that is free for TCP and for UDP (a listener may take either or both). */
    static int freePort() throws IOException {
        IOException last = null;
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket d = new DatagramSocket(s.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (SocketException taken) {
                last = taken; // the UDP port of that number is in use: another one
            }
        }
        throw last;
    }

    Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one line (the backend's greeting). */
    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after \"" + b + "\"");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /** Writes {@code text} and reads the same number of bytes back. */
    static String echo(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    long lb(String metric) {
        return metrics.counter(MetricKey.of(metric, Dimensions.of("LoadBalancer", "nlb"))).sum();
    }

    long tg(String metric) {
        return metrics.counter(MetricKey.of(metric, Dimensions.of("TargetGroup", "tcp"))).sum();
    }

    @Override
    public void close() {
        groups.close();
        try {
            listeners.close(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("TCP listeners did not close", e);
        } finally {
            transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
