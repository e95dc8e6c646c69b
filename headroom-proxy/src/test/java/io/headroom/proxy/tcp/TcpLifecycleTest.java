package io.headroom.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.target.TargetState;
import io.headroom.proxy.target.Target;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpLifecycleTest {

    /** What a PROXY v2 header said, as decoded by Netty's HAProxyMessageDecoder at the backend. */
    record Header(HAProxyProxiedProtocol protocol, String source, int sourcePort, String destination, int destinationPort) {
    }

    @Test
    void proxyProtocolV2HeaderCarriesTheClientsAddressAndPort() throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CompletableFuture<Header> seen = new CompletableFuture<>();
        try {
            Channel backend = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HAProxyMessageDecoder(), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof HAProxyMessage m) {
                                        seen.complete(new Header(m.proxiedProtocol(), m.sourceAddress(), m.sourcePort(),
                                                m.destinationAddress(), m.destinationPort()));
                                        m.release();
                                    } else {
                                        ctx.writeAndFlush(msg); // echo what follows the header
                                    }
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) backend.localAddress()).getPort();
            try (TcpHarness h = new TcpHarness(TcpHarness.nlb("proxyProtocolV2: true", port)); Socket s = h.connect()) {
                assertThat(TcpHarness.echo(s, "hello through PROXY v2")).isEqualTo("hello through PROXY v2");
                Header header = seen.get(5, TimeUnit.SECONDS);
                assertThat(header).isEqualTo(new Header(HAProxyProxiedProtocol.TCP4, "127.0.0.1", s.getLocalPort(),
                        "127.0.0.1", h.port));
            } finally {
                backend.close().sync();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void withoutProxyProtocolTheTargetSeesOnlyTheClientsBytes() throws Exception {
        try (EchoBackend backend = new EchoBackend("plain");
             TcpHarness h = new TcpHarness(TcpHarness.nlb("proxyProtocolV2: false", backend.port()));
             Socket s = h.connect()) {
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("plain");
            assertThat(TcpHarness.echo(s, "raw")).isEqualTo("raw");
        }
    }

    @Test
    void aDrainingTargetKeepsItsConnectionUntilTheClientClosesIt() throws Exception {
        // One configured second lasts 50 ms: a deregistration delay of 200 s lasts 10 s.
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(TcpHarness.nlb("deregistrationDelaySeconds: 200", a.port(), b.port()),
                     Duration.ofMillis(50), l -> { })) {
            // Both healthy first, so the flow hash spreads over both (not only the first one to pass).
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
            Socket onA = null;
            for (int i = 0; i < 50 && onA == null; i++) {
                Socket s = h.connect();
                if (TcpHarness.line(s.getInputStream()).equals("a")) {
                    onA = s;
                } else {
                    s.close();
                }
            }
            assertThat(onA).as("a connection hashed to target a").isNotNull();
            try (Socket s = onA) {
                Target ta = h.groups.get("tcp").target(a.address());
                CompletableFuture<Void> deregistered = h.groups.deregister("tcp", a.address());
                assertThat(ta.state()).isEqualTo(TargetState.DRAINING);
                // The established connection goes on; new connections all go to b.
                assertThat(TcpHarness.echo(s, "still here")).isEqualTo("still here");
                for (int i = 0; i < 10; i++) {
                    try (Socket other = h.connect()) {
                        assertThat(TcpHarness.line(other.getInputStream())).isEqualTo("b");
                    }
                }
                assertThat(TcpHarness.echo(s, "still here")).isEqualTo("still here");
                assertThat(deregistered).isNotDone();
                long closedAt = System.nanoTime();
                s.close();
                // The last connection closing ends the deregistration long before the 10 s delay.
                deregistered.get(5, TimeUnit.SECONDS);
                assertThat(System.nanoTime() - closedAt).isLessThan(TimeUnit.SECONDS.toNanos(5));
                assertThat(h.groups.get("tcp").target(a.address())).isNull();
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        // idleTimeoutSeconds 20 with one second lasting 10 ms: 200 ms.
        String yaml = TcpHarness.nlb("", 0).replace("type: network", "type: network\n    idleTimeoutSeconds: 20");
        try (EchoBackend a = new EchoBackend("a");
             TcpHarness h = new TcpHarness(yaml.replace("port: 0 }", "port: " + a.port() + " }"), Duration.ofHours(1),
                     l -> l.second(Duration.ofMillis(10)));
             Socket s = h.connect()) {
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");
            // Busy for three idle timeouts: round trips keep it open (bounded in count and time).
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
            for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) {
                assertThat(TcpHarness.echo(s, "x")).isEqualTo("x");
            }
            long idleFrom = System.nanoTime();
            assertThat(endOfStream(s)).isTrue();
            assertThat(System.nanoTime() - idleFrom).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0);
        }
    }

    @Test
    void anUnknownTargetGroupIsRefusedAndNothingIsBound() throws Exception {
        try (EchoBackend a = new EchoBackend("a"); TcpHarness h = new TcpHarness(TcpHarness.nlb("", a.port()))) {
            var cfg = TcpHarness.config(TcpHarness.nlb("", a.port()).replace("port: ${PORT}", "port: "
                    + TcpHarness.freePort()), h.port);
            var other = new io.headroom.proxy.target.TargetGroups(java.time.Clock.systemUTC(), h.transport.group(),
                    null, Duration.ofHours(1), null);
            assertThatThrownBy(() -> h.listeners.prepare(cfg, other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("target group 'tcp' does not exist");
            assertThat(h.listeners.localAddresses()).hasSize(1);
        }
    }

    /** True when the peer closed (EOF or reset) within the socket timeout. */
    private static boolean endOfStream(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
