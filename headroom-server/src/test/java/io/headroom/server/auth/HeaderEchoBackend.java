package io.headroom.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real backend on 127.0.0.1 that answers every request with the headers it got, as JSON (lower-case names). */
final class HeaderEchoBackend implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    /** The headers of each request but health checks, in order. */
    final ConcurrentLinkedQueue<Map<String, List<String>>> seen = new ConcurrentLinkedQueue<>();

    HeaderEchoBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            Map<String, List<String>> h = lowerCase(ex.getRequestHeaders());
            h.put(":path", List.of(ex.getRequestURI().toString()));
            if (!"ELB-HealthChecker/2.0".equals(ex.getRequestHeaders().getFirst("User-Agent"))) {
                seen.add(h); // the load balancer's health checks are not what the tests look at
            }
            byte[] body = JSON.writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    private static Map<String, List<String>> lowerCase(Headers headers) {
        Map<String, List<String>> out = new TreeMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        return out;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
