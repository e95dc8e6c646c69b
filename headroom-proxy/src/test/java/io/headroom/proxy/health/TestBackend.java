package io.headroom.proxy.health;

import com.sun.net.httpserver.HttpServer;
import io.headroom.core.target.TargetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP backend on 127.0.0.1 (JDK HttpServer, port 0) whose health answer tests can flip. Records the
 * last request line and headers it saw. Close it to stop.
 */
public final class TestBackend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger failedHits = new AtomicInteger();
    public final AtomicReference<String> lastPath = new AtomicReference<>();
    public final AtomicReference<String> lastHost = new AtomicReference<>();
    public final AtomicReference<String> lastUserAgent = new AtomicReference<>();

    public TestBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", ex -> {
            lastPath.set(ex.getRequestURI().toString());
            lastHost.set(ex.getRequestHeaders().getFirst("Host"));
            lastUserAgent.set(ex.getRequestHeaders().getFirst("User-Agent"));
            int s = status.get();
            hits.incrementAndGet();
            if (s < 200 || s > 399) {
                failedHits.incrementAndGet();
            }
            byte[] body = ("status " + s).getBytes();
            ex.sendResponseHeaders(s, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    public TargetAddress address() {
        return new TargetAddress("127.0.0.1", server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The status the next health checks get. */
    public void status(int s) {
        status.set(s);
    }

    public int hits() {
        return hits.get();
    }

    /** Answers with a status outside 200-399 so far. */
    public int failedHits() {
        return failedHits.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A port on 127.0.0.1 where nothing listens (connection refused). */
    public static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A socket that the kernel accepts connections for but that never answers (never calls accept): HTTP
     * checks against it time out, TCP checks pass.
     */
    public static ServerSocket silent() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
}
