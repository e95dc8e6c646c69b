package io.headroom.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.proxy.tls.TlsTestSupport.KeyFormat;
import io.headroom.proxy.tls.TlsTestSupport.PemPair;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client side of HTTPS target groups: verification off by default, on with a CA file or the JDK's roots. */
class ClientTlsTest {
    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final TlsContexts contexts = new TlsContexts();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Connects to {@code host}:port of the server with this client context; returns the line the server wrote. */
    private String exchange(SslContext client, String host, int port) throws Exception {
        CompletableFuture<String> line = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = client.newHandler(ch.alloc(), host, port);
                        ssl.handshakeFuture().addListener(f -> {
                            if (!f.isSuccess()) {
                                line.completeExceptionally(f.cause());
                            }
                        });
                        ch.pipeline().addLast(ssl, new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                line.complete(msg.toString(StandardCharsets.US_ASCII).strip());
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            return line.get(10, TimeUnit.SECONDS);
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void withoutVerificationAnyCertificateIsAccepted() throws Exception {
        ServerTls tls = contexts.server("l", TlsTestSupport.https(null, TlsTestSupport.selfSigned("some.name")),
                TlsContexts.HTTP_1_1);
        try (TlsEchoServer server = new TlsEchoServer(tls)) {
            SslContext client = contexts.client("targetGroups[0]", false, null);
            assertThat(exchange(client, "127.0.0.1", server.address().getPort())).startsWith("TLSv1.3 ");
        }
    }

    @Test
    void withVerificationTheChainAndTheHostAreChecked() throws Exception {
        PemPair pair = TlsTestSupport.write(dir, "backend.test", List.of("backend.test", "127.0.0.1"), true,
                KeyFormat.PKCS8);
        PemPair stranger = TlsTestSupport.write(dir, "stranger.test", List.of("stranger.test"), true,
                KeyFormat.PKCS8);
        ServerTls tls = contexts.server("l", TlsTestSupport.https(null, pair.config()), TlsContexts.HTTP_1_1);
        try (TlsEchoServer server = new TlsEchoServer(tls)) {
            int port = server.address().getPort();
            SslContext trusting = contexts.client("targetGroups[0]", true, pair.certificateFile().toString());
            assertThat(exchange(trusting, "127.0.0.1", port)).startsWith("TLSv1.3 ");
            assertThat(exchange(trusting, "backend.test", port)).startsWith("TLSv1.3 ");
            // The right CA, the wrong name.
            assertThatThrownBy(() -> exchange(trusting, "elsewhere.test", port)).hasRootCauseInstanceOf(
                    java.security.cert.CertificateException.class);
            // A CA that did not sign it; the JDK's roots did not either.
            SslContext other = contexts.client("targetGroups[0]", true, stranger.certificateFile().toString());
            assertThatThrownBy(() -> exchange(other, "127.0.0.1", port)).hasStackTraceContaining("PKIX");
            SslContext jdkRoots = contexts.client("targetGroups[0]", true, null);
            assertThatThrownBy(() -> exchange(jdkRoots, "127.0.0.1", port)).hasStackTraceContaining("PKIX");
        }
    }

    @Test
    void missingCaFileIsAnError() {
        assertThatThrownBy(() -> contexts.client("targetGroups[2]", true, "certs/ca.pem"))
                .hasMessage("targetGroups[2].tlsCaFile: certs/ca.pem: no such file");
    }
}
