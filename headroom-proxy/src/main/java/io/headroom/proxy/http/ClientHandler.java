package io.headroom.proxy.http;

import io.headroom.core.routing.RequestTransform;
import io.headroom.core.routing.RequestView;
import io.headroom.core.routing.Route;
import io.headroom.proxy.http.RoutingSnapshot.GroupRef;
import io.headroom.proxy.target.Target;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: routes each request on the listener's current {@link RoutingSnapshot} and forwards it
 * to a target over a pooled upstream connection on the same event loop, streaming both bodies with backpressure.
 *
 * <pre>
 *  client ─▶ ClientMeter ─▶ StrictRequestDecoder ─▶ ClientHandler ──▶ upstream (pooled, same loop)
 *         ◀─ ClientMeter ◀─ ResponseEncoder      ◀─ ClientHandler ◀── UpstreamHandler
 *
 *  per request:  IDLE ─request─▶ CONNECTING ─connected─▶ FORWARDING ─last response chunk─▶ IDLE (keep-alive)
 *                  │                 │ connect failed: retry once on another target, else 502
 *                  └─redirect / fixed response / 503 / 400─▶ LOCAL (drain the request body) ─▶ IDLE or closed
 *                FORWARDING ─101 to an Upgrade request─▶ TUNNEL (raw bytes both ways until either side closes)
 * </pre>
 *
 * Backpressure: both channels have auto-read off; the next chunk is read from one side only after the write of
 * the previous one to the other side has completed. One exchange at a time: pipelined requests wait in a small
 * backlog; while a response is pending the client is read only until the backlog holds something (one read).
 * Everything runs on the client's event loop.
 *
 * <p>A client that closes while its request is with the target is noticed at once (the transport watches for the
 * peer's FIN even while nothing is read; HTTP clients do not half-close, so the FIN closes the connection), and
 * the connection to the target is closed with it.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RequestView, Runnable {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString X_AMZN_TRACE_ID = AsciiString.cached("x-amzn-trace-id");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    /** Largest body sent together with its response head in one buffer. */
    private static final int SMALL_BODY = 8 * 1024;
    /** What {@link #transform} did. */
    private static final int TRANSFORM_FAILED = 0;
    private static final int TRANSFORM_KEPT_HOST = 1;
    private static final int TRANSFORM_REWROTE_HOST = 2;

    private enum State { IDLE, LOCAL, CONNECTING, FORWARDING, TUNNEL, CLOSED }

    private final HttpListener listener;
    private final UpstreamPool pool;
    private final ResponseEncoder encoder;
    /** The connection's TLS headers (client certificate, version and cipher); null when there are none. */
    private final TlsHeaders tlsHeaders;
    private ChannelHandlerContext ctx;
    private InetAddress peer;
    private String peerString;
    /** {@link #peerString} with the client's port, made when first needed ({@code xffClientPortEnabled}). */
    private String peerWithPort;
    private State state = State.IDLE;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>(2);
    private boolean nonCompliantPending;

    // The current exchange.
    private RoutingSnapshot snap;
    private HttpRequest request;
    private String path;
    private String query;
    private boolean keepAlive;
    private boolean upgrade;
    private boolean http10;
    private boolean expectContinue;
    private boolean bodiless;
    private boolean idempotent;
    private boolean requestDone;
    private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>(4);
    private GroupRef group;
    private Target target;
    private boolean targetActive;
    private int attempts;
    private boolean staleRetried;
    private boolean connectTimedOut;
    private Channel upstream;
    private UpstreamHandler upHandler;
    private boolean upstreamReused;
    private boolean responseStarted;
    private boolean informational;
    private boolean tunnelPending;
    /** While a tunnel is open: closes it when its target's deregistration delay is over (as ALB does). */
    private Runnable tunnelDeregistered;
    private boolean responseKeepAlive;
    private long sentNanos;
    /** When the target must have started its response: the idle timeout after the whole request was sent. */
    private LazyDeadline responseDeadline;
    private ChannelFuture lastClientWrite;
    /** A final response's head not written yet (see {@link #onResponse}). */
    private HttpResponse pendingHead;
    private ChannelFuture lastUpstreamWrite;

    private final ChannelFutureListener readClient = f -> {
        if (f.isSuccess() && ((state == State.FORWARDING && !requestDone) || state == State.TUNNEL)) {
            ctx.read();
        }
    };
    private final ChannelFutureListener readUpstream = f -> {
        if (!f.isSuccess()) {
            ctx.close();
            return;
        }
        Channel u = upstream;
        if (u != null && (state == State.FORWARDING || state == State.TUNNEL)) {
            u.read();
        }
    };
    private final ChannelFutureListener connected = this::onConnected;
    private final Stickiness sticky = new Stickiness(StickyCookies.process());
    private ExchangeLog xlog;
    /** The connection's meter (its lifetime); null on an HTTP/2 stream, whose connection ends by GOAWAY. */
    private ClientMeter meter;

    /** @param tlsHeaders the connection's TLS headers (client certificate, version and cipher), or null */
    ClientHandler(HttpListener listener, UpstreamPool pool, ResponseEncoder encoder, TlsHeaders tlsHeaders) {
        this.listener = listener;
        this.pool = pool;
        this.encoder = encoder;
        this.tlsHeaders = tlsHeaders;
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        responseDeadline = new LazyDeadline(ctx.executor(), this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        peer = remote.getAddress();
        peerString = peer.getHostAddress();
        meter = ctx.pipeline().get(ClientMeter.class);
        // An HTTP/2 stream: its connection's meter holds the conn_trace_id its lines share with the connection's.
        Channel parent = ctx.channel().parent();
        xlog = new ExchangeLog(peerString, remote.getPort(), meter,
                meter != null || parent == null ? meter : parent.pipeline().get(ClientMeter.class),
                ctx.channel() instanceof Http2StreamChannel);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
        } else if (acceptsNow(msg)) {
            dispatch(msg);
        } else {
            backlog.add(msg);
        }
    }

    /** True when msg belongs to the exchange in progress (or starts one); else it waits in the backlog. */
    private boolean acceptsNow(Object msg) {
        if (!backlog.isEmpty()) {
            return false;
        }
        return switch (state) {
            case IDLE, TUNNEL -> true;
            case LOCAL, CONNECTING, FORWARDING -> !requestDone && msg instanceof HttpContent;
            case CLOSED -> false;
        };
    }

    private void dispatch(Object msg) {
        if (msg instanceof StrictRequestDecoder.Rejected r) {
            reject(r.status(), r.reason(), r.nonCompliant());
        } else if (msg == StrictRequestDecoder.NON_COMPLIANT) {
            nonCompliantPending = true;
        } else if (msg instanceof HttpRequest req) {
            if (req.decoderResult().isFailure()) {
                ReferenceCountUtil.release(req);
                Throwable cause = req.decoderResult().cause();
                reject(cause instanceof TooLongFrameException ? tooLongStatus(cause) : 400,
                        String.valueOf(cause), true);
                return;
            }
            onRequest(req);
            if (req instanceof HttpContent c) {
                onContent(c);
            }
        } else if (msg instanceof HttpContent c) {
            onContent(c);
        } else if (msg instanceof ByteBuf b && state == State.TUNNEL && upstream != null) {
            lastUpstreamWrite = upstream.write(b);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private static int tooLongStatus(Throwable cause) {
        return cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414 : 431;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        afterBatch();
    }

    /** After a batch of client reads: flush what was forwarded and ask for more when the exchange wants it. */
    private void afterBatch() {
        switch (state) {
            case FORWARDING, TUNNEL -> {
                if (upstream != null) {
                    FlushBatch.flushSoon(upstream);
                    if (state == State.TUNNEL || !requestDone) {
                        if (lastUpstreamWrite != null) {
                            lastUpstreamWrite.addListener(readClient);
                        } else {
                            ctx.read();
                        }
                    } else if (backlog.isEmpty()) {
                        // Keep the read interest while the response is pending (one read at most goes to the
                        // backlog): dropping it here and asking again after the response costs two epoll_ctl
                        // system calls per request.
                        ctx.read();
                    }
                }
            }
            case IDLE -> {
                if (backlog.isEmpty()) {
                    ctx.read();
                }
            }
            case LOCAL -> {
                if (!requestDone) {
                    ctx.read();
                }
            }
            default -> {
            }
        }
    }

    private void onRequest(HttpRequest req) {
        snap = listener.snapshot();
        xlog.start(req);
        if (nonCompliantPending) {
            nonCompliantPending = false;
            snap.lb.nonCompliant.increment();
        }
        request = req;
        path = null;
        query = null;
        requestDone = false;
        responseStarted = false;
        pendingHead = null;
        informational = false;
        tunnelPending = false;
        attempts = 0;
        staleRetried = false;
        lastClientWrite = null;
        lastUpstreamWrite = null;
        HttpHeaders h = req.headers();
        keepAlive = HttpUtil.isKeepAlive(req) && !listener.closing() && (meter == null || !meter.keepAliveExpired);
        http10 = req.protocolVersion().minorVersion() == 0;
        HttpMethod m = req.method();
        encoder.head(m == HttpMethod.HEAD);
        upgrade = h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        expectContinue = HttpUtil.is100ContinueExpected(req);
        bodiless = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0L;
        idempotent = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS
                || m == HttpMethod.TRACE || m == HttpMethod.PUT || m == HttpMethod.DELETE;

        if (m == HttpMethod.CONNECT || m == HttpMethod.TRACE) {
            // As ALB: no tunnels through CONNECT, no TRACE.
            local(Responses.error(405, keepAlive()), 405);
            return;
        }
        // On every listener, before the rules see the request: only the load balancer speaks for the connection's TLS.
        TlsHeaders.removeClientSent(h, snap.tlsNames, tlsHeaders);
        if (snap.dropInvalidHeaderFields) {
            RawHeaders.removeWhere(h, RawHeaders.INVALID_NAME);
        }
        Route<GroupRef> route = snap.router.route(this);
        if (route instanceof Route.Forward<GroupRef> f) {
            xlog.route("forward", f.rulePriority(), null);
            int transformed = f.transform() == null ? TRANSFORM_KEPT_HOST : transform(f.transform(), h);
            if (transformed == TRANSFORM_FAILED) {
                // AWS: a transform whose pattern matched but whose result is unusable is the load balancer's 500.
                local(Responses.error(500, keepAlive()), 500);
                return;
            }
            group = sticky.group(f, h, ThreadLocalRandom.current());
            if (!snap.preserveHostHeader && transformed == TRANSFORM_KEPT_HOST) {
                hostForTarget(h);
            }
            prepareForward(h);
            target = sticky.target(group.group());
            if (target == null) {
                local(Responses.error(503, keepAlive()), 503);
            } else {
                // AWS: RequestCount counts only requests for which a target could be chosen.
                snap.lb.requestCount.increment();
                group.metrics().requestCount.increment();
                group.group().countRequest();
                if (group.group().failOpen()) {
                    group.metrics().unhealthyRoutingRequests.increment();
                }
                connect(true);
            }
        } else if (route instanceof Route.Redirect<GroupRef> r) {
            xlog.route("redirect", -1, r.location());
            local(Responses.redirect(r.statusCode(), r.location(), keepAlive()), 0);
        } else if (route instanceof Route.FixedResponse<GroupRef> fr) {
            xlog.route("fixed-response", -1, null);
            local(Responses.fixed(fr.statusCode(), fr.contentType(), fr.body(), keepAlive()), fr.statusCode());
        }
    }

    /**
     * Applies the matched rule's transforms to what the target will get: the request-target (origin-form, the query
     * included; an absolute-form target is rewritten as its origin-form) and the Host header value (with its port).
     * The routing decision stands. {@link #TRANSFORM_FAILED} when a transform matched but failed (nothing is changed
     * then), {@link #TRANSFORM_REWROTE_HOST} when the Host value was rewritten, else {@link #TRANSFORM_KEPT_HOST}.
     */
    private int transform(RequestTransform t, HttpHeaders h) {
        String uri = request.uri();
        String target = uri.startsWith("/") ? uri : originForm();
        String newTarget = t.url(target);
        String host = h.get(HttpHeaderNames.HOST);
        String newHost = t.host(host);
        if (newTarget == null || newHost == null) {
            xlog.errorReason("TransformFailed");
            return TRANSFORM_FAILED;
        }
        if (newTarget != target || newHost != host) {
            xlog.clientSent(uri, host); // the access log's request is what the client sent
        }
        if (newTarget != target) {
            request.setUri(newTarget);
        }
        if (newHost != host) {
            h.set(HttpHeaderNames.HOST, newHost);
            return TRANSFORM_REWROTE_HOST;
        }
        return TRANSFORM_KEPT_HOST;
    }

    /**
     * AWS's Host handling without {@code preserveHostHeaderEnabled}: the port removed on listener ports 80 and 443,
     * the listener's port added on others when the client gave none ({@link HostHeader#forTarget}). A Host written
     * by a rule's transform is sent as written. The access log keeps what the client sent.
     */
    private void hostForTarget(HttpHeaders h) {
        String host = h.get(HttpHeaderNames.HOST);
        String forTarget = HostHeader.forTarget(host, snap.listenerPort, snap.portString);
        if (forTarget != host) {
            if (!xlog.clientSentRecorded()) {
                xlog.clientSent(request.uri(), host);
            }
            h.set(HttpHeaderNames.HOST, forTarget);
        }
    }

    /** The request-target in origin-form: path and query, without an absolute-form's scheme and authority. */
    private String originForm() {
        String q = rawQuery();
        return q == null ? rawPath() : rawPath() + "?" + q;
    }

    /** Whether a response made before the request body was read can keep the connection. */
    private boolean keepAlive() {
        if (!requestDone && expectContinue) {
            // The client waits for 100 Continue before sending its body: never ask for it, close instead.
            keepAlive = false;
        }
        return keepAlive;
    }

    private void prepareForward(HttpHeaders h) {
        removeConnectionOptions(h, upgrade);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            h.remove(HttpHeaderNames.CONNECTION);
            h.remove(HttpHeaderNames.UPGRADE);
        }
        switch (snap.xffMode) {
            case APPEND -> {
                String client = snap.xffClientPort ? peerWithPort() : peerString;
                String xff = h.get(X_FORWARDED_FOR);
                h.set(X_FORWARDED_FOR, xff == null ? client : xff + ", " + client);
            }
            case PRESERVE -> { } // as the client sent it, or absent
            case REMOVE -> h.remove(X_FORWARDED_FOR);
        }
        h.set(X_FORWARDED_PROTO, snap.protocol);
        h.set(X_FORWARDED_PORT, snap.portString);
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, RequestIds.next());
        }
        // ALB's request tracing: a new Root, or a new Self beside the Root another hop gave.
        String trace = h.get(X_AMZN_TRACE_ID);
        long seconds = System.currentTimeMillis() / 1000;
        h.set(X_AMZN_TRACE_ID, trace == null ? RequestIds.traceRoot(seconds) : RequestIds.traceHeader(trace, seconds));
        if (tlsHeaders != null) {
            tlsHeaders.addTo(h);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** The client's address and port as ALB writes them into X-Forwarded-For: {@code ip:port}, {@code [ipv6]:port}. */
    private String peerWithPort() {
        if (peerWithPort == null) {
            int port = ((InetSocketAddress) ctx.channel().remoteAddress()).getPort();
            peerWithPort = (peer instanceof Inet6Address ? "[" + peerString + "]" : peerString) + ":" + port;
        }
        return peerWithPort;
    }

    /**
     * Removes the headers a Connection header names (RFC 9110 7.6.1: hop-by-hop), except Upgrade when
     * {@code keepUpgrade}. The usual single option ("keep-alive", "close") costs no allocation.
     */
    private static void removeConnectionOptions(HttpHeaders h, boolean keepUpgrade) {
        String connection = h.get(HttpHeaderNames.CONNECTION);
        if (connection == null) {
            return;
        }
        if (connection.indexOf(',') < 0) {
            removeOption(h, connection.strip(), keepUpgrade);
            return;
        }
        for (String token : connection.split(",")) {
            removeOption(h, token.strip(), keepUpgrade);
        }
    }

    private static void removeOption(HttpHeaders h, String option, boolean keepUpgrade) {
        if (!option.isEmpty() && !(keepUpgrade && option.equalsIgnoreCase("upgrade"))) {
            h.remove(option);
        }
    }

    private void onContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            badBody(c);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
            // A chunked body's trailer fields: the load balancer's own headers are not the client's to send here either.
            TlsHeaders.removeClientSent(((LastHttpContent) c).trailingHeaders(), snap.tlsNames, tlsHeaders);
        }
        switch (state) {
            case LOCAL -> {
                c.release();
                if (last) {
                    requestDone = true;
                    exchangeDone();
                }
            }
            case CONNECTING -> {
                if (last) {
                    requestDone = true;
                }
                if (bodiless && last && !c.content().isReadable()
                        && ((LastHttpContent) c).trailingHeaders().isEmpty()) {
                    c.release(); // written as EMPTY_LAST_CONTENT, so that a retry can write it again
                } else {
                    pendingBody.add(c);
                }
            }
            case FORWARDING -> {
                if (bodiless) {
                    upstream.write(c, upstream.voidPromise()); // the empty end of a request without a body
                } else {
                    lastUpstreamWrite = upstream.write(c);
                }
                if (last) {
                    requestDone = true;
                    requestSent();
                }
            }
            default -> c.release();
        }
    }

    /** The request body broke the framing (e.g. an invalid chunk size): abort the exchange, answer 400, close. */
    private void badBody(HttpContent c) {
        Throwable cause = c.decoderResult().cause();
        c.release();
        cancelTimer();
        if (upstream != null) {
            detachUpstream().close();
        }
        finishTarget();
        HttpContent p;
        while ((p = pendingBody.poll()) != null) {
            p.release();
        }
        if (responseStarted || state == State.LOCAL) {
            state = State.CLOSED;
            ctx.close();
            return;
        }
        reject(400, String.valueOf(cause), true);
    }

    private void local(FullHttpResponse response, int elbCode) {
        if (elbCode >= 400) {
            snap.lb.elbStatus(elbCode);
        }
        state = State.LOCAL;
        int code = response.status().code();
        snap.setResponseHeaders(response.headers());
        lastClientWrite = ctx.writeAndFlush(response);
        xlog.finish(snap, request, group, target, sentNanos, code, false, ctx.pipeline());
        if (!keepAlive) {
            closeAfter(lastClientWrite);
        } else if (requestDone) {
            exchangeDone();
        }
        // else: the rest of the body is read and dropped (onContent, LOCAL), then the exchange ends.
    }

    /** The decoder refused the request: the target never saw it. Answer and close. */
    private void reject(int status, String reason, boolean nonCompliant) {
        RoutingSnapshot s = listener.snapshot();
        if (nonCompliant && status != 408) {
            s.lb.nonCompliant.increment();
        }
        s.lb.elbStatus(status);
        log.debug("rejected request from {}: {} {}", peerString, status, reason);
        state = State.CLOSED;
        closeAfter(ctx.writeAndFlush(Responses.error(status, false)));
        if (xlog != null) {
            xlog.finish(s, request, null, null, 0, status, false, ctx.pipeline());
        }
    }

    private void closeAfter(ChannelFuture f) {
        state = State.CLOSED;
        if (f == null) {
            // The last write had no future: writes complete in order, so close after an empty one.
            f = ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER);
        }
        f.addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the exchange and starts the next one (backlog first). */
    private void exchangeDone() {
        state = State.IDLE;
        request = null;
        group = null;
        target = null;
        snap = null;
        if (listener.closing() && backlog.isEmpty()) {
            ctx.close();
            state = State.CLOSED;
            return;
        }
        Object next;
        while (state == State.IDLE && (next = backlog.poll()) != null) {
            dispatch(next);
        }
        // Drain further backlog items belonging to the exchange just started (its body).
        while (!backlog.isEmpty() && acceptsNowIgnoringBacklog(backlog.peek())) {
            dispatch(backlog.poll());
        }
        if (upstream != null) {
            upstream.flush(); // what the backlog forwarded
        }
        if (backlog.isEmpty()) {
            afterBatch();
        }
    }

    private boolean acceptsNowIgnoringBacklog(Object msg) {
        return switch (state) {
            case IDLE, TUNNEL -> true;
            case LOCAL, CONNECTING, FORWARDING -> !requestDone && msg instanceof HttpContent;
            case CLOSED -> false;
        };
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientMeter.KeepAlive.EXPIRED) {
            // ALB's client keepalive duration has passed: close gracefully. Idle: now. A response not started yet
            // says Connection: close; one already under way (or sent) keeps the connection for one more request,
            // whose response says it (onRequest). A tunnel (WebSocket) is left to its idle timeout.
            if (state == State.IDLE && backlog.isEmpty()) {
                ctx.close();
            } else if ((state == State.CONNECTING || state == State.FORWARDING) && !responseStarted) {
                keepAlive = false;
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if ((state == State.IDLE && backlog.isEmpty()) || state == State.TUNNEL) {
                ctx.close(); // ALB: close a client connection (or WebSocket) idle for idleTimeoutSeconds
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The listener is closing (reload or shutdown): close now if idle, else after the current response. */
    void drain() {
        if (state == State.IDLE && backlog.isEmpty()) {
            ctx.close();
        }
        keepAlive = false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        responseDeadline.close();
        if (upstream != null) {
            Channel u = detachUpstream();
            u.close();
        }
        finishTarget();
        HttpContent c;
        while ((c = pendingBody.poll()) != null) {
            c.release();
        }
        Object o;
        while ((o = backlog.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed", peerString, cause);
        ctx.close();
    }

    // ---------------------------------------------------------------- upstream side

    private void connect(boolean allowPooled) {
        state = State.CONNECTING;
        attempts++;
        target.requestStarted();
        targetActive = true;
        // HTTP/2 targets: a new stream per request on a shared connection, never a pooled channel.
        Channel ch = allowPooled && !group.h2() ? pool.poll(target.address(), group.tls()) : null;
        if (ch != null) {
            upstreamReused = true;
            attach(ch);
            sendHead();
        } else {
            upstreamReused = false;
            pool.connect(ctx.channel().eventLoop(), target.address(), group.tls(), group.h2())
                    .addListener(connected);
        }
    }

    private void onConnected(ChannelFuture f) {
        if (state != State.CONNECTING) {
            f.channel().close(); // the client went away meanwhile
            return;
        }
        if (f.isSuccess()) {
            attach(f.channel());
            sendHead();
            return;
        }
        group.metrics().connectionErrors.increment();
        target.outcome(true);
        finishTarget();
        connectTimedOut = f.cause() instanceof io.netty.channel.ConnectTimeoutException;
        log.debug("connect to {} failed: {}", target, f.cause().toString());
        if (attempts < 2) {
            // Nothing was sent: retrying elsewhere is safe whatever the method.
            Target next = group.group().select(target);
            if (next != null && next != target) {
                target = next;
                connect(true);
                return;
            }
        }
        fail(connectTimedOut ? 504 : 502);
    }

    private void attach(Channel ch) {
        upstream = ch;
        upHandler = (UpstreamHandler) ch.pipeline().get("upstream");
        upHandler.owner = this;
    }

    private Channel detachUpstream() {
        Channel u = upstream;
        if (upHandler != null) {
            upHandler.owner = null;
        }
        upstream = null;
        upHandler = null;
        return u;
    }

    private void sendHead() {
        state = State.FORWARDING;
        sentNanos = System.nanoTime();
        if (requestDone || bodiless) {
            // The whole request is here, or there is no body to read on for (its end is the next message): nothing
            // waits for these writes (no promises to allocate or complete).
            ChannelPromise v = upstream.voidPromise();
            upstream.write(request, v);
            HttpContent c;
            while ((c = pendingBody.poll()) != null) {
                upstream.write(c, v);
            }
            if (bodiless && requestDone) {
                upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, v);
            }
            lastUpstreamWrite = null;
        } else {
            lastUpstreamWrite = upstream.write(request);
            HttpContent c;
            while ((c = pendingBody.poll()) != null) {
                lastUpstreamWrite = upstream.write(c);
            }
        }
        if (requestDone || expectContinue) {
            // With Expect: 100-continue the client waits for the target: it must answer (100 or final) in time.
            requestSent();
        }
        FlushBatch.flushSoon(upstream);
        upstream.read(); // the response, or 100 Continue
        if (lastUpstreamWrite != null) {
            lastUpstreamWrite.addListener(readClient);
        }
    }

    /** The whole request is on its way: the target now has the idle timeout to answer (else 504). */
    private void requestSent() {
        if (!responseStarted && !responseDeadline.isSet()) {
            responseDeadline.in(snap.idleTimeoutNanos);
        }
    }

    /** The response deadline passed: 504. */
    @Override
    public void run() {
        if (state == State.FORWARDING && !responseStarted) {
            Channel u = detachUpstream();
            if (u != null) {
                u.close();
            }
            target.outcome(true);
            finishTarget();
            fail(504);
        }
    }

    private void cancelTimer() {
        responseDeadline.clear();
    }

    private void finishTarget() {
        if (tunnelDeregistered != null) {
            target.removeWhenDeregistered(tunnelDeregistered);
            tunnelDeregistered = null;
        }
        if (targetActive) {
            targetActive = false;
            target.requestFinished();
        }
    }

    void upstreamRead(UpstreamHandler from, Object msg) {
        if (from != upHandler) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.TUNNEL) {
            if (msg instanceof ByteBuf) {
                lastClientWrite = ctx.write(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (state != State.FORWARDING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                log.debug("malformed response from {}: {}", target, r.decoderResult().cause().toString());
                Channel u = detachUpstream();
                u.close();
                target.outcome(true);
                finishTarget();
                fail(502);
                return;
            }
            onResponse(r);
            if (msg instanceof HttpContent c) {
                onResponseContent(c);
            }
        } else if (msg instanceof HttpContent c) {
            onResponseContent(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponse(HttpResponse r) {
        int code = r.status().code();
        if (code == 101 && upgrade) {
            cancelTimer();
            xlog.response(code, System.nanoTime());
            responseStarted = true;
            tunnelPending = true;
            lastClientWrite = ctx.write(r);
            return;
        }
        if (code >= 100 && code < 200) {
            cancelTimer(); // restarted when the whole request body has been sent
            informational = true; // e.g. 100 Continue: pass it on; the final response follows
            lastClientWrite = ctx.write(r);
            return;
        }
        cancelTimer();
        responseStarted = true;
        long now = System.nanoTime();
        group.metrics().targetResponseTime.record((now - sentNanos) / 1e9);
        group.metrics().targetStatus(code);
        target.outcome(code >= 500);
        xlog.response(code, now);
        responseKeepAlive = HttpUtil.isKeepAlive(r);
        HttpHeaders h = r.headers();
        removeConnectionOptions(h, false);
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.UPGRADE);
        if (listener.closing() || !requestDone) {
            // Answered before the whole request body was read: the rest of the body is not forwarded, so the
            // connection cannot carry another request; the client is told so in this response.
            keepAlive = false;
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean unframed = !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r)
                && code != 204 && code != 304 && request.method() != HttpMethod.HEAD;
        if (unframed) {
            // The target delimits the body by closing: an HTTP/1.1 client gets chunks, an HTTP/1.0 one a close.
            if (http10) {
                keepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(r, true);
            }
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        sticky.onResponse(h, group, target, snap.https);
        snap.setResponseHeaders(h);
        // Held until the first body message: a small complete body then goes out with the head in one buffer.
        pendingHead = r;
        lastClientWrite = null;
    }

    /** Writes the response head held back by {@link #onResponse}, if any (before anything else for the client). */
    private void writePendingHead() {
        HttpResponse r = pendingHead;
        if (r != null) {
            pendingHead = null;
            ctx.write(r, ctx.voidPromise()); // the body's writes (or the close after the last) carry the futures
        }
    }

    private void onResponseContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (tunnelPending) {
            lastClientWrite = ctx.write(c);
            if (last) {
                startTunnel();
            }
            return;
        }
        if (informational) {
            lastClientWrite = ctx.write(c);
            if (last) {
                informational = false;
                ctx.flush();
            }
            return;
        }
        if (!responseStarted) {
            c.release();
            return;
        }
        if (!last) {
            writePendingHead();
            lastClientWrite = ctx.write(c);
            return;
        }
        HttpResponse head = pendingHead;
        if (head != null && c.content().readableBytes() <= SMALL_BODY
                && ((LastHttpContent) c).trailingHeaders().isEmpty()) {
            // The whole response is here: head and body in one message, which the encoder writes as one buffer.
            pendingHead = null;
            writeLast(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), c.content(),
                    head.headers(), EmptyHttpHeaders.INSTANCE));
        } else {
            writePendingHead();
            writeLast(c);
        }
        responseComplete();
    }

    /** The response's last write: in the usual keep-alive end of an exchange nothing waits for it (no promise). */
    private void writeLast(Object msg) {
        if (keepAlive && requestDone) {
            ctx.write(msg, ctx.voidPromise());
            lastClientWrite = null;
        } else {
            lastClientWrite = ctx.write(msg);
        }
    }

    private void responseComplete() {
        xlog.finish(snap, request, group, target, sentNanos, xlog.targetStatus(), false, ctx.pipeline());
        cancelTimer();
        finishTarget();
        UpstreamHandler h = upHandler;
        Channel u = detachUpstream();
        if (requestDone && responseKeepAlive && u.isActive()) {
            pool.release(u, h);
        } else {
            u.close();
        }
        if (!requestDone) {
            keepAlive = false; // the target answered before the whole body: do not try to resync
        }
        if (!keepAlive) {
            ctx.flush();
            closeAfter(lastClientWrite);
            return;
        }
        FlushBatch.flushSoon(ctx.channel());
        exchangeDone();
    }

    private void startTunnel() {
        xlog.finish(snap, request, group, target, sentNanos, 101, true, ctx.pipeline());
        tunnelPending = false;
        state = State.TUNNEL;
        ctx.flush();
        // The codecs are done: from here on, raw bytes both ways. Removing a decoder hands over the bytes it
        // buffered, so nothing sent right after the 101 is lost.
        ctx.pipeline().remove(encoder);
        ctx.pipeline().remove(StrictRequestDecoder.class);
        upstream.pipeline().remove(UpstreamPool.CODEC);
        // A WebSocket outlives requests: when the target's deregistration ends (the delay is over, or it was
        // deregistered with none), the tunnel is closed, as ALB closes the connections left to a drained target.
        tunnelDeregistered = () -> ctx.channel().eventLoop().execute(() -> {
            if (state == State.TUNNEL) {
                log.debug("client connection {}: deregistration of {} over; closing its WebSocket", peerString, target);
                ctx.close();
            }
        });
        target.whenDeregistered(tunnelDeregistered);
        ctx.read();
        upstream.read();
    }

    void upstreamReadComplete(UpstreamHandler from) {
        if (from != upHandler) {
            return;
        }
        writePendingHead();
        ctx.flush();
        if (state == State.FORWARDING || state == State.TUNNEL) {
            if (lastClientWrite != null) {
                lastClientWrite.addListener(readUpstream);
            } else {
                upstream.read();
            }
        }
    }

    void upstreamClosed(UpstreamHandler from) {
        if (from != upHandler) {
            return;
        }
        detachUpstream();
        if (state == State.TUNNEL) {
            finishTarget();
            ctx.flush();
            closeAfter(ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER));
            return;
        }
        if (state != State.FORWARDING) {
            return;
        }
        finishTarget();
        if (responseStarted) {
            // Truncated response: nothing sensible to send any more.
            ctx.flush();
            state = State.CLOSED;
            ctx.close();
            return;
        }
        cancelTimer();
        boolean replayable = bodiless && requestDone && !informational && idempotent;
        if (replayable && upstreamReused && !staleRetried) {
            // A pooled keep-alive connection the target had closed: not a target failure, try a fresh one.
            staleRetried = true;
            attempts--;
            connect(false);
            return;
        }
        target.outcome(true); // closed without a response
        if (replayable && attempts < 2) {
            Target next = group.group().select(target);
            if (next != null && next != target) {
                target = next;
                connect(true);
                return;
            }
        }
        fail(502);
    }

    /** Answers the client with a load balancer error; after a partial request body, closes the connection. */
    private void fail(int code) {
        if (upstream != null) {
            detachUpstream().close();
        }
        if (responseStarted) {
            state = State.CLOSED;
            ctx.close();
            return;
        }
        if (!requestDone) {
            keepAlive = false;
        }
        local(Responses.error(code, keepAlive), code);
    }

    // ---------------------------------------------------------------- RequestView for the router

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String rawPath() {
        if (path == null) {
            splitUri();
        }
        return path;
    }

    @Override
    public String rawQuery() {
        if (path == null) {
            splitUri();
        }
        return query;
    }

    private void splitUri() {
        String uri = request.uri();
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int slash = uri.indexOf('/', scheme + 3);
                start = slash < 0 ? uri.length() : slash;
            }
        }
        int q = uri.indexOf('?', start);
        path = q < 0 ? uri.substring(start) : uri.substring(start, q);
        if (path.isEmpty()) {
            path = "/";
        }
        query = q < 0 ? null : uri.substring(q + 1);
    }

    @Override
    public String host() {
        return request.headers().get(HttpHeaderNames.HOST);
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public InetAddress sourceAddress() {
        return peer;
    }

    @Override
    public String protocol() {
        return snap.protocol;
    }

    @Override
    public int listenerPort() {
        return snap.listenerPort;
    }
}
