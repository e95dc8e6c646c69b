package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to targets, one pool per event loop, so a client's upstream connection always lives on
 * the client's own event loop and the pool needs no lock: every method is called on the event loop that owns the
 * channels it touches. Idle connections are kept most-recently-used first, have a read pending (so a target that
 * closes one is noticed at once) and are closed after {@code idleTimeout}.
 */
public final class UpstreamPool {
    static final String CODEC = "http";

    private final Bootstrap bootstrap;
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
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
    }

    /** An idle connection to {@code address} owned by the calling event loop, or null. */
    Channel poll(TargetAddress address) {
        HashMap<TargetAddress, ArrayDeque<Channel>> map = idle.get();
        ArrayDeque<Channel> q = map.get(address);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                break;
            }
        }
        if (q.isEmpty()) {
            map.remove(address); // targets come and go (auto scaling): keep no empty entries
        }
        return ch;
    }

    /** A new connection to {@code address} on {@code loop}; its last handler is an {@link UpstreamHandler}. */
    ChannelFuture connect(EventLoop loop, TargetAddress address) {
        UpstreamHandler handler = new UpstreamHandler(this, address);
        return bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(CODEC, new HttpClientCodec(
                        io.netty.handler.codec.http.HttpObjectDecoder.DEFAULT_MAX_INITIAL_LINE_LENGTH,
                        HeaderScanner.MAX_HEADER_SECTION, 16 * 1024));
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
                ch.pipeline().addLast("upstream", handler);
            }
        }).connect(address.host(), address.port());
    }

    /** Returns a connection whose exchange ended cleanly; must be called on its event loop. */
    void release(Channel ch, UpstreamHandler h) {
        h.owner = null;
        if (!ch.isActive()) {
            return;
        }
        idle.get().computeIfAbsent(h.address, a -> new ArrayDeque<>(4)).addFirst(ch);
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
