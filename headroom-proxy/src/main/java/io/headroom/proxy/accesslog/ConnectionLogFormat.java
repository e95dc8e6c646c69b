package io.headroom.proxy.accesslog;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * ALB's connection log entry: space-separated, in ALB's field order, {@code -} for no value (the subject, being
 * quoted, is {@code "-"}):
 *
 * <pre>
 * timestamp client_ip client_port listener_port tls_protocol tls_cipher tls_handshake_latency
 * "leaf_client_cert_subject" leaf_client_cert_validity leaf_client_cert_serial_number tls_verify_status
 * conn_trace_id tls_keyexchange
 * </pre>
 *
 * The timestamp is ISO 8601 in UTC with microseconds; the cipher has OpenSSL's name
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}); the latency is in seconds with millisecond precision; the subject is the
 * RFC 2253 name; the validity is {@code NotBefore=...;NotAfter=...} in ISO 8601 to the second; the serial number is
 * upper-case hex. Runs on the writer thread only.
 */
public final class ConnectionLogFormat implements LogFile.LineFormat<ConnectionLogEntry> {
    public static final ConnectionLogFormat ALB = new ConnectionLogFormat();

    private ConnectionLogFormat() {
    }

    @Override
    public void format(ConnectionLogEntry e, StringBuilder out) {
        AccessLogFormat.isoMicros(e.timeMicros(), out);
        out.append(' ').append(e.clientIp()).append(' ').append(e.clientPort()).append(' ')
                .append(e.listenerPort()).append(' ');
        AccessLogFormat.plain(e.tlsProtocol(), out);
        out.append(' ');
        AccessLogFormat.plain(openSslName(e.tlsCipher()), out);
        out.append(' ');
        if (e.handshakeNanos() < 0) {
            out.append('-');
        } else {
            AccessLogFormat.seconds(e.handshakeNanos(), out);
        }
        out.append(' ');
        X509Certificate leaf = e.leafClientCert();
        AccessLogFormat.quoted(leaf == null ? null : leaf.getSubjectX500Principal().getName(), out);
        out.append(' ');
        if (leaf == null) {
            out.append("- -");
        } else {
            out.append("NotBefore=");
            DateTimeFormatter.ISO_INSTANT.formatTo(leaf.getNotBefore().toInstant(), out);
            out.append(";NotAfter=");
            DateTimeFormatter.ISO_INSTANT.formatTo(leaf.getNotAfter().toInstant(), out);
            out.append(' ').append(serial(leaf.getSerialNumber()));
        }
        out.append(' ');
        AccessLogFormat.plain(e.verifyStatus(), out);
        out.append(' ');
        AccessLogFormat.plain(e.connTraceId(), out);
        out.append(' ');
        AccessLogFormat.plain(e.tlsKeyExchange(), out);
    }

    private static String openSslName(String suite) {
        if (suite == null) {
            return null;
        }
        String name = CipherSuiteConverter.toOpenSsl(suite, false);
        return name == null ? suite : name;
    }

    /** Upper-case hex with an even number of digits, as OpenSSL prints it ({@code 02}, {@code 1F3A}). */
    private static String serial(BigInteger n) {
        String hex = n.toString(16).toUpperCase(Locale.ROOT);
        return (hex.length() & 1) == 1 ? "0" + hex : hex;
    }
}
