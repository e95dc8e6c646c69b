package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * First handler of a client connection: counts the bytes read and written (ProcessedBytes, the access log's
 * received and sent bytes) and fires an {@link IdleStateEvent} when nothing was read or flushed for the idle
 * timeout (ALB's {@code idleTimeoutSeconds}), again every further timeout while the connection stays idle.
 *
 * <p>Cheaper than Netty's {@code IdleStateHandler} on the hot path: activity moves a {@link LazyDeadline} once per
 * read batch and per flush (no listener on every write's promise; the one timer is re-armed only when it fires).
 * Bytes are added to the listener's counter once per batch.
 */
final class ClientMeter extends ChannelDuplexHandler implements Runnable {
    private final HttpListener listener;
    private final long idleNanos;
    private ChannelHandlerContext ctx;
    private LazyDeadline idle;
    private long unreported;
    /** Bytes read and written on this connection so far (the access log's received_bytes and sent_bytes). */
    long read;
    long written;

    ClientMeter(HttpListener listener, long idleNanos) {
        this.listener = listener;
        this.idleNanos = idleNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idle = new LazyDeadline(ctx.executor(), this);
        if (ctx.channel().isRegistered()) {
            active();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        if (!idle.isSet()) {
            active();
        }
        ctx.fireChannelRegistered();
    }

    private void active() {
        if (idleNanos > 0) {
            idle.in(idleNanos);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            int n = b.readableBytes();
            unreported += n;
            read += n;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        active();
        report();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            int n = b.readableBytes();
            unreported += n;
            written += n;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        active();
        report();
        ctx.flush();
    }

    private void report() {
        if (unreported != 0) {
            listener.snapshot().lb.processedBytes.add(unreported);
            unreported = 0;
        }
    }

    /** Idle for the timeout: tell the handlers (the client handler closes an idle connection); again if it stays so. */
    @Override
    public void run() {
        if (ctx.channel().isOpen()) {
            active();
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report();
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        report();
        cancel();
    }

    private void cancel() {
        if (idle != null) {
            idle.close();
        }
    }
}
