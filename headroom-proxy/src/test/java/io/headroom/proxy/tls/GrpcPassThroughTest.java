package io.headroom.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** gRPC pass-through: HTTP/2 to targets of protocolVersion GRPC, with trailers intact both ways. */
class GrpcPassThroughTest {
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final TlsContexts contexts = new TlsContexts();

    @AfterEach
    void stop() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String config(String group) {
        return "loadBalancers:\n"
                + "  - name: web\n"
                + "    listeners:\n"
                + "      - port: ${HTTPS}\n"
                + "        protocol: HTTPS\n"
                + "        certificates: [{ selfSigned: { commonName: localhost } }]\n"
                + "        defaultAction: { forward: { targetGroup: web } }\n"
                + "      - { port: ${HTTP}, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }\n"
                + "targetGroups:\n"
                + "  - " + group + "\n";
    }

    /** What an HTTP/2 client saw of one call: the response headers, the body and the trailers. */
    record Call(Http2Headers headers, String body, Http2Headers trailers) {
    }

    /** A gRPC-style call over HTTP/2 with TLS (ALPN h2) to the proxy's HTTPS listener, from a Netty client. */
    private Call h2Call(int port, String path, String message) throws Exception {
        CompletableFuture<Call> result = new CompletableFuture<>();
        Channel conn = TlsTestSupport.h2Connection(clients, port, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        try {
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(conn)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private Http2Headers headers;
                        private final StringBuilder body = new StringBuilder();

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof Http2HeadersFrame h) {
                                if (headers == null) {
                                    headers = h.headers();
                                } else {
                                    result.complete(new Call(headers, body.toString(), h.headers()));
                                }
                                if (h.isEndStream() && !result.isDone()) {
                                    result.complete(new Call(headers, body.toString(), null));
                                }
                            } else if (msg instanceof Http2DataFrame d) {
                                body.append(d.content().toString(StandardCharsets.UTF_8));
                                if (d.isEndStream()) {
                                    result.complete(new Call(headers, body.toString(), null));
                                }
                                d.release();
                            }
                        }
                    }).open().sync().getNow();
            Http2Headers req = new DefaultHttp2Headers().method("POST").scheme("https").path(path)
                    .authority("localhost:" + port).set("content-type", "application/grpc").set("te", "trailers");
            stream.write(new DefaultHttp2HeadersFrame(req));
            ByteBuf data = Unpooled.copiedBuffer(message, StandardCharsets.UTF_8);
            stream.writeAndFlush(new DefaultHttp2DataFrame(data, true));
            return result.get(10, TimeUnit.SECONDS);
        } finally {
            conn.close().sync();
        }
    }

    @Test
    void h2ClientThroughToACleartextH2TargetWithTrailers() throws Exception {
        try (GrpcBackend backend = new GrpcBackend("h2c-target", null);
             HttpsHarness h = new HttpsHarness(config("{ name: web, protocolVersion: GRPC, targets: [{ host: "
                     + "127.0.0.1, port: " + backend.port() + " }] }"))) {
            for (int i = 0; i < 3; i++) { // the second and third calls reuse the connection to the target
                Call c = h2Call(h.httpsPort, "/echo.Echo/Say", "hello " + i);
                assertThat(c.headers().status().toString()).isEqualTo("200");
                assertThat(c.headers().get("content-type").toString()).isEqualTo("application/grpc");
                assertThat(c.headers().get("x-seen-te").toString()).isEqualTo("trailers");
                assertThat(c.headers().get("x-seen-authority").toString()).isEqualTo("localhost:" + h.httpsPort);
                assertThat(c.body()).isEqualTo("hello " + i);
                assertThat(c.trailers()).as("trailers").isNotNull();
                assertThat(c.trailers().get("grpc-status").toString()).isEqualTo("0");
                assertThat(c.trailers().get("grpc-message").toString()).isEqualTo("h2c-target /echo.Echo/Say");
            }
        }
    }

    @Test
    void tlsH2TargetAndAnHttp1ClientGetsTheTrailersChunked() throws Exception {
        ServerTls backendTls = contexts.server("backend", TlsTestSupport.https(null,
                TlsTestSupport.selfSigned("backend.test")), TlsContexts.H2_AND_HTTP_1_1);
        try (GrpcBackend backend = new GrpcBackend("tls-target", backendTls);
             HttpsHarness h = new HttpsHarness(config("{ name: web, protocol: HTTPS, protocolVersion: GRPC, "
                     + "targets: [{ host: 127.0.0.1, port: " + backend.port() + " }] }"))) {
            Call c = h2Call(h.httpsPort, "/echo.Echo/Say", "over tls");
            assertThat(c.headers().status().toString()).as(c.toString()).isEqualTo("200");
            assertThat(c.headers().get("x-seen-scheme").toString()).isEqualTo("https");
            assertThat(c.body()).isEqualTo("over tls");
            assertThat(c.trailers().get("grpc-status").toString()).isEqualTo("0");

            // HTTP/1.1 client on the plain listener: the trailers come as chunked trailer fields.
            try (Socket s = new Socket("127.0.0.1", h.httpPort)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /echo.Echo/Say HTTP/1.1\r\nHost: grpc.test\r\nContent-Type: "
                        + "application/grpc\r\nTE: trailers\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
                        .getBytes(StandardCharsets.US_ASCII));
                String response = readAll(s.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                        .containsIgnoringCase("x-seen-te: trailers")
                        .containsIgnoringCase("x-seen-authority: grpc.test")
                        .contains("\r\n5\r\nhello\r\n")
                        .containsIgnoringCase("\r\n0\r\ngrpc-status: 0\r\n")
                        .containsIgnoringCase("grpc-message: tls-target /echo.Echo/Say\r\n");
            }
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
