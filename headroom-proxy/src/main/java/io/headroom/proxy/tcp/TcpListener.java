package io.headroom.proxy.tcp;

import io.headroom.proxy.http.Transport;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One bound TCP listener of a network load balancer: its server socket, its open connections and its current
 * {@link TcpRoute} (one volatile reference; a reload swaps it, connections stay open on their target).
 *
 * <p>Client pipeline: TLS ({@code SniHandler} then {@code SslHandler}; TLS listeners only), the {@link Flow}'s relay
 * (which also keeps the idle timeout).
 */
final class TcpListener {
    private final Transport transport;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TcpRoute route;
    private volatile boolean closing;
    private Channel server;

    private TcpListener(Transport transport, TcpRoute route) {
        this.transport = transport;
        this.route = route;
    }

    /**
     * Binds {@code address:port} and starts accepting.
     *
     * @throws IllegalStateException naming the address when the bind fails
     */
    static TcpListener bind(Transport transport, String address, int port, TcpRoute route) {
        TcpListener l = new TcpListener(transport, Objects.requireNonNull(route, "route"));
        l.server = transport.bind("listener TCP", address, port, true, l::initClient);
        return l;
    }

    private void initClient(Channel ch) {
        TcpRoute r = route;
        if (closing) {
            ch.close();
            return;
        }
        r.metrics().newFlows.increment();
        r.metrics().activeFlows.incrementAndGet();
        ch.closeFuture().addListener(f -> r.metrics().activeFlows.decrementAndGet());
        clients.add(ch);
        Flow flow = new Flow(ch, r, transport);
        if (r.tls() != null) {
            ch.pipeline().addLast("tls", r.tls().newHandler(ch.alloc()));
        }
        ch.pipeline().addLast("relay", flow.clientHandler());
    }

    void route(TcpRoute r) {
        route = Objects.requireNonNull(r, "route");
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Open client connections. */
    int connections() {
        return clients.size();
    }

    /**
     * Stops accepting, lets open connections go on for up to {@code drain}, then closes what is left. The future
     * completes when every client connection is closed.
     */
    CompletableFuture<Void> close(Duration drain) {
        closing = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        server.close().addListener(f -> checkDrained(done, System.nanoTime() + drain.toNanos()));
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
