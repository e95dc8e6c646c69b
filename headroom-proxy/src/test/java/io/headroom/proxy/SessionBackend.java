package io.headroom.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend on the JDK's HTTP server, on 127.0.0.1: {@code /health} answers 200 while {@link #healthy} is
 * true, else 503; {@code /login} answers "ok NAME" and sets cookie {@code SESSION}; anything else answers
 * "ok NAME". Counts the requests it served (health checks excluded). While {@link #failEvery} is N &gt; 0, every
 * N-th of those requests answers 500 instead.
 */
final class SessionBackend implements AutoCloseable {
    final String name;
    final AtomicBoolean healthy = new AtomicBoolean(true);
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger failEvery = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "session-backend");
        t.setDaemon(true);
        return t;
    });

    static {
        // The JDK server writes headers and body separately: without TCP_NODELAY each response waits for a
        // delayed ACK (~40 ms). Read once, when the first server of this JVM is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    SessionBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().getPath();
                int status = 200;
                byte[] body = ("ok " + name).getBytes(StandardCharsets.UTF_8);
                if (path.equals("/health")) {
                    status = healthy.get() ? 200 : 503;
                } else {
                    int n = served.incrementAndGet();
                    int every = failEvery.get();
                    if (every > 0 && n % every == 0) {
                        status = 500;
                    }
                    if (path.equals("/login")) {
                        ex.getResponseHeaders().add("Set-Cookie", "SESSION=" + name + "-session; Path=/");
                    }
                }
                ex.getResponseHeaders().add("Content-Type", "text/plain");
                ex.sendResponseHeaders(status, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
