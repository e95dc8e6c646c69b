package io.headroom.proxy.health;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.http.Transport;
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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One health check of one target, non-blocking on one event loop. TCP: the connection opens within the
 * timeout. HTTP/HTTPS: {@code GET path} with a Host header and {@code Connection: close}; only the status line
 * is read, then the connection is closed (as ALB does after each check). HTTPS does not verify the target's
 * certificate (neither does ALB). Exactly one result is reported per probe.
 */
final class HealthProbe {
    static final String USER_AGENT = "ELB-HealthChecker/2.0";

    private static volatile SslContext sslContext;
    /** Resolves host names of targets; daemon threads, created on first use. */
    private static final Executor RESOLVER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "headroom-health-resolver");
        t.setDaemon(true);
        return t;
    });

    private final TargetAddress target;
    private final HealthCheckConfig config;
    private final Consumer<ProbeResult> done;
    private boolean finished; // only touched on the probe's event loop
    private Channel channel;
    private ScheduledFuture<?> timer;

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
        SslContext ssl;
        try {
            ssl = config.protocol() == HealthCheckConfig.Protocol.HTTPS ? sslContext() : null;
        } catch (SSLException e) {
            finish(ProbeResult.failed("TLS setup failed: " + e.getMessage()));
            return;
        }
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
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc(), target.host(), port));
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new StatusHandler());
                    }
                });
        timer = loop.schedule(() -> finish(ProbeResult.timeout()), timeoutMillis, TimeUnit.MILLISECONDS);
        if (NetUtil.isValidIpV4Address(target.host()) || NetUtil.isValidIpV6Address(target.host())) {
            connect(b, new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(target.host()), port));
        } else {
            // A name lookup may block: do it off the event loop, connect back on it.
            CompletableFuture.supplyAsync(() -> new InetSocketAddress(target.host(), port), RESOLVER).whenComplete(
                    (address, error) -> loop.execute(() -> {
                        if (finished) {
                            return;
                        }
                        if (error != null || address.isUnresolved()) {
                            finish(ProbeResult.failed("cannot resolve " + target.host()));
                        } else {
                            connect(b, address);
                        }
                    }));
        }
    }

    private void connect(Bootstrap b, InetSocketAddress address) {
        ChannelFuture cf = b.connect(address);
        channel = cf.channel();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                finish(c instanceof ConnectTimeoutException ? ProbeResult.timeout() : ProbeResult.failed(message(c)));
            } else if (config.protocol() == HealthCheckConfig.Protocol.TCP) {
                finish(ProbeResult.passed());
            } else {
                cf.channel().writeAndFlush(request(address.getPort())).addListener(w -> {
                    if (!w.isSuccess()) {
                        finish(ProbeResult.failed(message(w.cause())));
                    }
                });
            }
        });
    }

    private FullHttpRequest request(int port) {
        String path = config.path() == null || config.path().isEmpty() ? "/" : config.path();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
        boolean defaultPort = port == (config.protocol() == HealthCheckConfig.Protocol.HTTPS ? 443 : 80);
        req.headers()
                .set(HttpHeaderNames.HOST, defaultPort ? host : host + ":" + port)
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return req;
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

    private final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    finish(ProbeResult.failed("malformed response: " + message(r.decoderResult().cause())));
                } else {
                    int code = r.status().code();
                    finish(config.matcher().matches(code) ? ProbeResult.passed(code) : ProbeResult.codeMismatch(code));
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ProbeResult.failed(message(cause)));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(ProbeResult.failed("connection closed before a response"));
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

    private static SslContext sslContext() throws SSLException {
        SslContext c = sslContext;
        if (c == null) {
            synchronized (HealthProbe.class) {
                c = sslContext;
                if (c == null) {
                    c = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                    sslContext = c;
                }
            }
        }
        return c;
    }
}
