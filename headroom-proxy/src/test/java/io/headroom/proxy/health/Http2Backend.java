package io.headroom.proxy.health;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.tls.TlsTestSupport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP/2-only server on 127.0.0.1, built with Netty's HTTP/2 server codec: cleartext with prior knowledge, or
 * TLS with ALPN {@code h2} only. What each stream gets is switchable ({@link #answer}); the last request's headers
 * and body are recorded. Close it to stop.
 */
final class Http2Backend implements AutoCloseable {
    /** How a stream is answered once its request has ended. */
    enum Answer {
        /**
         * A gRPC server with one method, {@code /echo.Echo/Say}, which echoes the request message with
         * {@code grpc-status: 0}; any other method gets trailers-only {@code grpc-status: 12} (UNIMPLEMENTED), as
         * ALB's default health check {@code /AWS.ALB/healthcheck} does from a server that does not implement it.
         */
        GRPC_SERVER,
        /** HEADERS {@code :status 200, content-type: application/grpc, grpc-status: <code>} with END_STREAM. */
        GRPC_TRAILERS_ONLY,
        /** HEADERS 200, an empty gRPC message, then trailers {@code grpc-status: <code>}. */
        GRPC_MESSAGE_AND_TRAILERS,
        /** HEADERS 200 (application/grpc) and a message ending the stream: no grpc-status anywhere. */
        NO_GRPC_STATUS,
        /** HEADERS {@code :status <code>} with END_STREAM (a plain HTTP/2 server). */
        HTTP_STATUS,
        /** Nothing, ever. */
        HANG,
        /** RST_STREAM (INTERNAL_ERROR). */
        RESET,
        /** The connection is closed. */
        CLOSE
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    volatile Answer answer = Answer.GRPC_TRAILERS_ONLY;
    volatile int code = 12;
    final AtomicInteger streams = new AtomicInteger();
    final AtomicReference<Http2Headers> lastHeaders = new AtomicReference<>();
    final AtomicReference<byte[]> lastBody = new AtomicReference<>();
    /** The headers of the last request for each path. */
    final Map<String, Http2Headers> byPath = new ConcurrentHashMap<>();

    /** Cleartext HTTP/2 with prior knowledge (h2c). */
    Http2Backend() {
        this(null);
    }

    private Http2Backend(SslContext tls) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new Stream());
                            }
                        }));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** TLS with a self-signed certificate written to {@code dir}; ALPN selects {@code h2} only. */
    static Http2Backend tls(Path dir) throws Exception {
        return tls(dir, ApplicationProtocolNames.HTTP_2);
    }

    /** TLS with a self-signed certificate written to {@code dir}, selecting one of {@code alpn}. */
    static Http2Backend tls(Path dir, String... alpn) throws Exception {
        TlsTestSupport.PemPair pem = TlsTestSupport.write(dir, "localhost", List.of("localhost", "127.0.0.1"), false,
                TlsTestSupport.KeyFormat.PKCS8);
        SslContext tls = SslContextBuilder.forServer(pem.certificateFile().toFile(), pem.privateKeyFile().toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                .build();
        return new Http2Backend(tls);
    }

    private final class Stream extends ChannelInboundHandlerAdapter {
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers request;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                if (request == null) { // the request's headers, not its trailers
                    request = h.headers();
                    lastHeaders.set(h.headers());
                    byPath.put(String.valueOf(h.headers().path()), h.headers());
                }
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                body.writeBytes(d.content());
                end = d.isEndStream();
                d.release();
            }
            if (end) {
                lastBody.set(ByteBufUtil.getBytes(body));
                streams.incrementAndGet();
                answer(ctx, String.valueOf(request.path()));
            }
        }

        private void answer(ChannelHandlerContext ctx, String path) {
            Http2Headers grpcHead = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
            switch (answer) {
                case GRPC_SERVER -> {
                    if (path.equals("/echo.Echo/Say")) {
                        ctx.write(new DefaultHttp2HeadersFrame(grpcHead));
                        ctx.write(new DefaultHttp2DataFrame(body.retain()));
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                                .set("grpc-status", "0"), true));
                    } else {
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(grpcHead.set("grpc-status", "12")
                                .set("grpc-message", "unknown method " + path), true));
                    }
                }
                case GRPC_TRAILERS_ONLY -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        grpcHead.set("grpc-status", Integer.toString(code)), true));
                case GRPC_MESSAGE_AND_TRAILERS -> {
                    ctx.write(new DefaultHttp2HeadersFrame(grpcHead));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[5])));
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                            .set("grpc-status", Integer.toString(code)), true));
                }
                case NO_GRPC_STATUS -> {
                    ctx.write(new DefaultHttp2HeadersFrame(grpcHead));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[5]), true));
                }
                case HTTP_STATUS -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().status(Integer.toString(code)), true));
                case HANG -> { }
                case RESET -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                case CLOSE -> ctx.channel().parent().close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.release();
        }
    }

    TargetAddress address() {
        return new TargetAddress("127.0.0.1", port());
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
