package io.headroom.core.config;

import java.util.List;

/**
 * A named set of listeners.
 *
 * @param http2Enabled AWS's {@code routing.http2.enabled}: HTTPS listeners offer HTTP/2 by ALPN (else HTTP/1.1 only)
 * @param preserveHostHeaderEnabled AWS's {@code routing.http.preserve_host_header.enabled}: targets get the Host header
 *                                  as the client sent it; else without a port on listener ports 80 and 443 and with
 *                                  the listener's port elsewhere (unless the client gave one)
 * @param clientKeepAliveSeconds AWS's {@code client_keep_alive.seconds}: how long a client connection may stay open
 *                               however busy it is; then it is closed gracefully
 * @param connectionLog AWS's {@code connection_logs.s3.enabled}: one line per TLS handshake on HTTPS listeners
 */
public record LoadBalancerConfig(
        String name,
        Type type,
        int idleTimeoutSeconds,
        DesyncMitigationMode desyncMitigationMode,
        XffHeaderProcessingMode xffHeaderProcessingMode,
        boolean xffClientPortEnabled,
        boolean xAmznTlsVersionAndCipherSuiteEnabled,
        boolean dropInvalidHeaderFieldsEnabled,
        boolean preserveHostHeaderEnabled,
        boolean http2Enabled,
        int clientKeepAliveSeconds,
        AccessLogConfig accessLog,
        ConnectionLogConfig connectionLog,
        List<ListenerConfig> listeners) {

    public LoadBalancerConfig {
        listeners = List.copyOf(listeners);
    }

    public enum Type { APPLICATION, NETWORK }

    /** How strictly requests are checked against RFC 9112 (AWS's desync mitigation modes). */
    public enum DesyncMitigationMode { MONITOR, DEFENSIVE, STRICTEST }

    /**
     * What happens to a request's X-Forwarded-For header (AWS's routing.http.xff_header_processing.mode): the client's
     * address appended to it (or set), the header sent on as received, or removed.
     */
    public enum XffHeaderProcessingMode { APPEND, PRESERVE, REMOVE }

    /**
     * One line per request to {@code path} (relative to {@code stateDir} unless absolute), rotated when it
     * reaches {@code maxSizeMb}, keeping {@code maxFiles} rotated files ({@code path.1} is the newest).
     */
    public record AccessLogConfig(boolean enabled, Format format, String path, int maxSizeMb, int maxFiles) {
        public enum Format { ALB, JSON, COMBINED }

        /** Default rotation: 100 MiB, 5 files kept. */
        public AccessLogConfig(boolean enabled, Format format, String path) {
            this(enabled, format, path, 100, 5);
        }

        public static AccessLogConfig disabled() {
            return new AccessLogConfig(false, Format.ALB, "access.log");
        }
    }

    /**
     * One line per TLS handshake on the HTTPS listeners (AWS's connection log) to {@code path} (relative to
     * {@code stateDir} unless absolute), rotated as the access log is.
     */
    public record ConnectionLogConfig(boolean enabled, String path, int maxSizeMb, int maxFiles) {
        public static ConnectionLogConfig disabled() {
            return new ConnectionLogConfig(false, "connection.log", 100, 5);
        }
    }
}
