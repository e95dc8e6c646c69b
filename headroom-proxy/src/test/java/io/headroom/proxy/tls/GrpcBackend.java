package io.headroom.proxy.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC-like HTTP/2-only backend on 127.0.0.1 (cleartext with prior knowledge, or TLS with ALPN h2 when given a
 * {@link ServerTls}): each stream's answer is HEADERS (200, application/grpc, and what it saw of te and
 * :authority), one DATA frame echoing the request body, and trailers {@code grpc-status: 0} and
 * {@code grpc-message: <name> <path>}.
 */
final class GrpcBackend implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    GrpcBackend(String name, ServerTls tls) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            // A plain SslHandler: it holds the HTTP/2 preface back until the handshake is done.
                            ch.pipeline().addLast(tls.contextFor(null).newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new Stream(name));
                            }
                        }));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    private static final class Stream extends ChannelInboundHandlerAdapter {
        private final String name;
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers request;

        Stream(String name) {
            this.name = name;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                request = request == null ? h.headers() : request;
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                body.writeBytes(d.content());
                end = d.isEndStream();
                d.release();
            }
            if (end) {
                Http2Headers head = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc")
                        .set("x-seen-te", String.valueOf(request.get("te")))
                        .set("x-seen-authority", String.valueOf(request.authority()))
                        .set("x-seen-scheme", String.valueOf(request.scheme()));
                ctx.write(new DefaultHttp2HeadersFrame(head));
                ctx.write(new DefaultHttp2DataFrame(body.retain()));
                Http2Headers trailers = new DefaultHttp2Headers().set("grpc-status", "0")
                        .set("grpc-message", name + " " + request.path());
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.release();
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    static String text(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
