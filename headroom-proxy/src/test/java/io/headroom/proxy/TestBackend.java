package io.headroom.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A small HTTP/1.1 server on raw sockets, for tests: full control over what goes on the wire. What it does with a
 * request is chosen by the path:
 * <ul>
 *   <li>{@code /echo}: 200 with the request body; header {@code X-Seen-Headers} lists the request headers;</li>
 *   <li>{@code /stream?n=N[&chunked]}: N pattern bytes ({@link #patternByte});</li>
 *   <li>{@code /upload}: reads the body streaming, answers "count crc32";</li>
 *   <li>{@code /delay?ms=M}: answers after M ms (stops early when the backend closes);</li>
 *   <li>{@code /close}: closes without answering; {@code /reset}: resets (RST); {@code /garbage}: answers garbage;</li>
 *   <li>{@code /continue}: answers 100 Continue before reading the body, then echoes it;</li>
 *   <li>{@code /early}: 413 at once, without reading the request body;</li>
 *   <li>{@code /ws}: 101 Switching Protocols, then echoes raw bytes;</li>
 *   <li>anything else: 200 "ok &lt;name&gt;".</li>
 * </ul>
 * Every request is recorded ({@link #requests()}) once its header section was read.
 */
final class TestBackend implements AutoCloseable {
    record Request(String method, String target, Map<String, String> headers, int connection) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Connections that ended (either side closed). */
    final AtomicInteger closedConnections = new AtomicInteger();
    /** Counts requests whose handling started (for tests that wait until a request reached the backend). */
    final AtomicInteger started = new AtomicInteger();

    TestBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    static byte patternByte(long i) {
        return (byte) ((i * 31 + (i >>> 8)) & 0xff);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                sockets.add(s);
                threads.execute(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        int onThisConnection = 0;
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                StringBuilder seen = new StringBuilder();
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                    int c = l.indexOf(':');
                    String k = l.substring(0, c).strip().toLowerCase(Locale.ROOT);
                    String v = l.substring(c + 1).strip();
                    headers.merge(k, v, (a, b) -> a + ", " + b);
                    seen.append(seen.length() == 0 ? "" : ",").append(k);
                }
                String[] parts = requestLine.split(" ");
                Request req = new Request(parts[0], parts[1], headers, id);
                requests.add(req);
                started.incrementAndGet();
                String path = parts[1];
                String query = "";
                int q = path.indexOf('?');
                if (q >= 0) {
                    query = path.substring(q + 1);
                    path = path.substring(0, q);
                }
                boolean head = parts[0].equals("HEAD");
                onThisConnection++;
                switch (path) {
                    case "/unframed" -> {
                        readBody(in, headers, null);
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    case "/second-closes" -> {
                        // a keep-alive connection that the server drops just as it is reused
                        if (onThisConnection > 1) {
                            return;
                        }
                        readBody(in, headers, null);
                        respond(out, 200, "text/plain", ("ok " + name).getBytes(), head, "");
                    }
                    case "/close" -> {
                        return;
                    }
                    case "/reset" -> {
                        s.setSoLinger(true, 0);
                        return;
                    }
                    case "/garbage" -> {
                        out.write("HELLO THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    case "/wsecho" -> {
                        webSocketEcho(in, out, headers.get("sec-websocket-key"));
                        return;
                    }
                    case "/ws" -> {
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        byte[] buf = new byte[8192];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                        return;
                    }
                    case "/upload" -> {
                        CRC32 crc = new CRC32();
                        long count = readBody(in, headers, (b, off, len) -> crc.update(b, off, len));
                        respond(out, 200, "text/plain", (count + " " + crc.getValue()).getBytes(), head, "");
                    }
                    case "/stream" -> {
                        readBody(in, headers, null);
                        long n = Long.parseLong(param(query, "n", "0"));
                        boolean chunked = query.contains("chunked");
                        streamOut(out, n, chunked);
                    }
                    case "/delay" -> {
                        readBody(in, headers, null);
                        long ms = Long.parseLong(param(query, "ms", "0"));
                        if (closed.await(ms, TimeUnit.MILLISECONDS)) {
                            return;
                        }
                        respond(out, 200, "text/plain", ("delayed " + name).getBytes(), head, "");
                    }
                    case "/continue" -> {
                        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
                            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                        ByteArrayOutputStream body = new ByteArrayOutputStream();
                        readBody(in, headers, body::write);
                        respond(out, 200, "text/plain", body.toByteArray(), head, "");
                    }
                    case "/echo" -> {
                        ByteArrayOutputStream body = new ByteArrayOutputStream();
                        readBody(in, headers, body::write);
                        respond(out, 200, "application/octet-stream", body.toByteArray(), head,
                                "X-Seen-Headers: " + seen + "\r\n");
                    }
                    case "/early" -> {
                        // Refuses the body without reading it (as a server with a body size limit does).
                        respond(out, 413, "text/plain", "too large".getBytes(), head, "");
                    }
                    case "/spelled" -> {
                        // Header names in unusual case, a status code and reason phrase of its own, a body that a
                        // HEAD response announces but does not carry.
                        readBody(in, headers, null);
                        out.write(("HTTP/1.1 299 Fine By Me\r\ncontent-type: text/plain\r\nSERVER: odd/1\r\n"
                                + "Content-Length: 7\r\nConnection: Keep-Alive, X-Hop\r\nX-Hop: 1\r\n\r\n"
                                + (head ? "" : "spelled")).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    case "/framed" -> {
                        // Security headers of its own, for a listener's response headers to replace.
                        readBody(in, headers, null);
                        respond(out, 200, "text/html", "<p>framed</p>".getBytes(StandardCharsets.US_ASCII), head,
                                "X-Frame-Options: ALLOWALL\r\nStrict-Transport-Security: max-age=1\r\n");
                    }
                    case "/chunked" -> {
                        readBody(in, headers, null);
                        out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    default -> {
                        readBody(in, headers, null);
                        respond(out, 200, "text/plain", ("ok " + name).getBytes(), head, "");
                    }
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // connection ends
        } finally {
            closedConnections.incrementAndGet();
        }
    }

    /** RFC 6455 server: handshake, then echo every data frame unmasked, answer a close with a close. */
    private static void webSocketEcho(InputStream in, OutputStream out, String key) throws IOException {
        String accept;
        try {
            accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        java.io.DataInputStream din = new java.io.DataInputStream(in);
        while (true) {
            int b0 = din.read();
            if (b0 < 0) {
                return;
            }
            int b1 = din.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = din.readUnsignedShort();
            } else if (len == 127) {
                len = din.readLong();
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                din.readFully(mask);
            }
            byte[] payload = new byte[(int) len];
            din.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            out.write(b0);
            if (len < 126) {
                out.write((int) len);
            } else {
                out.write(126);
                out.write((int) (len >> 8));
                out.write((int) len & 0xff);
            }
            out.write(payload);
            out.flush();
            if ((b0 & 0x0f) == 8) {
                return;
            }
        }
    }

    private static String param(String query, String key, String dflt) {
        for (String kv : query.split("&")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        return dflt;
    }

    private static void streamOut(OutputStream out, long n, boolean chunked) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n");
        h.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + n + "\r\n").append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[64 * 1024];
        long i = 0;
        while (i < n) {
            int len = (int) Math.min(buf.length, n - i);
            for (int k = 0; k < len; k++) {
                buf[k] = patternByte(i + k);
            }
            if (chunked) {
                out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(buf, 0, len);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            i += len;
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static void respond(OutputStream out, int status, String type, byte[] body, boolean head, String extra)
            throws IOException {
        out.write(("HTTP/1.1 " + status + " OK\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** Reads a Content-Length or chunked body; returns its length. */
    private static long readBody(InputStream in, Map<String, String> headers, Sink sink) throws IOException {
        byte[] buf = new byte[64 * 1024];
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            long total = 0;
            while (true) {
                String sizeLine = line(in);
                if (sizeLine == null) {
                    throw new IOException("eof in chunked body");
                }
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
                if (size == 0) {
                    for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                        // Trailer fields, recorded as "trailer:<name>" among the request's headers.
                        int c = l.indexOf(':');
                        if (c > 0) {
                            headers.put("trailer:" + l.substring(0, c).strip().toLowerCase(Locale.ROOT),
                                    l.substring(c + 1).strip());
                        }
                    }
                    return total;
                }
                copy(in, size, buf, sink);
                total += size;
                line(in);
            }
        }
        String cl = headers.get("content-length");
        long n = cl == null ? 0 : Long.parseLong(cl);
        copy(in, n, buf, sink);
        return n;
    }

    private static void copy(InputStream in, long n, byte[] buf, Sink sink) throws IOException {
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("eof in body");
            }
            if (sink != null) {
                sink.write(buf, 0, r);
            }
            n -= r;
        }
    }

    /** One CRLF-terminated line (ISO-8859-1), null at EOF. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }
}
