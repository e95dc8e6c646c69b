package io.headroom.server.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in demo backend ({@code headroom demo-app}): small, starts fast, and lets a user (or a test) make an
 * instance busy, slow, unhealthy or dead on purpose.
 *
 * <pre>
 *   GET /              "hello from i-0123… (port 41234)"
 *   GET /health        200 "ok", or 503 after /fail-health
 *   GET /work?cpuMs=50 burns that much CPU time on the request thread, then answers
 *   GET /sleep?ms=N    answers after N ms
 *   GET /fail-health   makes /health answer 503 from now on (/recover-health undoes it)
 *   GET /crash         exits the process with status 3 right after answering
 * </pre>
 *
 * On SIGTERM it stops accepting and lets requests in flight finish (up to 2 s), like a well-behaved service.
 */
public final class DemoApp implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final HttpServer server;
    private final ExecutorService executor; // accepts requests and answers the cheap ones (/health first of all)
    private final ExecutorService workers;  // /work and /sleep, so a backlog of them never delays a health check
    private final String instanceId;
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    private DemoApp(HttpServer server, ExecutorService executor, ExecutorService workers, String instanceId) {
        this.server = server;
        this.executor = executor;
        this.workers = workers;
        this.instanceId = instanceId;
    }

    /** Starts the app on {@code host:port} (port 0 picks a free one). */
    public static DemoApp start(String host, int port, String instanceId, int threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        DemoApp app = new DemoApp(server, pool("demo-app-http", 4), pool("demo-app-work", threads), instanceId);
        server.createContext("/", app::handle);
        server.setExecutor(app.executor);
        server.start();
        return app;
    }

    private static ExecutorService pool(String name, int threads) {
        return new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long requestCount() {
        return requests.get();
    }

    /** Requests being handled right now (health checks included). */
    public int inFlight() {
        return inFlight.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        inFlight.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        if (path.equals("/work") || path.equals("/sleep")) {
            try {
                workers.execute(() -> {
                    try {
                        serve(ex);
                    } catch (IOException e) {
                        // the client went away; nothing to answer
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.decrementAndGet();
                ex.close(); // stopping
            }
        } else {
            serve(ex);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
            try {
                route(ex);
            } catch (IllegalArgumentException e) {
                reply(ex, 400, e.getMessage() + "\n");
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        URI uri = ex.getRequestURI();
        Map<String, String> q = query(uri.getRawQuery());
        switch (uri.getPath()) {
            case "/" -> reply(ex, 200, "hello from " + instanceId + " (port " + port() + ")\n");
            case "/health" -> {
                if (healthy.get()) {
                    reply(ex, 200, "ok\n");
                } else {
                    reply(ex, 503, "unhealthy (made so by /fail-health)\n");
                }
            }
            case "/work" -> {
                long cpuMs = longParam(q, "cpuMs", 50);
                burnCpu(Duration.ofMillis(Math.min(cpuMs, 60_000)));
                reply(ex, 200, "worked " + cpuMs + " ms of CPU on " + instanceId + "\n");
            }
            case "/sleep" -> {
                long ms = Math.min(longParam(q, "ms", 100), 600_000);
                sleep(ms);
                reply(ex, 200, "slept " + ms + " ms on " + instanceId + "\n");
            }
            case "/fail-health" -> {
                healthy.set(false);
                reply(ex, 200, "health check of " + instanceId + " now fails\n");
            }
            case "/recover-health" -> {
                healthy.set(true);
                reply(ex, 200, "health check of " + instanceId + " passes again\n");
            }
            case "/crash" -> {
                reply(ex, 200, "crashing " + instanceId + "\n");
                ex.close();
                Runtime.getRuntime().halt(3);
            }
            default -> reply(ex, 404, "not found: " + uri.getPath() + "\n");
        }
    }

    private static void burnCpu(Duration cpu) {
        long end = THREADS.getCurrentThreadCpuTime() + cpu.toNanos();
        long x = 0;
        while (THREADS.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += i * 31L ^ (x >>> 3);
            }
        }
        if (x == 42) { // keeps the loop from being optimised away
            System.out.print("");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static long longParam(Map<String, String> q, String name, long dflt) {
        String v = q.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": \"" + v + "\" (expected: a whole number >= 0)");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    m.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return m;
    }

    /** Stops accepting and waits up to {@code drainSeconds} for requests in flight. */
    public void stop(int drainSeconds) {
        server.stop(drainSeconds);
        workers.shutdownNow();
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop(0);
    }
}
