package io.headroom.proxy.health;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.http.Http2Targets;
import io.headroom.proxy.http.OffLoopResolver;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One health check of one target, non-blocking on one event loop, on a connection of its own that is closed
 * after the check (as ALB does). Exactly one result is reported per probe.
 *
 * <ul>
 *   <li>TCP: the connection opens within the timeout.</li>
 *   <li>HTTP/HTTPS of an {@code HTTP1} target group: {@code GET path} over HTTP/1.1 with a Host header and
 *       {@code Connection: close}; only the status line is read and matched.</li>
 *   <li>{@code HTTP2}: the same GET as one HTTP/2 stream; the {@code :status} is matched.</li>
 *   <li>{@code GRPC}: a gRPC call over HTTP/2: {@code POST path}, {@code content-type: application/grpc},
 *       {@code te: trailers} and an empty message (5 bytes: not compressed, length 0); the {@code grpc-status}
 *       of the trailers (or of a trailers-only answer) is matched against the gRPC codes.</li>
 * </ul>
 * HTTP/2 connections are made as the data plane makes them ({@link Http2Targets}): cleartext with prior knowledge
 * for HTTP checks, TLS with ALPN {@code h2} for HTTPS ones. HTTPS does not verify the target's certificate (neither
 * does ALB).
 */
final class HealthProbe {
    static final String USER_AGENT = "ELB-HealthChecker/2.0";
    private static final String GRPC_STATUS = "grpc-status";

    private static volatile SslContext sslContext;
    private static volatile SslContext h2SslContext;
    /** An empty gRPC message: not compressed, length 0. */
    private static final byte[] EMPTY_GRPC_MESSAGE = new byte[5];
    /** Resolves host names of targets; daemon threads, created on first use. */
    private final TargetAddress target;
    private final HealthCheckConfig config;
    private final Consumer<ProbeResult> done;
    private boolean finished; // only touched on the probe's event loop
    private Channel channel;
    private ScheduledFuture<?> timer;
    private boolean tls;

    private HealthProbe(TargetAddress target, HealthCheckConfig config, Consumer<ProbeResult> done) {
        this.target = target;
        this.config = config;
        this.done = done;
    }

    /**
     * Starts a probe; must be called on {@code loop}. {@code done} is called once, on {@code loop}.
     *
     * @param timeout the whole probe's deadline (connect, TLS, request and status line)
     */
    static void run(EventLoop loop, TargetAddress target, HealthCheckConfig config, Duration timeout,
                    Consumer<ProbeResult> done) {
        new HealthProbe(target, config, done).start(loop, timeout);
    }

    private void start(EventLoop loop, Duration timeout) {
        int port = config.port() > 0 ? config.port() : target.port();
        long timeoutMillis = Math.max(1, timeout.toMillis());
        boolean h2 = http2();
        SslContext ssl;
        try {
            ssl = config.protocol() == HealthCheckConfig.Protocol.HTTPS ? sslContext(h2) : null;
        } catch (SSLException | IllegalArgumentException e) {
            finish(ProbeResult.failed("TLS setup failed: " + e.getMessage()));
            return;
        }
        tls = ssl != null;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(Transport.socketChannelFor(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (config.protocol() == HealthCheckConfig.Protocol.TCP) {
                            return;
                        }
                        ChannelPipeline p = ch.pipeline();
                        if (h2) {
                            Http2Targets.addTls(ch, ssl, target.host(), port);
                            Http2Targets.addCodec(p, 0); // closed at once after the check, its stream or not
                            p.addLast(new ConnectionErrors());
                            return;
                        }
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc(), target.host(), port));
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new StatusHandler());
                    }
                });
        timer = loop.schedule(() -> finish(ProbeResult.timeout()), timeoutMillis, TimeUnit.MILLISECONDS);
        // A name is looked up off the event loop, as for the data plane's own connections.
        connect(b.resolver(OffLoopResolver.INSTANCE), InetSocketAddress.createUnresolved(target.host(), port));
    }

    /** Whether this check goes over HTTP/2 (an HTTP/HTTPS check of an HTTP2 or GRPC target group). */
    private boolean http2() {
        return config.protocol() != HealthCheckConfig.Protocol.TCP && config.protocolVersion().http2();
    }

    private void connect(Bootstrap b, InetSocketAddress address) {
        ChannelFuture cf = b.connect(address);
        channel = cf.channel();
        (http2() ? Http2Targets.ready(cf) : cf).addListener(f -> {
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                finish(c instanceof ConnectTimeoutException ? ProbeResult.timeout()
                        : c instanceof UnknownHostException ? ProbeResult.failed("cannot resolve " + target.host())
                        : ProbeResult.failed(message(c)));
            } else if (config.protocol() == HealthCheckConfig.Protocol.TCP) {
                finish(ProbeResult.passed());
            } else if (http2()) {
                openStream(address.getPort());
            } else {
                cf.channel().writeAndFlush(request(address.getPort())).addListener(w -> {
                    if (!w.isSuccess()) {
                        finish(ProbeResult.failed(message(w.cause())));
                    }
                });
            }
        });
    }

    private String path() {
        return config.path() == null || config.path().isEmpty() ? "/" : config.path();
    }

    /** The Host header (HTTP/1.1) or :authority (HTTP/2): the target's address, and the port unless the default. */
    private String authority(int port) {
        String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
        boolean defaultPort = port == (config.protocol() == HealthCheckConfig.Protocol.HTTPS ? 443 : 80);
        return defaultPort ? host : host + ":" + port;
    }

    private FullHttpRequest request(int port) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path(),
                Unpooled.EMPTY_BUFFER);
        req.headers()
                .set(HttpHeaderNames.HOST, authority(port))
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return req;
    }

    /** The check as one HTTP/2 stream: a GET, or for a GRPC target group a gRPC call with an empty message. */
    private void openStream(int port) {
        boolean grpc = config.protocolVersion() == HealthCheckConfig.ProtocolVersion.GRPC;
        Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(channel).handler(new StreamHandler(grpc))
                .open();
        opened.addListener(o -> {
            if (!o.isSuccess()) {
                finish(ProbeResult.failed(message(o.cause())));
                return;
            }
            Http2StreamChannel stream = opened.getNow();
            Http2Headers headers = new DefaultHttp2Headers()
                    .method(grpc ? "POST" : "GET")
                    .scheme(tls ? "https" : "http")
                    .path(path())
                    .authority(authority(port));
            headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
            ChannelFuture sent;
            if (grpc) {
                headers.set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                        .set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
                stream.write(new DefaultHttp2HeadersFrame(headers));
                sent = stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(EMPTY_GRPC_MESSAGE), true));
            } else {
                headers.set(HttpHeaderNames.ACCEPT, "*/*");
                sent = stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
            }
            sent.addListener(w -> {
                if (!w.isSuccess()) {
                    finish(ProbeResult.failed(message(w.cause())));
                }
            });
        });
    }

    private void finish(ProbeResult result) {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        done.accept(result);
    }

    /** Ends the probe when its channel fails, or closes before a result. */
    private class Finishing extends ChannelInboundHandlerAdapter {
        private final String closed;

        Finishing(String closed) {
            this.closed = closed;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ProbeResult.failed(message(cause)));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(ProbeResult.failed(closed));
        }
    }

    /** The status line of an HTTP/1.1 answer. */
    private final class StatusHandler extends Finishing {
        StatusHandler() {
            super("connection closed before a response");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    if (r.decoderResult().isFailure()) {
                        finish(ProbeResult.failed("malformed response: " + message(r.decoderResult().cause())));
                    } else {
                        int code = r.status().code();
                        finish(config.matcher().matches(code) ? ProbeResult.passed(code)
                                : ProbeResult.codeMismatch(code));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * The answer on the check's HTTP/2 stream. {@code HTTP2}: the first final {@code :status}. {@code GRPC}: the
     * {@code grpc-status} of the trailers, or of the headers of a trailers-only answer.
     */
    private final class StreamHandler extends Finishing {
        private final boolean grpc;
        private int status; // the final :status, once seen

        StreamHandler(boolean grpc) {
            super("stream closed before a response");
            this.grpc = grpc;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    headers(frame);
                } else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
                    finish(ProbeResult.failed(noGrpcStatus()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) { // not flow-controlled, hence an event rather than a read
                Http2Error error = Http2Error.valueOf(reset.errorCode());
                finish(ProbeResult.failed("stream reset by the target ("
                        + (error == null ? "error " + reset.errorCode() : error.name()) + ")"));
            }
            ReferenceCountUtil.release(evt);
        }

        private void headers(Http2HeadersFrame frame) {
            Http2Headers h = frame.headers();
            if (status == 0) {
                int s;
                try {
                    s = h.status() == null ? -1 : Integer.parseInt(h.status().toString());
                } catch (NumberFormatException e) {
                    s = -1;
                }
                if (s < 100 || s > 999) {
                    finish(ProbeResult.failed("malformed response: :status " + h.status()));
                    return;
                }
                if (s < 200) {
                    return; // informational; the final answer follows
                }
                status = s;
                if (!grpc) {
                    finish(config.matcher().matches(s) ? ProbeResult.passed(s) : ProbeResult.codeMismatch(s));
                    return;
                }
                if (!frame.isEndStream() && !h.contains(GRPC_STATUS)) {
                    return; // a message may follow, then the trailers
                }
            }
            CharSequence code = h.get(GRPC_STATUS);
            if (code == null) {
                finish(ProbeResult.failed(noGrpcStatus()));
                return;
            }
            int c;
            try {
                c = Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                finish(ProbeResult.failed("malformed response: grpc-status " + code));
                return;
            }
            finish(config.matcher().matches(c) ? ProbeResult.passed(c) : ProbeResult.grpcCodeMismatch(c));
        }

        private String noGrpcStatus() {
            return "response without grpc-status (HTTP status " + status + ")";
        }
    }

    /** How Netty's HTTP/2 codec reports a connection whose first bytes were "HTTP/" rather than a SETTINGS frame. */
    private static final String HTTP1_ANSWER = "Hex dump for first 5 bytes: 485454502f";

    /** Errors of the HTTP/2 connection itself (e.g. a target that answers in HTTP/1.1) and its closing. */
    private final class ConnectionErrors extends Finishing {
        ConnectionErrors() {
            super("connection closed before a response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String m = message(cause);
            if (m.contains(HTTP1_ANSWER)) {
                finish(ProbeResult.failed("the target does not speak HTTP/2 (it answered in HTTP/1.x)"));
            } else {
                finish(ProbeResult.failed((cause instanceof Http2Exception ? "HTTP/2 connection error: " : "") + m));
            }
        }
    }

    private static String message(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }

    /** The TLS client side of checks: no certificate verification (as ALB); with {@code h2}, ALPN offers h2 only. */
    private static SslContext sslContext(boolean h2) throws SSLException {
        SslContext c = h2 ? h2SslContext : sslContext;
        if (c == null) {
            synchronized (HealthProbe.class) {
                c = h2 ? h2SslContext : sslContext;
                if (c == null && h2) {
                    c = new TlsContexts().client("healthCheck", false, null, List.of(ApplicationProtocolNames.HTTP_2));
                    h2SslContext = c;
                } else if (c == null) {
                    c = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                    sslContext = c;
                }
            }
        }
        return c;
    }
}
