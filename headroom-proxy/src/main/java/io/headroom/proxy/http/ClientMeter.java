package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * First handler of a client connection: counts the bytes read and written (ProcessedBytes, the access log's
 * received and sent bytes) and fires an {@link IdleStateEvent} when nothing was read or flushed for the idle
 * timeout (ALB's {@code idleTimeoutSeconds}), again every further timeout while the connection stays idle.
 *
 * <p>It also ends the connection's lifetime (ALB's client keepalive duration, {@code clientKeepAliveSeconds}),
 * counted from when the connection was accepted: once it has passed, {@link #keepAliveExpired} is true and
 * {@link KeepAlive#EXPIRED} is fired once, for the protocol handlers to close the connection gracefully.
 *
 * <p>Cheaper than Netty's {@code IdleStateHandler} on the hot path: activity moves a {@link LazyDeadline} once per
 * read batch and per flush (no listener on every write's promise; the one timer, for both the idle timeout and the
 * lifetime, is re-armed only when it fires). Bytes are added to the listener's counter once per batch.
 */
final class ClientMeter extends ChannelDuplexHandler implements Runnable {
    /** The user event fired when the connection's client keepalive duration has passed. */
    enum KeepAlive { EXPIRED }

    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private final HttpListener listener;
    private final long idleNanos;
    /** The connection's lifetime (0: none), and when it ends ({@link LazyDeadline#now()} base) while pending. */
    private final long keepAliveNanos;
    private long keepAliveEnds;
    private boolean keepAlivePending;
    /** The client keepalive duration has passed: the connection takes no further request. */
    boolean keepAliveExpired;
    private ChannelHandlerContext ctx;
    private LazyDeadline idle;
    private long unreported;
    /** Bytes read and written on this connection so far (the access log's received_bytes and sent_bytes). */
    long read;
    long written;
    private String connTraceId;

    /**
     * @param idleNanos      the idle timeout (0: none)
     * @param keepAliveNanos the client keepalive duration, from now (0: none)
     */
    ClientMeter(HttpListener listener, long idleNanos, long keepAliveNanos) {
        this.listener = listener;
        this.idleNanos = idleNanos;
        this.keepAliveNanos = keepAliveNanos;
    }

    /**
     * The connection's id in the logs (ALB's {@code conn_trace_id}): the connection log's line and every access log
     * line of its requests (HTTP/2 streams included) carry the same one. Made on first use, on the event loop.
     */
    String connTraceId() {
        if (connTraceId == null) {
            connTraceId = nextConnTraceId();
        }
        return connTraceId;
    }

    /** A new connection id, for a connection that has no meter. */
    static String nextConnTraceId() {
        return "TID_" + Long.toHexString(CONNECTIONS.incrementAndGet());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idle = new LazyDeadline(ctx.executor(), this);
        if (keepAliveNanos > 0) {
            keepAliveEnds = idle.now() + keepAliveNanos;
            keepAlivePending = true;
        }
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
            if (keepAlivePending) {
                idle.inAtMost(idleNanos, keepAliveEnds);
            } else {
                idle.in(idleNanos);
            }
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

    /**
     * Idle for the timeout, or the lifetime has passed: tell the handlers (the client handler closes an idle
     * connection); again if it stays idle.
     */
    @Override
    public void run() {
        if (!ctx.channel().isOpen()) {
            return;
        }
        if (keepAlivePending && idle.now() - keepAliveEnds >= 0) {
            keepAlivePending = false;
            keepAliveExpired = true;
            active();
            ctx.fireUserEventTriggered(KeepAlive.EXPIRED);
            return;
        }
        active();
        ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
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
