package io.headroom.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small helpers shared by the end-to-end tests (and the admin API tests). */
public final class Support {
    private Support() {}

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A port free right now on 127.0.0.1, chosen BELOW the kernel's ephemeral range: a port from that range,
     * once released, can be taken by any outgoing connection's source port before a test binds it again (a
     * restart on the same port failed that way).
     */
    public static int freePort() {
        int below = ephemeralLow();
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = rnd.nextInt(10_000, below);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found below " + below);
    }

    private static int ephemeralLow() {
        try {
            String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 12_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The java binary running this test, to start demo-app instances and Headroom processes with. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The launch template command of a demo-app instance, as YAML flow sequence. */
    public static String demoAppCommand() {
        return "[\"" + java() + "\", \"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-Xmx48m\", \"-Xss512k\", "
                + "\"-cp\", \"${HEADROOM_CLASSPATH}\", \"io.headroom.server.Main\", \"demo-app\", \"--port\", \"${PORT}\"]";
    }
}
