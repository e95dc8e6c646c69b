package io.headroom.proxy.tcp;

import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound UDP listener of a network load balancer: one datagram socket per event loop on the listener's address
 * and port, each with the flow table of its loop, and the listener's current {@link UdpRoute} (one volatile
 * reference; a reload swaps it, flows keep their target).
 *
 * <pre>
 *                      ┌─ [socket, loop 1] ── flow table 1 ──▶ UdpFlow ──▶ [upstream socket, loop 1] ──▶ target
 *  client ──datagram──▶┤   (SO_REUSEPORT: the kernel picks the socket by a hash of both ends' addresses and ports)
 *                      └─ [socket, loop N] ── flow table N ──▶ UdpFlow ──▶ [upstream socket, loop N] ──▶ target
 *  client ◀──datagram── the socket that took the flow's datagrams ◀── UdpFlow ◀── [connected upstream socket] ◀── target
 *
 *  no flow for the sender   → a target by flow hash (healthy ones; fail-open), a new connected upstream socket
 *  no target to route to    → the datagram is dropped, UnroutableFlowCount_UDP
 *  flow table full          → the datagram is dropped, RejectedFlowCount_UDP
 *  no datagram either way for the idle timeout, or the target's deregistration delay ran out → the flow ends
 * </pre>
 *
 * <p>A flow is one client address and port to this listener (the 5-tuple of NLB). Its upstream socket is connected
 * to the target, so the kernel hands it only the target's replies, which go back to the client from the listener's
 * socket that took the flow (same address and port as the others: the one the client sent to). The kernel sends all
 * datagrams of one client address and port to the same socket, so each flow, its upstream socket and the flow table
 * it is in live on one event loop and nothing on the datagram path is locked; only the listener's flow count (its
 * cap) is shared, and it changes once per flow. NIO cannot share a port: there the listener has one socket on one
 * loop. Datagrams are copied through whole and unparsed. When a socket cannot take more (its write buffer is over
 * the high water mark) datagrams are dropped, as a congested network would, instead of being queued without bound.
 */
final class UdpListener {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    /** The largest UDP payload (IPv4: 65,535 - 8 byte UDP header - 20 byte IP header); nothing is truncated. */
    static final int MAX_DATAGRAM = 65_507;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Transport transport;
    private final int maxFlows;
    /** Flows over all sockets: the flow table's size limit is the listener's, not each socket's. */
    private final AtomicInteger flowCount = new AtomicInteger();
    private final List<LoopSocket> sockets = new ArrayList<>();
    private volatile UdpRoute route;
    private InetSocketAddress local;

    private UdpListener(Transport transport, UdpRoute route, int maxFlows) {
        this.transport = transport;
        this.route = route;
        this.maxFlows = maxFlows;
    }

    /**
     * Binds {@code address:port}, one socket per event loop of {@code transport} (one when it is NIO), and starts
     * taking datagrams once all are bound. (A datagram that arrives between two binds waits in a socket bound before:
     * if its client's later ones hash to another socket, that client has a second flow, and the first one idles out.
     * A new listener has no clients yet, so this is rare.)
     *
     * @param maxFlows the flow table's size: datagrams that would start one more flow are dropped
     * @throws IllegalStateException naming the address when a bind fails (also when another socket holds the port,
     *                               even one that would share it)
     */
    static UdpListener bind(Transport transport, String address, int port, UdpRoute route, int maxFlows) {
        UdpListener l = new UdpListener(transport, Objects.requireNonNull(route, "route"), maxFlows);
        List<EventLoop> loops = new ArrayList<>();
        if (transport.datagramReusePort()) {
            for (EventExecutor e : transport.group()) {
                loops.add((EventLoop) e);
            }
        } else {
            loops.add(transport.group().next());
        }
        boolean share = loops.size() > 1;
        if (share && port != 0) {
            requireFree(address, port);
        }
        try {
            for (EventLoop loop : loops) {
                LoopSocket s = l.new LoopSocket();
                int p = l.local == null ? port : l.local.getPort(); // port 0: the others join the first's port
                Bootstrap b = l.bootstrap(loop).option(ChannelOption.AUTO_READ, false).handler(s);
                if (share) {
                    b.option(UnixChannelOption.SO_REUSEPORT, true);
                }
                ChannelFuture f = b.bind(address, p).awaitUninterruptibly();
                if (!f.isSuccess()) {
                    throw cannotBind(address, p, f.cause());
                }
                s.channel = f.channel();
                l.sockets.add(s);
                if (l.local == null) {
                    l.local = (InetSocketAddress) s.channel.localAddress();
                }
            }
        } catch (RuntimeException e) {
            l.sockets.forEach(s -> s.channel.close());
            throw e;
        }
        l.sockets.forEach(s -> s.channel.config().setAutoRead(true));
        return l;
    }

    /**
     * Fails when a socket holds {@code address:port}. A socket bound with SO_REUSEPORT by the same user (another
     * Headroom, say) would otherwise let this listener join it and split the datagrams between the two processes.
     */
    private static void requireFree(String address, int port) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw cannotBind(address, port, e);
        }
    }

    private static IllegalStateException cannotBind(String address, int port, Throwable cause) {
        return new IllegalStateException("listener UDP " + address + ":" + port + ": cannot bind: "
                + cause.getMessage(), cause);
    }

    /** A datagram socket of this transport on {@code group} that reads whole datagrams. */
    Bootstrap bootstrap(EventLoopGroup group) {
        return new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }

    /**
     * {@code payload} in a buffer of its own size when it fills less than half of the buffer it was read into, else
     * {@code payload} itself; takes ownership of {@code payload}. Every read takes a {@value #MAX_DATAGRAM}-byte
     * buffer so that no datagram is cut short; a small datagram would hold all of it while it waits in a write queue
     * (or for its flow's upstream socket), and the copy gives the big buffer back to the pool at once.
     */
    static ByteBuf compact(ByteBuf payload, ByteBufAllocator alloc) {
        int n = payload.readableBytes();
        if (n > payload.capacity() / 2) {
            return payload;
        }
        try {
            ByteBuf copy = alloc.ioBuffer(n);
            copy.writeBytes(payload, payload.readerIndex(), n);
            return copy;
        } finally {
            payload.release();
        }
    }

    void route(UdpRoute r) {
        route = Objects.requireNonNull(r, "route");
    }

    InetSocketAddress localAddress() {
        return local;
    }

    /** Flows in the flow table (over all sockets). */
    int flows() {
        return flowCount.get();
    }

    /** For tests: the flows of each socket (one per event loop), in the order of the loops. */
    List<Integer> flowsPerSocket() {
        return sockets.stream().map(s -> s.size).toList();
    }

    /**
     * Stops taking datagrams and ends every flow at once: the listener's sockets are the flows' way back to their
     * clients. The future completes when every socket is closed.
     */
    CompletableFuture<Void> close() {
        return CompletableFuture.allOf(sockets.stream().map(LoopSocket::close).toArray(CompletableFuture[]::new));
    }

    /**
     * The listener's socket on one event loop, its handler and the flow table of that loop: every method runs on the
     * socket's event loop unless it says otherwise.
     */
    final class LoopSocket extends ChannelInboundHandlerAdapter {
        private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
        private final DropLog rejected = new DropLog();
        private final DropLog unroutable = new DropLog();
        /** Flows in this socket's table (any thread). */
        private volatile int size;
        private boolean closing;
        private Channel channel;

        EventLoop loop() {
            return channel.eventLoop();
        }

        /** A datagram socket for a flow's upstream, on this socket's event loop. */
        Bootstrap upstream() {
            return bootstrap(channel.eventLoop());
        }

        /** A datagram from the listener's address to {@code client} (a target's reply); takes ownership of {@code payload}. */
        void reply(ByteBuf payload, InetSocketAddress client, NlbMetrics.Udp metrics) {
            if (!channel.isWritable()) {
                payload.release();
                return;
            }
            metrics.datagram(payload.readableBytes());
            channel.writeAndFlush(new DatagramPacket(compact(payload, channel.alloc()), client), channel.voidPromise());
        }

        /** The flow ended: forget it. */
        void removed(UdpFlow flow) {
            if (flows.remove(flow.client(), flow)) {
                size = flows.size();
                flowCount.decrementAndGet();
            }
        }

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
            f.toTarget(compact(p.content(), ctx.alloc())); // the flow owns the payload now
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed send or receive of one datagram: the socket goes on.
            log.debug("load balancer {}: UDP listener {}: {}", route.loadBalancer(), local, cause.toString());
        }

        /** The flow of {@code client}, started now if it has none; null when the datagram must be dropped. */
        private UdpFlow flowOf(InetSocketAddress client) {
            UdpFlow f = flows.get(client);
            if (f != null || closing) {
                return f;
            }
            UdpRoute r = route;
            if (flowCount.incrementAndGet() > maxFlows) {
                flowCount.decrementAndGet();
                r.metrics().rejectedFlows.increment();
                long n = rejected.dropped();
                if (n > 0) {
                    log.warn("load balancer {}: UDP listener {} has {} flows (its maximum); {} new flow(s) dropped",
                            r.loadBalancer(), local, maxFlows, n);
                }
                return null;
            }
            Target target = r.group().selectFlow(client, FlowHash.of(client, local, FlowHash.UDP));
            if (target == null) {
                flowCount.decrementAndGet();
                r.metrics().unroutableFlows.increment();
                long n = unroutable.dropped();
                if (n > 0) {
                    log.warn("load balancer {}: target group {} has no target to route to; {} datagram(s) of new "
                            + "UDP flows to {} dropped", r.loadBalancer(), r.group().name(), n, local);
                }
                return null;
            }
            if (r.group().failOpen()) {
                r.unhealthyRouting().increment();
            }
            f = new UdpFlow(this, r, client, target);
            flows.put(client, f);
            size = flows.size();
            f.start();
            return f;
        }

        /** Closes the socket and ends its flows (any thread); completes when the socket is closed. */
        CompletableFuture<Void> close() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            channel.eventLoop().execute(() -> {
                closing = true;
                new ArrayList<>(flows.values()).forEach(UdpFlow::close);
                channel.close().addListener(f -> done.complete(null));
            });
            return done;
        }
    }

    /** Drops of one kind on one socket, and when to say so: at the first, then at most every 10 s. */
    private static final class DropLog {
        private long dropped;
        private long lastLog;
        private boolean logged;

        /** Counts one drop; returns the drops to report in a WARN now (this one included), or 0 when none is due. */
        long dropped() {
            dropped++;
            long now = System.nanoTime();
            if (logged && now - lastLog < DROP_LOG_INTERVAL_NANOS) {
                return 0;
            }
            logged = true;
            lastLog = now;
            long n = dropped;
            dropped = 0;
            return n;
        }
    }
}
