package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a client connection: counts the bytes read and written (ProcessedBytes, the access log's
 * received and sent bytes) and fires an {@link IdleStateEvent} when nothing was read or flushed for the idle
 * timeout (ALB's {@code idleTimeoutSeconds}), again every further timeout while the connection stays idle.
 *
 * <p>Cheaper than Netty's {@code IdleStateHandler} on the hot path: activity is a timestamp taken once per read
 * batch and per flush (no listener on every write's promise), and the one timer per connection is re-armed only
 * when it fires, never per request. Bytes are added to the listener's counter once per batch.
 */
final class ClientMeter extends ChannelDuplexHandler implements Runnable {
    private final HttpListener listener;
    private final long idleNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> idleTimer;
    private long lastActivity;
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
        lastActivity = ctx.executor().ticker().nanoTime();
        if (idleNanos > 0 && ctx.channel().isRegistered()) {
            idleTimer = ctx.executor().schedule(this, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        if (idleNanos > 0 && idleTimer == null) {
            idleTimer = ctx.executor().schedule(this, idleNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRegistered();
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
        lastActivity = ctx.executor().ticker().nanoTime();
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
        lastActivity = ctx.executor().ticker().nanoTime();
        report();
        ctx.flush();
    }

    private void report() {
        if (unreported != 0) {
            listener.snapshot().lb.processedBytes.add(unreported);
            unreported = 0;
        }
    }

    /** The idle timer: fire the event when idle long enough, else sleep until the timeout could be reached. */
    @Override
    public void run() {
        idleTimer = null;
        if (!ctx.channel().isOpen()) {
            return;
        }
        long idle = ctx.executor().ticker().nanoTime() - lastActivity;
        if (idle >= idleNanos) {
            idleTimer = ctx.executor().schedule(this, idleNanos, TimeUnit.NANOSECONDS);
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        } else {
            idleTimer = ctx.executor().schedule(this, idleNanos - idle, TimeUnit.NANOSECONDS);
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
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }
}
