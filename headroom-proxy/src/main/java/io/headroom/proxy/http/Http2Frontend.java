package io.headroom.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * HTTP/2 from clients (HTTPS with ALPN {@code h2}): each stream becomes a child channel whose pipeline turns
 * frames into the same HTTP/1.1 message objects the HTTP/1.1 decoder makes, so one {@link ClientHandler} per
 * stream routes and forwards it exactly as an HTTP/1.1 request, to HTTP/1.1 targets.
 *
 * <pre>
 *  connection: ... ─▶ SslHandler ─▶ Http2FrameCodec ─▶ Http2MultiplexHandler ─▶ IdleCloser
 *  each stream:  Http2StreamFrameToHttpObjectCodec ─▶ RequestAdapter ─▶ ClientHandler ──▶ upstream (pooled)
 * </pre>
 *
 * Backpressure: stream channels do not auto-read, so a stream's DATA is consumed (and its flow-control window
 * reopened) only as fast as the target takes it.
 */
final class Http2Frontend {
    /** Concurrent streams a client may open on one connection (ALB: 128). */
    static final int MAX_CONCURRENT_STREAMS = 128;

    private Http2Frontend() {}

    /**
     * Adds the HTTP/2 handlers at the end of an HTTPS connection's pipeline after ALPN chose {@code h2}.
     *
     * @param tlsHeaders the connection's TLS headers (client certificate, version and cipher), which every stream's requests get; or null
     */
    static void configure(ChannelPipeline p, HttpListener listener, UpstreamPool pool, TlsHeaders tlsHeaders) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(HeaderScanner.MAX_HEADER_SECTION))
                .validateHeaders(true)
                .build();
        p.addLast("h2", codec);
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ResponseEncoder unused = new ResponseEncoder(); // the HTTP/2 codec encodes; ClientHandler wants one
                ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
                ch.pipeline().addLast("adapter", new RequestAdapter());
                ch.pipeline().addLast("handler", new ClientHandler(listener, pool, unused, tlsHeaders));
            }
        }));
        p.addLast("h2-idle", new IdleCloser(codec));
        // Frames for every stream arrive on the connection: read it continuously; flow control (per stream, by
        // the stream channels' reads) is what holds a fast client back.
        p.channel().config().setAutoRead(true);
    }

    /**
     * Makes a converted HTTP/2 request look like one from the HTTP/1.1 decoder: no Netty extension headers, a
     * body with unknown length is chunked to the target, and a request without a body is a head plus an empty
     * last content (never a FullHttpRequest).
     */
    static final class RequestAdapter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            HttpHeaders h = req.headers();
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                h.remove(n.text());
            }
            if (msg instanceof FullHttpRequest full) {
                // HEADERS with END_STREAM: no body.
                DefaultHttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                        h);
                DefaultLastHttpContent last = new DefaultLastHttpContent(full.content());
                last.trailingHeaders().set(full.trailingHeaders());
                ctx.fireChannelRead(head);
                ctx.fireChannelRead(last);
                return;
            }
            if (!HttpUtil.isContentLengthSet(req)) {
                // HTTP/2 frames the body itself; an HTTP/1.1 target needs chunked encoding instead.
                h.set(HttpHeaderNames.TRANSFER_ENCODING, io.netty.handler.codec.http.HttpHeaderValues.CHUNKED);
            }
            ctx.fireChannelRead(req);
        }
    }

    /**
     * Last handler of an HTTP/2 connection (client or target side): closes it (GOAWAY first) when it was idle for
     * the idle timeout with no stream open. On a client connection whose keepalive duration has passed it sends
     * GOAWAY at once (no new streams; those open finish) and closes the connection when the last one has.
     */
    static final class IdleCloser extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;
        private boolean goingAway;

        IdleCloser(Http2FrameCodec codec) {
            this.codec = codec;
        }

        /** Connection-level frames (SETTINGS, PING, GOAWAY) end here: the codec has acted on them already. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ClientMeter.KeepAlive.EXPIRED) {
                goAway(ctx);
                return;
            }
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void goAway(ChannelHandlerContext ctx) {
            if (goingAway) {
                return;
            }
            goingAway = true;
            // The codec's GOAWAY names the last stream the client opened: every stream up to it is served.
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            if (codec.connection().numActiveStreams() == 0) {
                ctx.close();
                return;
            }
            codec.connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    if (codec.connection().numActiveStreams() == 0) {
                        // After the stream's last frame: the close goes behind it in the channel's queue.
                        ctx.channel().eventLoop().execute(ctx::close);
                    }
                }
            });
        }
    }
}
