package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Connections to targets that speak HTTP/2 ({@code protocolVersion: HTTP2} or {@code GRPC}): one per target per
 * event loop, TLS with ALPN {@code h2} for HTTPS target groups and cleartext HTTP/2 with prior knowledge (h2c)
 * otherwise. Each request gets a new stream whose pipeline converts between HTTP/1.1 message objects and frames,
 * trailers included, so {@link ClientHandler} forwards to it as to any upstream connection. Event loop only, no
 * locks, as {@link UpstreamPool}.
 *
 * <pre>
 *  connection: [SslHandler] ─ Http2FrameCodec ─ Http2MultiplexHandler ─ idle close
 *  each stream: Http2StreamFrameToHttpObjectCodec ─ StreamAdapter ─ UpstreamHandler
 * </pre>
 */
final class Http2Upstreams {
    private record Connection(Channel channel, ChannelPromise ready, SslContext tls) {
        /** A reload replaced the group's TLS context (or protocol): make a new connection. */
        boolean tlsMismatch(SslContext wanted) {
            return tls != wanted;
        }
    }

    private final Bootstrap bootstrap;
    private final long idleNanos;
    private final FastThreadLocal<HashMap<TargetAddress, Connection>> connections = new FastThreadLocal<>() {
        @Override
        protected HashMap<TargetAddress, Connection> initialValue() {
            return new HashMap<>();
        }
    };

    Http2Upstreams(Bootstrap bootstrap, long idleNanos) {
        this.bootstrap = bootstrap;
        this.idleNanos = idleNanos;
    }

    /**
     * A new stream to {@code address} on {@code loop} (which must be the calling thread), ending in
     * {@code handler}; the future completes when the connection is ready for it.
     */
    ChannelFuture openStream(EventLoop loop, TargetAddress address, SslContext tls, UpstreamHandler handler) {
        HashMap<TargetAddress, Connection> map = connections.get();
        Connection c = map.get(address);
        if (c == null || !c.channel().isOpen() || c.tlsMismatch(tls)) {
            c = connect(loop, address, tls);
            map.put(address, c);
            Connection made = c;
            c.channel().closeFuture().addListener(f -> map.remove(address, made));
        }
        handler.tls = tls;
        Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(c.channel())
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.config().setAutoRead(false);
                        ch.pipeline().addLast(UpstreamPool.CODEC, new Http2StreamFrameToHttpObjectCodec(false));
                        ch.pipeline().addLast("adapter", new StreamAdapter(address));
                        ch.pipeline().addLast("upstream", handler);
                    }
                }).open();
        Http2StreamChannel stream = opened.getNow(); // done at once: we are on the connection's event loop
        if (stream == null) {
            ChannelPromise failed = c.channel().newPromise();
            failed.setFailure(opened.cause() != null ? opened.cause()
                    : new IllegalStateException("HTTP/2 stream not opened on the event loop"));
            return failed;
        }
        ChannelPromise ready = stream.newPromise();
        c.ready().addListener(f -> {
            if (f.isSuccess()) {
                ready.trySuccess();
            } else {
                ready.tryFailure(f.cause());
                stream.close();
            }
        });
        return ready;
    }

    private Connection connect(EventLoop loop, TargetAddress address, SslContext tls) {
        ChannelFuture connected = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                Http2Targets.addTls(ch, tls, address.host(), address.port());
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
                Http2FrameCodec codec = Http2Targets.addCodec(ch.pipeline(),
                        Http2CodecUtil.DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_MILLIS);
                ch.pipeline().addLast("h2-idle", new Http2Frontend.IdleCloser(codec));
            }
        }).connect(address.host(), address.port());
        Channel ch = connected.channel();
        connected.addListener(f -> {
            if (f.isSuccess()) {
                ch.config().setAutoRead(true); // frames of every stream; flow control holds each stream back
            }
        });
        return new Connection(ch, Http2Targets.ready(connected), tls);
    }

    /**
     * Between a stream's HTTP/2 codec and its {@link UpstreamHandler}: requests get the pseudo-header
     * {@code :authority} from Host and {@code te: trailers} (what gRPC servers require); responses lose Netty's
     * extension headers, and one without a body becomes a head plus an empty last content, as the HTTP/1.1
     * decoder delivers it.
     */
    static final class StreamAdapter extends ChannelDuplexHandler {
        private final TargetAddress address;

        StreamAdapter(TargetAddress address) {
            this.address = address;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpRequest req) {
                String host = req.headers().get(HttpHeaderNames.HOST);
                String scheme = ctx.channel().parent().pipeline().get(SslHandler.class) != null ? "https" : "http";
                String authority = host != null ? host : address.host() + ":" + address.port();
                if (req.uri().startsWith("/")) {
                    req.setUri(scheme + "://" + authority + req.uri());
                }
                req.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse r) {
                for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    r.headers().remove(n.text());
                }
                if (msg instanceof FullHttpResponse full) {
                    // HEADERS with END_STREAM (e.g. a gRPC trailers-only answer).
                    ctx.fireChannelRead(new DefaultHttpResponse(full.protocolVersion(), full.status(),
                            full.headers()));
                    DefaultLastHttpContent last = new DefaultLastHttpContent(full.content());
                    last.trailingHeaders().set(full.trailingHeaders());
                    ctx.fireChannelRead(last);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
