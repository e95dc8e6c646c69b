package io.headroom.proxy.tcp;

import io.headroom.core.target.TargetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP echo server on 127.0.0.1 for tests: one thread per connection; optionally greets each connection with
 * its name and a newline first (so a client knows which target it reached). At EOF from the client it sends
 * what is left and half-closes its side, like a well-behaved server.
 */
final class EchoBackend implements AutoCloseable {
    private volatile ServerSocket server;
    private final int port;
    private final String greeting;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();

    EchoBackend(String name) throws IOException {
        this(name, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** Serving on {@code server} (bound already), which it closes when closed. */
    EchoBackend(String name, ServerSocket server) {
        this.greeting = name;
        this.server = server;
        this.port = server.getLocalPort();
        accept(server);
    }

    private void accept(ServerSocket server) {
        start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    open.incrementAndGet();
                    start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "echo-backend-" + port);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            if (greeting != null) {
                out.write((greeting + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (SocketException e) {
            // closed or reset: the test decides whether that was expected
        } catch (IOException e) {
            // as above
        } finally {
            open.decrementAndGet();
        }
    }

    /**
     * Stops taking connections (its port refuses them, so TCP health checks fail) while the open ones go on.
     */
    void stopAccepting() throws IOException {
        server.close();
    }

    /** Takes connections on its port again (health checks pass again). */
    void resumeAccepting() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server = s;
        accept(s);
    }

    int port() {
        return port;
    }

    TargetAddress address() {
        return new TargetAddress("127.0.0.1", port());
    }

    /** Connections currently open at this backend. */
    int openConnections() {
        return open.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
