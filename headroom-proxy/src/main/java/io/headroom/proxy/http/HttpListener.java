package io.headroom.proxy.http;

import io.headroom.proxy.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound HTTP listener: its server socket, its open client connections and its current
 * {@link RoutingSnapshot} (one volatile reference; a reload swaps it, connections stay open).
 *
 * <p>Client pipeline, in order: {@link ClientMeter} (ProcessedBytes, the client idle timeout and keepalive duration),
 * {@code StrictRequestDecoder} (RFC 9112 gate + Netty decoder), {@code ResponseEncoder},
 * {@code ClientHandler} (routing and forwarding). HTTPS listeners put {@code SniHandler} (which becomes the
 * {@code SslHandler}) and {@link AlpnHandler} after the meter; after the handshake ALPN's choice adds either
 * the HTTP/1.1 handlers above or HTTP/2's ({@link Http2Frontend}).
 */
public final class HttpListener {
    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    /** At most one WARN about refused client certificates this often; the others go to DEBUG and are counted. */
    static final long REFUSAL_WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Transport transport;
    private final UpstreamPool pool;
    private final long headerTimeoutNanos;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile RoutingSnapshot snapshot;
    /** HTTPS listeners: certificates and policy; swapped on reload like the snapshot. Null for HTTP. */
    private volatile ServerTls tls;
    private volatile boolean closing;
    private Channel server;
    /** Client certificates refused since the last WARN about them, and when that was ({@link System#nanoTime}). */
    private final AtomicLong refusedSinceWarn = new AtomicLong();
    private final AtomicLong lastRefusalWarn = new AtomicLong(System.nanoTime() - REFUSAL_WARN_EVERY_NANOS);

    private HttpListener(Transport transport, UpstreamPool pool, RoutingSnapshot snapshot, long headerTimeoutNanos) {
        this.transport = transport;
        this.pool = pool;
        this.snapshot = snapshot;
        this.headerTimeoutNanos = headerTimeoutNanos;
    }

    /**
     * Binds {@code address:port} and starts accepting.
     *
     * @param headerTimeout how long a request's line and headers may take from its first byte (ALB: 60 s) → 408
     * @throws IllegalStateException naming the address when the bind fails
     */
    public static HttpListener bind(Transport transport, UpstreamPool pool, String address, int port,
                                    RoutingSnapshot snapshot, Duration headerTimeout) {
        return bind(transport, pool, address, port, snapshot, headerTimeout, null);
    }

    /**
     * Binds an HTTPS listener ({@code tls} non-null) or an HTTP one.
     *
     * @param tls certificates, policy and ALPN of an HTTPS listener; null for HTTP
     * @throws IllegalStateException naming the address when the bind fails
     */
    public static HttpListener bind(Transport transport, UpstreamPool pool, String address, int port,
                                    RoutingSnapshot snapshot, Duration headerTimeout, ServerTls tls) {
        HttpListener l = new HttpListener(transport, pool, Objects.requireNonNull(snapshot, "snapshot"),
                headerTimeout.toNanos());
        l.tls = tls;
        l.server = transport.bind("listener", address, port, false, l::initClient);
        return l;
    }

    private void initClient(Channel ch) {
        RoutingSnapshot s = snapshot;
        if (closing) {
            s.lb.rejectedConnections.increment();
            ch.close();
            return;
        }
        s.lb.newConnectionCount.increment();
        s.lb.activeConnections.incrementAndGet();
        ch.closeFuture().addListener(f -> s.lb.activeConnections.decrementAndGet());
        clients.add(ch);
        ClientMeter meter = new ClientMeter(this, s.idleTimeoutNanos, s.clientKeepAliveNanos);
        ch.pipeline().addLast("meter", meter);
        ServerTls t = tls;
        if (t != null) {
            // HTTPS: the handshake first; then ALPN's choice adds the HTTP/1.1 handlers below or HTTP/2's.
            ch.pipeline().addLast("tls", t.newHandler(ch.alloc()));
            ch.pipeline().addLast("alpn", new AlpnHandler(this, pool, t.mutualAuthentication(), meter));
        } else {
            addHttp1(ch.pipeline(), null);
        }
    }

    /**
     * The HTTP/1.1 handlers: all of an HTTP connection's after the meter; after TLS on HTTPS.
     *
     * @param tlsHeaders the connection's TLS headers (client certificate, version and cipher), or null
     */
    void addHttp1(ChannelPipeline p, TlsHeaders tlsHeaders) {
        ResponseEncoder encoder = new ResponseEncoder();
        p.addLast("decoder", new StrictRequestDecoder(() -> snapshot.desyncMode, headerTimeoutNanos));
        p.addLast("encoder", encoder);
        p.addLast("handler", new ClientHandler(this, pool, encoder, tlsHeaders));
    }

    /** The snapshot requests start on. */
    public RoutingSnapshot snapshot() {
        return snapshot;
    }

    /** Publishes new certificates for an HTTPS listener; open connections keep theirs. */
    public void tls(ServerTls t) {
        tls = Objects.requireNonNull(t, "tls");
    }

    /** Publishes a new snapshot; requests in flight finish on the old one. */
    public void snapshot(RoutingSnapshot s) {
        snapshot = Objects.requireNonNull(s, "snapshot");
    }

    boolean closing() {
        return closing;
    }

    /**
     * A {@code verify} listener failed a handshake because of the client's certificate (counted already as
     * ClientTLSNegotiationErrorCount): says why at WARN, at most every {@link #REFUSAL_WARN_EVERY_NANOS}, with how
     * many more were refused since; at DEBUG otherwise.
     */
    void clientCertificateRefused(Object client, String reason) {
        refusedSinceWarn.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalWarn.get();
        if (now - last >= REFUSAL_WARN_EVERY_NANOS && lastRefusalWarn.compareAndSet(last, now)) {
            long n = refusedSinceWarn.getAndSet(0);
            log.warn("listener {}: refused the TLS handshake of {}: {}{}", localAddress(), client, reason,
                    n > 1 ? " (" + (n - 1) + " other client certificate(s) refused since the last warning)" : "");
        } else {
            log.debug("listener {}: refused the TLS handshake of {}: {}", localAddress(), client, reason);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Open client connections. */
    public int connections() {
        return clients.size();
    }

    /**
     * Stops accepting, closes idle client connections, lets in-flight exchanges finish (their responses say
     * {@code Connection: close}) and force-closes what is left after {@code drain}. The future completes when
     * every client connection is closed.
     */
    public CompletableFuture<Void> close(Duration drain) {
        closing = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        server.close().addListener(f -> {
            for (Channel ch : clients) {
                ch.eventLoop().execute(() -> {
                    ClientHandler h = ch.pipeline().get(ClientHandler.class);
                    if (h != null) {
                        h.drain();
                    } else {
                        ch.close();
                    }
                });
            }
            checkDrained(done, System.nanoTime() + drain.toNanos());
        });
        return done;
    }

    private void checkDrained(CompletableFuture<Void> done, long deadline) {
        if (clients.isEmpty()) {
            done.complete(null);
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            clients.close().addListener(f -> done.complete(null));
            return;
        }
        transport.group().next().schedule(() -> checkDrained(done, deadline), 20, TimeUnit.MILLISECONDS);
    }
}
