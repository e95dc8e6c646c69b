package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of an upstream connection: passes everything to the client connection that currently owns it
 * ({@link #owner}), or, while the connection sits idle in the pool, closes it on unexpected data, on the pool's
 * idle timeout ({@link #pooled}), and forgets it when the target closes it. HTTP/2 streams' connections have their
 * own idle handling ({@link Http2Upstreams}).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter implements Runnable {
    final UpstreamPool pool;
    final TargetAddress address;
    /** The TLS context the connection was made with (an HTTPS target group); null for plain HTTP. */
    SslContext tls;
    /** Whether this is one HTTP/2 stream to an HTTP/2 target (used once, never pooled). */
    boolean h2;
    /** The client connection whose exchange uses this connection; null while pooled. Event loop only. */
    ClientHandler owner;
    private ChannelHandlerContext ctx;
    private long idleSince;
    private ScheduledFuture<?> idleTimer;

    UpstreamHandler(UpstreamPool pool, TargetAddress address) {
        this.pool = pool;
        this.address = address;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The connection went back to the pool: it is closed once it has been idle for the pool's idle timeout. The
     * timer is armed only when none is pending, so a busy connection costs no timer per request.
     */
    void pooled() {
        idleSince = ctx.executor().ticker().nanoTime();
        if (idleTimer == null && pool.idleNanos() > 0) {
            idleTimer = ctx.executor().schedule(this, pool.idleNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The idle timer: close when still pooled and idle long enough; re-armed by {@link #pooled} when in use. */
    @Override
    public void run() {
        idleTimer = null;
        if (owner != null || !ctx.channel().isOpen()) {
            return;
        }
        long idle = ctx.executor().ticker().nanoTime() - idleSince;
        if (idle >= pool.idleNanos()) {
            ctx.close();
        } else {
            idleTimer = ctx.executor().schedule(this, pool.idleNanos() - idle, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ClientHandler o = owner;
        if (o != null) {
            o.upstreamRead(this, msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ClientHandler o = owner;
        if (o != null) {
            o.upstreamReadComplete(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        ClientHandler o = owner;
        if (o != null) {
            o.upstreamClosed(this);
        } else {
            pool.remove(ctx.channel(), address);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && owner == null) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or similar: closing leads to channelInactive, where the owner decides (retry or 502).
        ctx.close();
    }
}
