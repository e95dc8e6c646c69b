package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** First handler of a client connection: counts the bytes read and written (ProcessedBytes). */
final class BytesCounter extends ChannelDuplexHandler {
    private final HttpListener listener;
    /** Bytes read and written on this connection so far (the access log's received_bytes and sent_bytes). */
    long read;
    long written;

    BytesCounter(HttpListener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            listener.snapshot().lb.processedBytes.add(b.readableBytes());
            read += b.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            listener.snapshot().lb.processedBytes.add(b.readableBytes());
            written += b.readableBytes();
        }
        ctx.write(msg, promise);
    }
}
