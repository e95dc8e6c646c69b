package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

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
    private LazyDeadline idle;

    UpstreamHandler(UpstreamPool pool, TargetAddress address) {
        this.pool = pool;
        this.address = address;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idle = new LazyDeadline(ctx.executor(), this);
    }

    /** The connection went back to the pool: it is closed once it has been idle for the pool's idle timeout. */
    void pooled() {
        if (pool.idleNanos() > 0) {
            idle.in(pool.idleNanos());
        }
    }

    /** The pool's idle timeout since the last {@link #pooled}: close, unless an exchange is using the connection. */
    @Override
    public void run() {
        if (owner == null) {
            ctx.close();
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
        idle.close();
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
