package io.headroom.scaling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny backend instance for the controller tests, run as its own JVM: HTTP on 127.0.0.1:$PORT, where
 * {@code GET /health} answers 200 until {@code GET /fail} makes it answer 500.
 */
public final class TestBackend {
    private TestBackend() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv("PORT"));
        AtomicBoolean healthy = new AtomicBoolean(true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/health", ex -> respond(ex, healthy.get() ? 200 : 500, healthy.get() ? "ok" : "failing"));
        server.createContext("/fail", ex -> {
            healthy.set(false);
            respond(ex, 200, "now failing");
        });
        server.start();
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** The command that starts one: this JVM's java, small and quick to start, with only the test classes. */
    static List<String> command() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classes = Path.of(TestBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return List.of(java, "-Xmx32m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", classes, TestBackend.class.getName());
    }
}
