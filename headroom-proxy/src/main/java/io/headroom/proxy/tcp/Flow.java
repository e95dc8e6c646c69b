package io.headroom.proxy.tcp;

import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.http.LazyDeadline;
import io.headroom.proxy.http.OffLoopResolver;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection through a network load balancer: the client's channel, the upstream channel to the target
 * its flow hash chose (on the client's event loop, so the two never need a lock), and the bytes relayed
 * between them without parsing.
 *
 * <pre>
 *  client ──read──▶ [Relay client] ──write──▶ upstream     flushed once per read; next read while upstream is writable
 *  client ◀──write── [Relay upstream] ◀──read── [ppv2] upstream  the same the other way
 *
 *  FIN from one side         → its bytes flushed, then shutdownOutput towards the other side (half-close)
 *  FIN from both sides       → both channels closed
 *  one channel closed        → the other closes after its pending bytes are flushed
 *  RST / error on one side   → the other side is reset (SO_LINGER 0), both close
 *  idle timeout, or the target's deregistration delay ran out → both closed
 *  the target became unhealthy (unhealthy connection termination) → both reset, counted as TCP_ELB_Reset_Count
 * </pre>
 *
 * <p>Auto-read is off on both channels: each side reads one buffer, writes it to the other, flushes at the end of
 * the read and reads again at once while the other side's outbound buffer is under its high water mark; past it,
 * reading waits until that buffer drained below the low water mark (channelWritabilityChanged). So a slow reader
 * slows the writer down (backpressure both ways, at most one water mark queued per direction), and a fast one
 * costs no interest changes (no epoll_ctl) and no per-write promise: writes use the void promise, a failed write
 * reaches {@code exceptionCaught} of the channel written to. The idle timeout is a {@link LazyDeadline} on the
 * client's event loop, moved on by every read of either side.
 * The connection counts as one request in flight on its target from connect to close, so a draining target
 * keeps it until it ends or the deregistration delay is over ({@link Target#whenDeregistered}; with the group's
 * {@code deregistrationDelayConnectionTermination: false} it goes on after that), and an unhealthy target's is
 * reset when its group terminates unhealthy targets' connections.
 *
 * <p>Splice ({@code EpollSocketChannel.spliceTo}) is deliberately not used: it moves bytes inside the kernel,
 * past the pipeline, so ProcessedBytes and the idle timeout would not see them and a PROXY header could not be
 * ordered before them. On epoll every flow channel keeps its fd in epoll for its whole life
 * ({@link EpollInterest}, a workaround for a Netty bug that closed half-closed flows). All state is touched only on
 * the client's event loop.
 *
 * <p>On a TLS listener the flow starts when the client's handshake is done (a failed one is counted as
 * ClientTLSNegotiationErrorCount and never reaches a target); decrypted bytes that arrive before the target is
 * connected wait in a small queue. TLS cannot half-close towards the client: when the target ends its side, the
 * client connection is closed (close_notify) after the last bytes.
 */
final class Flow implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Flow.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Channel client;
    private final TcpRoute route;
    private final Transport transport;
    private Channel upstream;
    private Target target;
    private boolean connected;
    private boolean clientEof;
    private boolean upstreamEof;
    private int open;
    private boolean finished;
    /** The idle timeout, moved on by every read of either side. */
    private LazyDeadline idle;
    /** Client bytes decrypted before the target was connected (TLS listeners only); null when none. */
    private ArrayDeque<Object> pending;

    Flow(Channel client, TcpRoute route, Transport transport) {
        this.client = client;
        this.route = route;
        this.transport = transport;
    }

    /** The client side's handler; the last in the client's pipeline. */
    ChannelInboundHandlerAdapter clientHandler() {
        return new Relay(true);
    }

    /** The client connected: choose its target by flow hash and connect to it. */
    private void start() {
        InetSocketAddress src = (InetSocketAddress) client.remoteAddress();
        InetSocketAddress dst = (InetSocketAddress) client.localAddress();
        target = route.group().selectFlow(src, FlowHash.of(src, dst));
        if (target == null) {
            log.debug("load balancer {}: no target registered in {}; resetting {}", route.loadBalancer(),
                    route.group().name(), src);
            route.metrics().elbResets.increment();
            reset(client);
            return;
        }
        if (route.group().failOpen()) {
            route.unhealthyRouting().increment();
        }
        target.requestStarted();
        open = 1;
        client.closeFuture().addListener(f -> channelClosed(true));
        target.whenDeregistered(this);
        boolean proxyProtocol = route.group().config().proxyProtocolV2();
        Bootstrap b = new Bootstrap()
                .group(client.eventLoop())
                .channel(transport.socketChannel())
                .resolver(OffLoopResolver.INSTANCE)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (proxyProtocol) {
                            ch.pipeline().addLast("proxy-protocol", HAProxyMessageEncoder.INSTANCE);
                        }
                        ch.pipeline().addLast("relay", new Relay(false));
                    }
                });
        TargetAddress a = target.address();
        ChannelFuture connect = b.connect(a.host(), a.port());
        upstream = connect.channel();
        open++;
        upstream.closeFuture().addListener(f -> channelClosed(false));
        connect.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                if (!client.isActive()) {
                    return; // the client left while we connected: its close cancelled the connect
                }
                log.debug("load balancer {}: cannot connect to {}: {}", route.loadBalancer(), target, f.cause().toString());
                route.connectionErrors().increment();
                route.metrics().elbResets.increment();
                releasePending();
                reset(client);
                return;
            }
            connected = true;
            if (proxyProtocol) {
                // Flushed at once: with a server-speaks-first protocol no client bytes would flush it.
                upstream.writeAndFlush(proxyHeader(src, dst));
                upstream.pipeline().remove("proxy-protocol");
            }
            if (pending != null) {
                for (Object m = pending.poll(); m != null; m = pending.poll()) {
                    countBytes(m);
                    upstream.write(m);
                }
                pending = null;
                upstream.flush();
            }
            if (clientEof) {
                passEnd(upstream); // the client's FIN came while connecting
            } else {
                client.read();
            }
            upstream.read();
        });
    }

    /** A PROXY protocol v2 header carrying the client's address and port and the address it connected to. */
    static HAProxyMessage proxyHeader(InetSocketAddress src, InetSocketAddress dst) {
        InetAddress s = src.getAddress();
        InetAddress d = dst.getAddress();
        boolean v4 = s instanceof Inet4Address && d instanceof Inet4Address;
        return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                v4 ? s.getHostAddress() : v6(s), v4 ? d.getHostAddress() : v6(d), src.getPort(), dst.getPort());
    }

    private static String v6(InetAddress a) {
        return a instanceof Inet6Address ? a.getHostAddress() : "::ffff:" + a.getHostAddress();
    }

    /**
     * The load balancer ends this connection (any thread): the target's deregistration delay is over (closed), or
     * the target is unhealthy (reset, as NLB sends a TCP RST).
     */
    @Override
    public void run() {
        client.eventLoop().execute(() -> {
            if (finished) {
                return;
            }
            if (target.state().unhealthy()) {
                log.debug("load balancer {}: {} is unhealthy; resetting {}", route.loadBalancer(), target,
                        client.remoteAddress());
                route.metrics().elbResets.increment();
                reset(client);
                if (upstream != null) {
                    reset(upstream);
                }
                return;
            }
            log.debug("load balancer {}: deregistration delay of {} over; closing {}", route.loadBalancer(), target,
                    client.remoteAddress());
            closeNow();
        });
    }

    private void closeNow() {
        client.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /** One side sent FIN: pass it on once its bytes are out; close both when both sides are done. */
    private void inputShutdown(boolean fromClient) {
        if (fromClient ? clientEof : upstreamEof) {
            return; // TLS: close_notify and then FIN
        }
        if (fromClient) {
            clientEof = true;
        } else {
            upstreamEof = true;
        }
        Channel peer = fromClient ? upstream : client;
        if (peer == null) {
            closeNow();
            return;
        }
        log.debug("load balancer {}: the {} of {} ended its side{}", route.loadBalancer(),
                fromClient ? "client" : "target", client.remoteAddress(),
                clientEof && upstreamEof ? "; both sides done" : "");
        if (fromClient && !connected) {
            // The FIN came before the target answered the connect (io_uring reports it without a read; a TLS
            // client is read during the handshake): passed on after the bytes that came before it, once connected.
            return;
        }
        passEnd(peer);
    }

    /** Sends {@code peer} the FIN that the other side sent, after the bytes written before it (or closes both). */
    private void passEnd(Channel peer) {
        boolean both = clientEof && upstreamEof;
        boolean tlsClient = peer == client && route.tls() != null;
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (both || tlsClient) {
                closeNow();
            } else if (f.isSuccess() && peer.isActive()) {
                ((DuplexChannel) peer).shutdownOutput();
            }
        });
    }

    private void countBytes(Object msg) {
        if (msg instanceof ByteBuf b) {
            route.metrics().processedBytes.add(b.readableBytes());
        }
    }

    private void releasePending() {
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending = null;
        }
    }

    /** An error on one side: a reset is passed on as a reset; anything else closes both. */
    private void error(boolean fromClient, Throwable cause) {
        if (cause instanceof ClosedChannelException) {
            // A write to a side that was closing already (void promise): nothing to pass on.
            log.debug("load balancer {}: write to a closed {} of {}", route.loadBalancer(),
                    fromClient ? "client" : "target", client.remoteAddress());
        } else if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            // A TLS client that failed its handshake or sent a bad record; counted by the handshake event.
            log.debug("load balancer {}: TLS error with {}: {}", route.loadBalancer(), client.remoteAddress(),
                    cause.toString());
        } else if (cause instanceof IOException) {
            log.debug("load balancer {}: {} of {} failed: {}", route.loadBalancer(), fromClient ? "client" : "target",
                    client.remoteAddress(), cause.toString());
            (fromClient ? route.metrics().clientResets : route.metrics().targetResets).increment();
            Channel peer = fromClient ? upstream : client;
            if (peer != null) {
                reset(peer);
            }
        } else {
            log.warn("load balancer {}: connection {} to {} failed", route.loadBalancer(), client.remoteAddress(),
                    target, cause);
        }
        closeNow();
    }

    private void channelClosed(boolean clientSide) {
        if (clientSide) {
            releasePending();
            if (idle != null) {
                idle.close();
            }
        }
        Channel other = clientSide ? upstream : client;
        // A failed connect is answered with a reset by the connect listener, not with a FIN here.
        if (other != null && (clientSide || connected)) {
            closeAfterFlush(other);
        }
        if (--open == 0 && !finished) {
            finished = true;
            target.removeWhenDeregistered(this);
            target.requestFinished();
        }
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    private static void reset(Channel ch) {
        if (ch.isOpen()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException ignored) {
                // no linger option on this transport: a plain close
            }
            ch.close();
        }
    }

    /** Reads {@code ch} again unless its input has ended (epoll no longer watches it and a read would fail). */
    private void readAgain(Channel ch, boolean clientSide) {
        if (!(clientSide ? clientEof : upstreamEof) && ch.isActive()) {
            ch.read();
        }
    }

    /** Starts the idle timer (client's event loop). */
    private void startIdleTimer() {
        idle = new LazyDeadline(client.eventLoop(), this::idleTimedOut);
        idle.in(route.idleTimeoutNanos());
    }

    private void idleTimedOut() {
        if (client.isOpen()) {
            log.debug("load balancer {}: {} idle; closing", route.loadBalancer(), client.remoteAddress());
            closeNow();
        }
    }

    /** Relays one direction: reads from its channel, writes to the peer, flushes and reads on while it can. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final boolean clientSide;

        Relay(boolean clientSide) {
            this.clientSide = clientSide;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            try {
                EpollInterest.keepRegistered(ctx.channel());
            } catch (IllegalStateException e) {
                log.debug("load balancer {}: {}", route.loadBalancer(), e.getMessage());
                ctx.close();
                return;
            }
            if (clientSide) {
                startIdleTimer();
                if (route.tls() == null) {
                    start();
                } else {
                    ctx.read(); // the handshake first; the flow starts when it is done
                }
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (idle != null) {
                idle.in(route.idleTimeoutNanos());
            }
            if (clientSide && !connected && target != null && client.isActive()) {
                // TLS: bytes that came with the end of the handshake, before the target answered the connect
                if (pending == null) {
                    pending = new ArrayDeque<>(2);
                }
                pending.add(msg);
                return;
            }
            Channel peer = clientSide ? upstream : client;
            if (peer == null || !peer.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            countBytes(msg);
            peer.write(msg, peer.voidPromise());
        }

        /** The end of one read: flush what it wrote to the peer, and read on while the peer takes more. */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!connected) {
                return; // TLS handshake (SslHandler reads as it needs) or bytes waiting for the connect
            }
            Channel peer = clientSide ? upstream : client;
            if (!peer.isActive()) {
                return;
            }
            peer.flush();
            if (peer.isWritable()) {
                readAgain(ctx.channel(), clientSide);
            } // else: channelWritabilityChanged of the peer reads this side again
        }

        /** This side's outbound buffer drained below the low water mark: the other side may read again. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (connected && ctx.channel().isWritable()) {
                readAgain(clientSide ? upstream : client, !clientSide);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
                inputShutdown(clientSide);
            } else if (evt instanceof SslHandshakeCompletionEvent hs) {
                if (hs.isSuccess()) {
                    start();
                } else {
                    log.debug("load balancer {}: TLS handshake with {} failed: {}", route.loadBalancer(),
                            client.remoteAddress(), hs.cause().toString());
                    route.metrics().clientTlsErrors.increment();
                    client.close();
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error(clientSide, cause);
        }
    }
}
