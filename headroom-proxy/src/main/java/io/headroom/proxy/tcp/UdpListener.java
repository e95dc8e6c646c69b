package io.headroom.proxy.tcp;

import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound UDP listener of a network load balancer: its datagram socket, its flow table and its current
 * {@link UdpRoute} (one volatile reference; a reload swaps it, flows keep their target).
 *
 * <pre>
 *  client ──datagram──▶ [listener socket] ──flow table: client address:port ──▶ UdpFlow ──▶ [upstream socket] ──▶ target
 *  client ◀──datagram── [listener socket] ◀──────────────── UdpFlow ◀──── [connected upstream socket] ◀── target
 *
 *  no flow for the sender   → a target by flow hash (healthy ones; fail-open), a new connected upstream socket
 *  flow table full          → the datagram is dropped, RejectedFlowCount_UDP
 *  no datagram either way for the idle timeout, or the target's deregistration delay ran out → the flow ends
 * </pre>
 *
 * <p>A flow is one client address and port to this listener (the 5-tuple of NLB). Its upstream socket is connected
 * to the target, so the kernel hands it only the target's replies, which go back to the client from the listener's
 * own socket (the address and port the client sent to). Datagrams are copied through whole and unparsed; the
 * flow table, every flow and every upstream socket live on the listener socket's event loop, so nothing is locked.
 * When a socket cannot take more (its write buffer is over the high water mark) datagrams are dropped, as a
 * congested network would, instead of being queued without bound.
 */
final class UdpListener {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    /** The largest UDP payload (IPv4: 65,535 - 8 byte UDP header - 20 byte IP header); nothing is truncated. */
    static final int MAX_DATAGRAM = 65_507;
    private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Transport transport;
    private final int maxFlows;
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
    private volatile UdpRoute route;
    private volatile int flowCount;
    private boolean closing;
    private long rejectedSinceLog;
    private long lastRejectLog;
    private Channel channel;
    private InetSocketAddress local;

    private UdpListener(Transport transport, UdpRoute route, int maxFlows) {
        this.transport = transport;
        this.route = route;
        this.maxFlows = maxFlows;
    }

    /**
     * Binds {@code address:port} and starts taking datagrams.
     *
     * @param maxFlows the flow table's size: datagrams that would start one more flow are dropped
     * @throws IllegalStateException naming the address when the bind fails
     */
    static UdpListener bind(Transport transport, String address, int port, UdpRoute route, int maxFlows) {
        UdpListener l = new UdpListener(transport, Objects.requireNonNull(route, "route"), maxFlows);
        ChannelFuture f = l.bootstrap(transport.group()).handler(l.new FromClients()).bind(address, port)
                .awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("listener UDP " + address + ":" + port + ": cannot bind: "
                    + f.cause().getMessage(), f.cause());
        }
        l.channel = f.channel();
        l.local = (InetSocketAddress) l.channel.localAddress();
        return l;
    }

    /** A datagram socket of this transport that reads whole datagrams. */
    Bootstrap bootstrap(EventLoopGroup group) {
        return new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }

    void route(UdpRoute r) {
        route = Objects.requireNonNull(r, "route");
    }

    InetSocketAddress localAddress() {
        return local;
    }

    /** Flows in the flow table. */
    int flows() {
        return flowCount;
    }

    /** A datagram from the listener's address to {@code client} (a target's reply); takes ownership of {@code payload}. */
    void reply(ByteBuf payload, InetSocketAddress client, NlbMetrics.Udp metrics) {
        if (!channel.isWritable()) {
            payload.release();
            return;
        }
        metrics.datagram(payload.readableBytes());
        channel.writeAndFlush(new DatagramPacket(payload, client), channel.voidPromise());
    }

    /** The flow ended (event loop): forget it. */
    void removed(UdpFlow flow) {
        if (flows.remove(flow.client(), flow)) {
            flowCount = flows.size();
        }
    }

    /** The flow of {@code client}, started now if it has none; null when the datagram must be dropped. */
    private UdpFlow flowOf(InetSocketAddress client) {
        UdpFlow f = flows.get(client);
        if (f != null || closing) {
            return f;
        }
        UdpRoute r = route;
        if (flows.size() >= maxFlows) {
            r.metrics().rejectedFlows.increment();
            logRejected(r);
            return null;
        }
        Target target = r.group().selectFlow(client, FlowHash.of(client, local, FlowHash.UDP));
        if (target == null) {
            log.debug("load balancer {}: no target registered in {}; dropping datagrams of {}", r.loadBalancer(),
                    r.group().name(), client);
            return null;
        }
        if (r.group().failOpen()) {
            r.unhealthyRouting().increment();
        }
        f = new UdpFlow(this, r, client, target);
        flows.put(client, f);
        flowCount = flows.size();
        f.start(channel.eventLoop());
        return f;
    }

    private void logRejected(UdpRoute r) {
        rejectedSinceLog++;
        long now = System.nanoTime();
        if (lastRejectLog == 0 || now - lastRejectLog >= REJECT_LOG_INTERVAL_NANOS) {
            log.warn("load balancer {}: UDP listener {} has {} flows (its maximum); {} new flow(s) dropped",
                    r.loadBalancer(), local, maxFlows, rejectedSinceLog);
            rejectedSinceLog = 0;
            lastRejectLog = now;
        }
    }

    /**
     * Stops taking datagrams and ends every flow at once: the listener's socket is the flows' way back to their
     * clients. The future completes when the socket is closed.
     */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            closing = true;
            new ArrayList<>(flows.values()).forEach(UdpFlow::close);
            channel.close().addListener(f -> done.complete(null));
        });
        return done;
    }

    /** The listener socket's handler: each datagram to its client's flow. */
    private final class FromClients extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket p)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            UdpFlow f = flowOf(p.sender());
            if (f == null) {
                p.release();
                return;
            }
            f.toTarget(p.content()); // the flow owns the payload now
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed send or receive of one datagram: the socket goes on.
            log.debug("load balancer {}: UDP listener {}: {}", route.loadBalancer(), local, cause.toString());
        }
    }
}
