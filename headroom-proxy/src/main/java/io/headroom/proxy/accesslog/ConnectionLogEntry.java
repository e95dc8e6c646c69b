package io.headroom.proxy.accesslog;

import java.security.cert.X509Certificate;

/**
 * One TLS handshake on an HTTPS listener as the connection log records it (ALB's connection log entry): raw values
 * captured on the event loop when the handshake ended, turned into a line on the log's writer thread. A null string,
 * a negative number or a null certificate means "no value".
 *
 * @param timeMicros     when the handshake succeeded or failed (epoch microseconds)
 * @param clientIp       the client's address
 * @param clientPort     the client's port
 * @param listenerPort   the listener's port
 * @param tlsProtocol    the protocol agreed on, e.g. {@code TLSv1.3}; null when the handshake failed before that
 * @param tlsCipher      the cipher suite agreed on, the JDK's (IANA) name; null when the handshake failed before that
 * @param handshakeNanos from accepting the connection to the end of a successful handshake; -1 when it failed
 * @param leafClientCert the client's leaf certificate; null when it sent none or the listener asks for none
 * @param verifyStatus   {@code Success}, or {@code Failed:} and AWS's error reason code
 * @param connTraceId    the connection's id, the one its requests have in the access log
 * @param tlsKeyExchange the key exchange group (e.g. {@code X25519}); null when not known
 */
public record ConnectionLogEntry(long timeMicros, String clientIp, int clientPort, int listenerPort,
                                 String tlsProtocol, String tlsCipher, long handshakeNanos,
                                 X509Certificate leafClientCert, String verifyStatus, String connTraceId,
                                 String tlsKeyExchange) {
    /** {@code tls_verify_status} of a handshake that succeeded. */
    public static final String SUCCESS = "Success";
    /** The reason code of failures that are not about the client's certificate (protocol, cipher, closed, timeout). */
    public static final String UNMAPPED = "UnmappedConnectionError";

    /** {@code tls_verify_status} of a handshake that failed for this AWS reason code. */
    public static String failed(String reasonCode) {
        return "Failed:" + reasonCode;
    }
}
