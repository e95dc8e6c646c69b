package io.headroom.proxy.http;

import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import io.headroom.proxy.tls.ServerTls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On an HTTPS connection, waits for the TLS handshake and then adds the handlers of the protocol ALPN chose:
 * HTTP/2 ({@code h2}) or HTTP/1.1 (also when the client used no ALPN). Requests that arrived meanwhile are passed
 * on once the handlers are there. With mutual TLS (or the load balancer's TLS version and cipher headers) it also
 * reads the session, once, into the {@link TlsHeaders} every request of the connection carries to its target.
 */
final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnHandler.class);

    private final HttpListener listener;
    private final UpstreamPool pool;
    /** The mutual TLS mode of the certificates this connection was accepted with. */
    private final Mode mtlsMode;
    private boolean failed;

    AlpnHandler(HttpListener listener, UpstreamPool pool, Mode mtlsMode) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.listener = listener;
        this.pool = pool;
        this.mtlsMode = mtlsMode;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // auto-read is off: ask for the ClientHello; the TLS handlers read on until the handshake ends
        super.channelActive(ctx);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        TlsHeaders tlsHeaders = null;
        RoutingSnapshot snap = listener.snapshot();
        boolean versionAndCipher = snap.tlsVersionAndCipherHeaders;
        if (mtlsMode != Mode.OFF || versionAndCipher) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            tlsHeaders = TlsHeaders.of(mtlsMode, ssl == null ? null : ssl.engine().getSession(), versionAndCipher,
                    snap.tlsNames);
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
            String refusal = mtlsMode == Mode.VERIFY ? ServerTls.clientCertificateRefusal(cause) : null;
            if (refusal != null) {
                listener.clientCertificateRefused(ctx.channel().remoteAddress(), refusal);
            } else {
                // Scanners, old clients and clients that do not trust the certificate: routine, not worth a warning.
                log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
        }
        ctx.close();
    }
}
