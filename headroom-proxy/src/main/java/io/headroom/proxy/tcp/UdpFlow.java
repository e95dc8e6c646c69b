package io.headroom.proxy.tcp;

import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.http.LazyDeadline;
import io.headroom.proxy.http.OffLoopResolver;
import io.headroom.proxy.target.Target;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP flow through a network load balancer: the datagrams of one client address and port to one listener, sent
 * to the target its flow hash chose through an upstream socket connected to that target (so the target's replies,
 * and only those, come back on it). Lives on the event loop of the listener's socket that took its first datagram
 * (the kernel sends it all of the client's); see {@link UdpListener}.
 *
 * <p>The flow counts as one request in flight on its target from start to end, so a draining target keeps it
 * until it goes idle or the deregistration delay is over ({@link Target#whenDeregistered}, then {@link #run}).
 */
final class UdpFlow implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(UdpFlow.class);
    /** Datagrams kept while the upstream socket connects (it takes one event loop turn); more are dropped. */
    private static final int MAX_PENDING = 64;

    private final UdpListener.LoopSocket socket;
    private final UdpRoute route;
    private final InetSocketAddress client;
    private final Target target;
    private EventLoop loop;
    private Channel upstream;
    private boolean connected;
    private boolean closed;
    private LazyDeadline idle;
    /** Client datagrams that came before the upstream socket was connected; null when none. */
    private ArrayDeque<ByteBuf> pending;

    UdpFlow(UdpListener.LoopSocket socket, UdpRoute route, InetSocketAddress client, Target target) {
        this.socket = socket;
        this.route = route;
        this.client = client;
        this.target = target;
    }

    InetSocketAddress client() {
        return client;
    }

    /** Opens the upstream socket to the target, on the event loop of the listener's socket. */
    void start() {
        loop = socket.loop();
        route.metrics().flowStarted();
        target.requestStarted();
        target.whenDeregistered(this);
        idle = new LazyDeadline(loop, this::idleTimedOut);
        idle.in(route.idleTimeoutNanos());
        TargetAddress a = target.address();
        ChannelFuture connect = socket.upstream()
                .resolver(OffLoopResolver.INSTANCE)
                .handler(new FromTarget())
                .connect(a.host(), a.port());
        upstream = connect.channel();
        upstream.closeFuture().addListener(f -> close());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("load balancer {}: cannot open a UDP socket to {}: {}", route.loadBalancer(), target,
                        f.cause().toString());
                close();
                return;
            }
            connected = true;
            if (pending != null) {
                for (ByteBuf b = pending.poll(); b != null; b = pending.poll()) {
                    send(b);
                }
                pending = null;
            }
        });
        log.debug("load balancer {}: UDP flow {} to {}", route.loadBalancer(), client, target);
    }

    /** A client datagram (event loop): to the target; takes ownership of {@code payload}. */
    void toTarget(ByteBuf payload) {
        if (closed) {
            payload.release();
            return;
        }
        idle.in(route.idleTimeoutNanos());
        if (connected) {
            send(payload);
        } else if (pending == null || pending.size() < MAX_PENDING) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(payload);
        } else {
            payload.release();
        }
    }

    private void send(ByteBuf payload) {
        if (!upstream.isWritable()) {
            payload.release();
            return;
        }
        route.metrics().datagram(payload.readableBytes());
        upstream.writeAndFlush(payload, upstream.voidPromise());
    }

    /** The target's deregistration delay is over (any thread): end the flow. */
    @Override
    public void run() {
        loop.execute(() -> {
            if (!closed) {
                log.debug("load balancer {}: deregistration delay of {} over; ending UDP flow {}", route.loadBalancer(),
                        target, client);
                close();
            }
        });
    }

    private void idleTimedOut() {
        log.debug("load balancer {}: UDP flow {} idle; ended", route.loadBalancer(), client);
        close();
    }

    /** Ends the flow (event loop): out of the flow table, its socket closed, its target told. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.removed(this);
        idle.close();
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending = null;
        }
        upstream.close();
        route.metrics().flowEnded();
        target.removeWhenDeregistered(this);
        target.requestFinished();
    }

    /** The upstream socket's handler: the target's replies go back to the client. */
    private final class FromTarget extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf payload = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
            if (payload == null || closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            idle.in(route.idleTimeoutNanos());
            socket.reply(payload, client, route.metrics());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // E.g. PortUnreachableException: an ICMP error for an earlier datagram (nothing listens on the target's
            // port, yet). UDP has no connection to fail: the flow goes on, as NLB's does.
            log.debug("load balancer {}: UDP flow {} to {}: {}", route.loadBalancer(), client, target, cause.toString());
        }
    }
}
