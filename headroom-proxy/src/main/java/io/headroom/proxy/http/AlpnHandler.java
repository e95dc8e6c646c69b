package io.headroom.proxy.http;

import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import io.headroom.proxy.accesslog.ConnectionLogEntry;
import io.headroom.proxy.accesslog.LogFile;
import io.headroom.proxy.tls.HandshakeRefusal;
import io.headroom.proxy.tls.ServerTls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On an HTTPS connection, waits for the TLS handshake and then adds the handlers of the protocol ALPN chose:
 * HTTP/2 ({@code h2}) or HTTP/1.1 (also when the client used no ALPN). Requests that arrived meanwhile are passed
 * on once the handlers are there. With mutual TLS (or the load balancer's TLS version and cipher headers) it also
 * reads the session, once, into the {@link TlsHeaders} every request of the connection carries to its target.
 *
 * <p>When the load balancer has a connection log, it hands it one {@link ConnectionLogEntry} when the handshake
 * ends: succeeded, failed (a refused client certificate says why, with AWS's reason code) or cut short by the
 * client closing the connection. Raw values only; the log's writer thread formats them.
 */
final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnHandler.class);

    private final HttpListener listener;
    private final UpstreamPool pool;
    /** The mutual TLS mode of the certificates this connection was accepted with. */
    private final Mode mtlsMode;
    /** The connection's meter: its conn_trace_id is the connection log's. */
    private final ClientMeter meter;
    /** When the connection was accepted ({@link System#nanoTime()}): the handshake latency counts from here. */
    private final long acceptedNanos = System.nanoTime();
    private InetSocketAddress client;
    private boolean failed;
    /** The handshake's connection log entry was made (or there is no connection log). */
    private boolean logged;

    AlpnHandler(HttpListener listener, UpstreamPool pool, Mode mtlsMode, ClientMeter meter) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.listener = listener;
        this.pool = pool;
        this.mtlsMode = mtlsMode;
        this.meter = meter;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        client = (InetSocketAddress) ctx.channel().remoteAddress();
        ctx.read(); // auto-read is off: ask for the ClientHello; the TLS handlers read on until the handshake ends
        super.channelActive(ctx);
    }

    /** Closed before the handshake ended and before the TLS handler reported it (e.g. within the ClientHello). */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        logHandshake(null, null);
        super.channelInactive(ctx);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        TlsHeaders tlsHeaders = null;
        RoutingSnapshot snap = listener.snapshot();
        boolean versionAndCipher = snap.tlsVersionAndCipherHeaders;
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        SSLSession session = ssl == null ? null : ssl.engine().getSession();
        logHandshake(session, null);
        if (mtlsMode != Mode.OFF || versionAndCipher) {
            tlsHeaders = TlsHeaders.of(mtlsMode, session, versionAndCipher, snap.tlsNames);
        }
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Frontend.configure(ctx.pipeline(), listener, pool, tlsHeaders);
        } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            listener.addHttp1(ctx.pipeline(), tlsHeaders);
        } else {
            throw new IllegalStateException("unexpected ALPN protocol " + protocol);
        }
        // The handlers just added missed channelActive (the connection was already open): they start now.
        ctx.fireChannelActive();
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        failed(ctx, cause);
    }

    /** Before the handshake ended: not TLS at all, a protocol error, or a timeout. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(ctx, cause);
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        if (!failed) {
            failed = true; // the TLS handler reports one failure both as an exception and as an event
            listener.snapshot().lb.clientTlsErrors.increment();
            HandshakeRefusal refusal = mtlsMode == Mode.VERIFY ? ServerTls.clientCertificateRefusal(cause) : null;
            logHandshake(null, refusal);
            if (refusal != null) {
                listener.clientCertificateRefused(ctx.channel().remoteAddress(), refusal.message());
            } else {
                // Scanners, old clients and clients that do not trust the certificate: routine, not worth a warning.
                log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
        }
        ctx.close();
    }

    /**
     * The connection log's entry of this handshake, once: succeeded ({@code session} non-null), or failed because
     * of the client's certificate ({@code refusal} non-null) or for another reason (both null).
     */
    private void logHandshake(SSLSession session, HandshakeRefusal refusal) {
        if (logged) {
            return;
        }
        logged = true;
        LogFile<ConnectionLogEntry> log = listener.snapshot().connectionLog;
        if (log == null) {
            return;
        }
        Instant now = Instant.now();
        String protocol = null;
        String cipher = null;
        X509Certificate leaf = null;
        long latency = -1;
        String status;
        if (session != null) {
            protocol = session.getProtocol();
            cipher = session.getCipherSuite();
            leaf = mtlsMode == Mode.OFF ? null : leafCertificate(session);
            latency = System.nanoTime() - acceptedNanos;
            status = ConnectionLogEntry.SUCCESS;
        } else if (refusal != null) {
            protocol = refusal.protocol();
            cipher = refusal.cipherSuite();
            leaf = refusal.leaf();
            status = ConnectionLogEntry.failed(refusal.reasonCode());
        } else {
            status = ConnectionLogEntry.failed(ConnectionLogEntry.UNMAPPED);
        }
        log.log(new ConnectionLogEntry(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000,
                client == null ? "-" : client.getAddress().getHostAddress(), client == null ? 0 : client.getPort(),
                listener.snapshot().listenerPort, protocol, cipher, latency, leaf, status, meter.connTraceId(), null));
    }

    private static X509Certificate leafCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // passthrough: the client sent none
        }
    }
}
