package io.headroom.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;

/**
 * How a connection to a target that speaks HTTP/2 is made, by the data plane ({@link Http2Upstreams}) and by the
 * health checks alike: TLS with ALPN {@code h2} when given a TLS context (HTTPS target groups), cleartext HTTP/2 with
 * prior knowledge (h2c) otherwise; streams are opened with {@code Http2StreamChannelBootstrap}.
 *
 * <pre>
 *  [tls] ─ (the caller's handlers) ─ h2: Http2FrameCodec ─ h2-streams: Http2MultiplexHandler ─ (the caller's)
 * </pre>
 */
public final class Http2Targets {
    private Http2Targets() {
    }

    /** Adds TLS first in the pipeline when {@code tls} is non-null; {@code host} is sent as SNI. */
    public static void addTls(Channel ch, SslContext tls, String host, int port) {
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
        }
    }

    /**
     * Adds the HTTP/2 client codec (headers validated) and the stream multiplexer.
     *
     * @param gracefulShutdownMillis how long a closing connection waits for its open streams to end
     */
    public static Http2FrameCodec addCodec(ChannelPipeline p, long gracefulShutdownMillis) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().validateHeaders(true)
                .gracefulShutdownTimeoutMillis(gracefulShutdownMillis).build();
        p.addLast("h2", codec);
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        return codec;
    }

    /**
     * Completes when the connection being made by {@code connected} can carry streams: connected and, with TLS,
     * handshaken with {@code h2} agreed by ALPN. A target that agrees to anything else fails it (and is closed).
     */
    public static ChannelPromise ready(ChannelFuture connected) {
        return UpstreamPool.handshaken(connected, true);
    }
}
