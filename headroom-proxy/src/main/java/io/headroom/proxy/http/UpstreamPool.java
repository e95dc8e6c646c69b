package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import javax.net.ssl.SSLException;

/**
 * Keep-alive connections to targets, one pool per event loop, so a client's upstream connection always lives on
 * the client's own event loop and the pool needs no lock: every method is called on the event loop that owns the
 * channels it touches. Idle connections are kept most-recently-used first, have a read pending (so a target that
 * closes one is noticed at once) and are closed after {@code idleTimeout}.
 */
public final class UpstreamPool {
    static final String CODEC = "http";
    /** How responses from targets are decoded: headers validated (they are forwarded), 64 KiB header section. */
    private static final HttpDecoderConfig RESPONSES = new HttpDecoderConfig()
            .setMaxHeaderSize(HeaderScanner.MAX_HEADER_SECTION)
            .setMaxChunkSize(64 * 1024);

    private final Bootstrap bootstrap;
    private final Http2Upstreams http2;
    private final long idleNanos;
    private final FastThreadLocal<HashMap<TargetAddress, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected HashMap<TargetAddress, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    /**
     * @param idleNanos how long an unused upstream connection stays open
     */
    public UpstreamPool(Transport transport, long idleNanos, int connectTimeoutMillis) {
        this.idleNanos = idleNanos;
        this.bootstrap = new Bootstrap()
                .group(transport.group())
                .channel(transport.socketChannel())
                .resolver(OffLoopResolver.INSTANCE) // a target named by a host name never blocks the loop
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        this.http2 = new Http2Upstreams(bootstrap, idleNanos);
    }

    /** How long an unused upstream connection stays open. */
    long idleNanos() {
        return idleNanos;
    }

    /** An idle plain HTTP connection to {@code address} owned by the calling event loop, or null. */
    Channel poll(TargetAddress address) {
        return poll(address, null);
    }

    /**
     * An idle connection to {@code address} owned by the calling event loop and made with {@code tls} (null: plain
     * HTTP), or null. Idle ones made otherwise (a reload changed the target group's protocol or trust) are closed.
     */
    Channel poll(TargetAddress address, SslContext tls) {
        HashMap<TargetAddress, ArrayDeque<Channel>> map = idle.get();
        ArrayDeque<Channel> q = map.get(address);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                if (((UpstreamHandler) ch.pipeline().get("upstream")).tls == tls) {
                    break;
                }
                ch.close();
            }
        }
        if (q.isEmpty()) {
            map.remove(address); // targets come and go (auto scaling): keep no empty entries
        }
        return ch;
    }

    /** A new plain HTTP connection to {@code address} on {@code loop}; its last handler is an {@link UpstreamHandler}. */
    ChannelFuture connect(EventLoop loop, TargetAddress address) {
        return connect(loop, address, null);
    }

    /**
     * A new connection to {@code address} on {@code loop}, over TLS when {@code tls} is non-null; the future
     * completes when the connection can carry a request (with TLS: after the handshake, whose failure fails it).
     */
    ChannelFuture connect(EventLoop loop, TargetAddress address, SslContext tls) {
        return connect(loop, address, tls, false);
    }

    /**
     * As {@link #connect(EventLoop, TargetAddress, SslContext)}; with {@code h2}, a new HTTP/2 stream to the target
     * instead (on this loop's connection to it, made when needed), whose pipeline turns HTTP/1.1 message objects
     * into frames and back, so the caller cannot tell the difference.
     */
    ChannelFuture connect(EventLoop loop, TargetAddress address, SslContext tls, boolean h2) {
        UpstreamHandler handler = new UpstreamHandler(this, address);
        if (h2) {
            handler.h2 = true;
            return http2.openStream(loop, address, tls, handler);
        }
        handler.tls = tls;
        ChannelFuture connected = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), address.host(), address.port()));
                }
                ch.pipeline().addLast(CODEC, new UpstreamCodec(RESPONSES));
                ch.pipeline().addLast("upstream", handler);
            }
        }).connect(address.host(), address.port());
        return tls == null ? connected : handshaken(connected, false);
    }

    /**
     * Completes when the connection being made by {@code connected} can carry requests: connected and, with TLS,
     * handshaken; with {@code h2}, also with {@code h2} agreed by ALPN. A failed handshake or another protocol fails
     * it and closes the channel.
     */
    static ChannelPromise handshaken(ChannelFuture connected, boolean h2) {
        Channel ch = connected.channel();
        ChannelPromise ready = ch.newPromise();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready.trySuccess();
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    ready.tryFailure(h.cause());
                } else if (h2 && !ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                    ready.tryFailure(new SSLException("the target did not agree to HTTP/2 (ALPN: "
                            + ssl.applicationProtocol() + ")"));
                } else {
                    ready.trySuccess();
                    return;
                }
                ch.close();
            });
            ch.read(); // with auto-read off, the handshake's records must be read
        });
        return ready;
    }

    /** Returns a connection whose exchange ended cleanly; must be called on its event loop. */
    void release(Channel ch, UpstreamHandler h) {
        h.owner = null;
        if (h.h2) {
            ch.close(); // an HTTP/2 stream carries one exchange; its connection stays
            return;
        }
        if (!ch.isActive()) {
            return;
        }
        idle.get().computeIfAbsent(h.address, a -> new ArrayDeque<>(4)).addFirst(ch);
        h.pooled();
        ch.read(); // notice a close by the target while idle
    }

    /** Forgets an idle connection that was closed. */
    void remove(Channel ch, TargetAddress address) {
        if (!ch.eventLoop().inEventLoop()) {
            return;
        }
        HashMap<TargetAddress, ArrayDeque<Channel>> map = idle.get();
        ArrayDeque<Channel> q = map.get(address);
        if (q != null && q.remove(ch) && q.isEmpty()) {
            map.remove(address);
        }
    }
}
