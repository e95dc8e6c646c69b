package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.HttpsHarness.https;
import static io.headroom.proxy.tls.HttpsHarness.plainGroup;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LoadBalancerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ALB's client keepalive duration ({@code clientKeepAliveSeconds}) on real connections: once a connection's lifetime
 * has passed it is closed gracefully, an HTTP/1.1 one by {@code Connection: close} on its next response (or at once
 * when idle), an HTTP/2 one by GOAWAY, and a request in flight at that moment completes.
 *
 * <p>The config file's minimum is 60 s; these tests hand the proxy a config with {@value #LIFETIME_SECONDS} s.
 */
class ClientKeepAliveTest {
    private static final int LIFETIME_SECONDS = 3;
    private static final String HTTP_LISTENER = "      - port: ${HTTP}\n"
            + "        protocol: HTTP\n"
            + "        defaultAction: { forward: { targetGroup: web } }\n";

    /** Every load balancer of {@code c} with a client keepalive duration of {@link #LIFETIME_SECONDS}. */
    private static HeadroomConfig shortLifetime(HeadroomConfig c) {
        List<LoadBalancerConfig> lbs = c.loadBalancers().stream().map(lb -> new LoadBalancerConfig(lb.name(),
                lb.type(), lb.idleTimeoutSeconds(), lb.desyncMitigationMode(), lb.xffHeaderProcessingMode(),
                lb.xffClientPortEnabled(), lb.xAmznTlsVersionAndCipherSuiteEnabled(),
                lb.dropInvalidHeaderFieldsEnabled(), lb.preserveHostHeaderEnabled(), lb.http2Enabled(), LIFETIME_SECONDS, lb.accessLog(),
                lb.connectionLog(),
                lb.listeners())).toList();
        return new HeadroomConfig(c.admin(), c.stateDir(), c.workerThreads(), lbs, c.targetGroups(),
                c.launchTemplates(), c.autoScalingGroups(), c.notifications());
    }

    /** A backend answering {@code ok}; {@code /hold} answers {@code held} once {@link #release} counted down. */
    private static final class HoldingBackend implements AutoCloseable {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final HttpServer server;

        HoldingBackend() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(executor);
            server.createContext("/", ex -> {
                byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
                if (ex.getRequestURI().getPath().equals("/hold")) {
                    arrived.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = "held".getBytes(StandardCharsets.US_ASCII);
                }
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** One response with a Content-Length body, head lower-cased, as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int at = h.indexOf("content-length: ") + "content-length: ".length();
        int length = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)).trim());
        return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Blocks until the proxy closes {@code s} (its read timeout is the deadline); returns how long that took. */
    private static long millisUntilClosed(Socket s, long since) throws IOException {
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read()).as("closed by the load balancer").isEqualTo(-1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    @Test
    void http11ConnectionPastItsLifetimeAnswersConnectionCloseAndTheRequestInFlightCompletes() throws Exception {
        try (HoldingBackend backend = new HoldingBackend();
             HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", HTTP_LISTENER,
                     plainGroup(backend.port())), ClientKeepAliveTest::shortLifetime);
             Socket a = new Socket(InetAddress.getLoopbackAddress(), h.httpPort)) {
            a.setSoTimeout(10_000);
            InputStream in = a.getInputStream();
            a.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(backend.arrived.await(10, TimeUnit.SECONDS)).isTrue();
            // An idle connection opened after the first is closed at its own lifetime: the first's has passed then.
            long opened = System.nanoTime();
            try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), h.httpPort)) {
                assertThat(millisUntilClosed(idle, opened)).isGreaterThanOrEqualTo(LIFETIME_SECONDS * 1000L - 100);
            }
            backend.release.countDown();
            assertThat(readResponse(in)).startsWith("http/1.1 200").contains("connection: close").endsWith("held");
            assertThat(millisUntilClosed(a, System.nanoTime())).isLessThan(10_000);
        }
    }

    /**
     * HTTP/2 with a Netty client (the JDK's HttpClient of Java 17 fails its open streams on any GOAWAY): GOAWAY with
     * NO_ERROR naming the stream in flight, that stream answered in full, then the connection closed.
     */
    @Test
    void http2ConnectionPastItsLifetimeGetsGoawayAndTheStreamInFlightCompletes() throws Exception {
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HoldingBackend backend = new HoldingBackend();
             HttpsHarness h = new HttpsHarness(https("[{ selfSigned: { commonName: localhost } }]", "",
                     plainGroup(backend.port())), ClientKeepAliveTest::shortLifetime)) {
            int port = h.httpsPort;
            CompletableFuture<Http2GoAwayFrame> goAway = new CompletableFuture<>();
            Channel conn = TlsTestSupport.h2Connection(clients, port, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2GoAwayFrame g) {
                        goAway.complete(g.retain());
                    }
                    ReferenceCountUtil.release(msg);
                }
            });
            try {
                Call held = stream(conn, port, "/hold");
                assertThat(backend.arrived.await(10, TimeUnit.SECONDS)).isTrue();
                Http2GoAwayFrame g = goAway.get(10, TimeUnit.SECONDS);
                assertThat(g.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
                assertThat(g.lastStreamId()).as("the held stream may finish").isEqualTo(held.id());
                g.release();
                assertThat(conn.isActive()).as("open while its stream is").isTrue();
                backend.release.countDown();
                assertThat(held.result().get(10, TimeUnit.SECONDS)).isEqualTo("200 held");
                assertThat(conn.closeFuture().await(10, TimeUnit.SECONDS)).as("closed after it").isTrue();
            } finally {
                conn.close().sync();
            }
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A stream's id and, when it ends, its status and body. */
    private record Call(int id, CompletableFuture<String> result) {
    }

    /** A GET on a new stream of {@code conn}. */
    private static Call stream(Channel conn, int port, String path) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(conn).handler(new ChannelInboundHandlerAdapter() {
            private String status;
            private final StringBuilder body = new StringBuilder();

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2HeadersFrame f) {
                    status = f.headers().status().toString();
                    if (f.isEndStream()) {
                        result.complete(status + " " + body);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    body.append(d.content().toString(StandardCharsets.UTF_8));
                    if (d.isEndStream()) {
                        result.complete(status + " " + body);
                    }
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                result.completeExceptionally(new IOException("stream closed before its end"));
            }
        }).open().sync().getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("https")
                .path(path).authority("localhost:" + port), true)).sync();
        return new Call(stream.stream().id(), result);
    }
}
