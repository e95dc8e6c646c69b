package io.headroom.proxy.tls;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP/1.1 (or HTTPS) backend on 127.0.0.1 (the JDK's HttpServer): answers every request with one line
 * naming what it saw: {@code name method path proto=X-Forwarded-Proto host=Host version=HTTP/1.1 te=... body=N};
 * {@code /bytes/N} answers N bytes of {@code i % 251}.
 */
final class EchoBackend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ConcurrentLinkedQueue<Headers> seen = new ConcurrentLinkedQueue<>();

    /** A plain HTTP backend. */
    EchoBackend(String name) throws IOException {
        this(name, null);
    }

    /** An HTTPS backend with this certificate when {@code tls} is non-null. */
    EchoBackend(String name, KeyMaterial tls) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(at, 64);
        } else {
            HttpsServer s = HttpsServer.create(at, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(sslContext(tls)));
            server = s;
        }
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestHeaders());
            answer(name, ex);
        });
        server.start();
    }

    private static void answer(String name, HttpExchange ex) throws IOException {
        if (ex.getRequestURI().getPath().startsWith("/bytes/")) {
            bytes(ex, Integer.parseInt(ex.getRequestURI().getPath().substring(7)));
            return;
        }
        long body = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                body += n;
            }
        }
        var h = ex.getRequestHeaders();
        String line = name + " " + ex.getRequestMethod() + " " + ex.getRequestURI() + " proto="
                + h.getFirst("X-Forwarded-Proto") + " host=" + h.getFirst("Host") + " version=" + ex.getProtocol()
                + " te=" + h.getFirst("Transfer-Encoding") + " body=" + body + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code /bytes/N}: N bytes of {@code i % 251}, with a Content-Length. */
    private static void bytes(HttpExchange ex, int n) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(200, n);
        try (OutputStream out = ex.getResponseBody()) {
            byte[] buf = new byte[8192];
            for (int i = 0; i < n; ) {
                int len = Math.min(buf.length, n - i);
                for (int j = 0; j < len; j++) {
                    buf[j] = (byte) ((i + j) % 251);
                }
                out.write(buf, 0, len);
                i += len;
            }
        }
    }

    private static SSLContext sslContext(KeyMaterial km) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", km.key(), new char[0], km.chain().toArray(java.security.cert.Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header fields of every request so far, in arrival order (names as the JDK's Headers normalize them). */
    List<Headers> requestHeaders() {
        return List.copyOf(seen);
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
