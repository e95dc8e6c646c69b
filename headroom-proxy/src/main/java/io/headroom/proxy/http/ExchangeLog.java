package io.headroom.proxy.http;

import io.headroom.proxy.accesslog.AccessLogEntry;
import io.headroom.proxy.accesslog.LogFile;
import io.headroom.proxy.http.RoutingSnapshot.GroupRef;
import io.headroom.proxy.target.Target;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * The access log's view of one client connection's current exchange: timings and marks captured on the event
 * loop with a few field writes, and one {@link AccessLogEntry} handed to the load balancer's access log
 * ({@link LogFile}) when the exchange ends (nothing at all when the load balancer has no access log).
 */
final class ExchangeLog {
    private static final AccessLogFields NO_TLS = new AccessLogFields(null, null, null);

    private record AccessLogFields(String cipher, String protocol, String sni) {
    }

    private final String clientIp;
    private final int clientPort;
    private final ClientMeter bytes;
    private final boolean http2;
    /** The connection's TLS fields, read from its session once (null until the first HTTPS line). */
    private AccessLogFields tlsFields;
    /** The meter of the client connection (for HTTP/2, of the connection the stream is on), or null. */
    private final ClientMeter connection;
    private String connTraceId;
    private long startNanos;
    private long responseNanos;
    private int targetStatus = -1;
    private int rulePriority = -1;
    private String actions;
    /** The authenticate-oidc action ran first: actions_executed starts with {@code authenticate}. */
    private boolean authenticated;
    private String redirectUrl;
    private String errorReason;
    /** What the client sent, when a rule transform rewrote the request-target or Host (else null: as in the request). */
    private String clientUri;
    private String clientHost;
    private String version;
    private long readMark;
    private long writtenMark;

    /**
     * @param bytes      where this exchange's bytes are counted (null for an HTTP/2 stream)
     * @param connection the meter of the client connection, whose {@code conn_trace_id} the lines carry; or null
     * @param http2      an HTTP/2 stream: logged as ALB logs them, type {@code h2} and {@code HTTP/2.0}
     */
    ExchangeLog(String clientIp, int clientPort, ClientMeter bytes, ClientMeter connection, boolean http2) {
        this.http2 = http2;
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.bytes = bytes;
        this.connection = connection;
    }

    /** A request arrived. */
    void start(HttpRequest request) {
        version = request.protocolVersion().text();
        startNanos = System.nanoTime(); // the wall-clock start is derived from it when logged (one clock read less)
        responseNanos = 0;
        targetStatus = -1;
        rulePriority = -1;
        actions = null;
        authenticated = false;
        redirectUrl = null;
        errorReason = null;
        clientUri = null;
        clientHost = null;
    }

    /** The route chosen: e.g. ("forward", 10, null) or ("redirect", -1, location). */
    void route(String actionsExecuted, int priority, String redirect) {
        actions = actionsExecuted;
        rulePriority = priority;
        redirectUrl = redirect;
    }

    /** An authenticate-oidc action ran (whatever came of it): actions_executed starts with {@code authenticate}. */
    void authenticate(int priority) {
        authenticated = true;
        rulePriority = priority;
    }

    /** A rule transform (or the Host handling) is about to rewrite the request: the log keeps what the client sent. */
    void clientSent(String uri, String host) {
        clientUri = uri;
        clientHost = host;
    }

    /** Whether {@link #clientSent} was called for this request. */
    boolean clientSentRecorded() {
        return clientUri != null;
    }

    /** The load balancer answered itself for this reason (the access log's error_reason), e.g. TransformFailed. */
    void errorReason(String reason) {
        errorReason = reason;
    }

    /** The status of the target's final response, -1 before one arrived. */
    int targetStatus() {
        return targetStatus;
    }

    /** The target's final response headers arrived at {@code nanoTime} ({@link System#nanoTime()}). */
    void response(int status, long nanoTime) {
        targetStatus = status;
        responseNanos = nanoTime;
    }

    /**
     * The exchange ended with {@code elbStatus} sent to the client: logs it.
     *
     * @param request   null when the request could not be parsed
     * @param sentNanos when the request was last sent to a target (ignored if before this exchange)
     */
    void finish(RoutingSnapshot snap, HttpRequest request, GroupRef group, Target target, long sentNanos,
                int elbStatus, boolean upgraded, ChannelPipeline pipeline) {
        long read = bytes == null ? 0 : bytes.read;
        long written = bytes == null ? 0 : bytes.written;
        long received = read - readMark;
        long sent = written - writtenMark;
        readMark = read;
        writtenMark = written;
        LogFile<AccessLogEntry> log = snap == null ? null : snap.accessLog;
        if (log == null) {
            return;
        }
        long now = System.nanoTime();
        long start = startNanos == 0 ? now : startNanos;
        long startUs = System.currentTimeMillis() * 1000 - (now - start) / 1000;
        boolean wasSent = target != null && sentNanos != 0 && sentNanos - start >= 0;
        long requestTime = wasSent ? sentNanos - start : -1;
        long targetTime = wasSent && responseNanos != 0 ? responseNanos - sentNanos : -1;
        // The target's response head is written to the client in the same event-loop step that read it.
        long responseTime = wasSent && responseNanos != 0 ? 0 : -1;
        if (connTraceId == null) {
            connTraceId = connection != null ? connection.connTraceId() : ClientMeter.nextConnTraceId();
        }
        AccessLogFields tls = NO_TLS;
        if (snap.https) {
            if (tlsFields == null) {
                tlsFields = tls(pipeline);
            }
            tls = tlsFields;
        }
        String type = upgraded ? (snap.https ? "wss" : "ws") : http2 ? "h2" : snap.protocol;
        HttpHeaders h = request == null ? null : request.headers();
        boolean rewritten = clientUri != null;
        log.log(new AccessLogEntry(type, startUs + (now - start) / 1000, snap.loadBalancer, clientIp, clientPort,
                target == null ? null : target.address(), requestTime, targetTime, responseTime, elbStatus,
                wasSent ? targetStatus : -1, received, sent,
                request == null ? null : request.method().name(), snap.protocol,
                rewritten ? clientHost : h == null ? null : h.get(HttpHeaderNames.HOST), snap.listenerPort,
                rewritten ? clientUri : request == null ? null : request.uri(),
                request == null ? null : http2 ? "HTTP/2.0" : version,
                h == null ? null : h.get(HttpHeaderNames.USER_AGENT),
                h == null ? null : h.get(HttpHeaderNames.REFERER),
                tls.cipher, tls.protocol, group == null ? null : group.group().name(),
                h == null ? null : h.get("x-amzn-trace-id"), tls.sni, rulePriority, startUs,
                authenticated ? (actions == null ? "authenticate" : "authenticate," + actions) : actions, redirectUrl,
                errorReason, null, null, connTraceId));
        startNanos = 0;
    }

    /** The TLS fields of the connection (of an HTTP/2 stream's parent connection); the cipher by OpenSSL's name. */
    private static AccessLogFields tls(ChannelPipeline pipeline) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        if (ssl == null && pipeline.channel().parent() != null) {
            ssl = pipeline.channel().parent().pipeline().get(SslHandler.class);
        }
        if (ssl == null) {
            return NO_TLS;
        }
        SSLSession s = ssl.engine().getSession();
        String sni = null;
        if (s instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
        }
        String suite = s.getCipherSuite();
        String openSsl = CipherSuiteConverter.toOpenSsl(suite, false);
        return new AccessLogFields(openSsl == null ? suite : openSsl, s.getProtocol(), sni);
    }
}
