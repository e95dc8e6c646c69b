package io.headroom.proxy.http;

import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * The request headers that tell targets about one client connection's TLS, as AWS ALB sends them: the client
 * certificate's with mutual TLS, and the protocol version and cipher suite when the load balancer's
 * {@code xAmznTlsVersionAndCipherSuiteEnabled} is on ({@code x-amzn-tls-version: TLSv1.3},
 * {@code x-amzn-tls-cipher-suite} with OpenSSL's name of the suite, e.g. {@code ECDHE-RSA-AES128-GCM-SHA256}). Made
 * once when the handshake ends; every request of the connection (every stream, for HTTP/2) gets the same values.
 * With mutual TLS:
 *
 * <ul>
 *   <li>{@code passthrough}: {@code X-Amzn-Mtls-Clientcert}, the whole chain the client sent (leaf first) as
 *       URL-encoded PEM; nothing when the client sent no certificate.</li>
 *   <li>{@code verify}: {@code X-Amzn-Mtls-Clientcert-Serial-Number} (hex), {@code -Issuer} and {@code -Subject}
 *       (RFC 2253), {@code -Validity} ({@code NotBefore=...Z;NotAfter=...Z}) and {@code -Leaf} (URL-encoded PEM) of
 *       the leaf certificate.</li>
 * </ul>
 *
 * URL-encoded as AWS does (Python's {@code quote(pem, safe="+=/")}): letters, digits and {@code - _ . ~ + = /}
 * stay, everything else is {@code %XX}. Whatever {@code X-Amzn-Mtls-*} or {@code X-Amzn-Tls-*} field a client sends
 * itself is removed first, on every listener ({@link #removeClientSent}).
 */
final class TlsHeaders {
    /** The names of the headers only the load balancer may send (their common beginnings). */
    private static final RawHeaders.NameTest OURS = RawHeaders.startingWith("x-amzn-mtls-", "x-amzn-tls-");
    private static final AsciiString TLS_VERSION = AsciiString.cached("x-amzn-tls-version");
    private static final AsciiString TLS_CIPHER_SUITE = AsciiString.cached("x-amzn-tls-cipher-suite");
    private static final AsciiString CLIENTCERT = AsciiString.cached("X-Amzn-Mtls-Clientcert");
    private static final AsciiString SERIAL_NUMBER = AsciiString.cached("X-Amzn-Mtls-Clientcert-Serial-Number");
    private static final AsciiString ISSUER = AsciiString.cached("X-Amzn-Mtls-Clientcert-Issuer");
    private static final AsciiString SUBJECT = AsciiString.cached("X-Amzn-Mtls-Clientcert-Subject");
    private static final AsciiString VALIDITY = AsciiString.cached("X-Amzn-Mtls-Clientcert-Validity");
    private static final AsciiString LEAF = AsciiString.cached("X-Amzn-Mtls-Clientcert-Leaf");
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** Name, value, name, value, ... */
    private final AsciiString[] fields;

    private TlsHeaders(AsciiString... fields) {
        this.fields = fields;
    }

    /**
     * The headers for a connection whose handshake just ended: the client certificate's when the listener asks for one
     * and the client sent one, and the protocol version and cipher suite when {@code versionAndCipher}; null when
     * there is nothing to add.
     */
    static TlsHeaders of(Mode mode, SSLSession session, boolean versionAndCipher) {
        TlsHeaders certificate = certificate(mode, session);
        if (!versionAndCipher || session == null) {
            return certificate;
        }
        String suite = session.getCipherSuite();
        String openSsl = CipherSuiteConverter.toOpenSsl(suite, false);
        AsciiString[] tls = {TLS_VERSION, new AsciiString(session.getProtocol()),
                TLS_CIPHER_SUITE, new AsciiString(openSsl == null ? suite : openSsl)};
        if (certificate == null) {
            return new TlsHeaders(tls);
        }
        AsciiString[] all = Arrays.copyOf(certificate.fields, certificate.fields.length + tls.length);
        System.arraycopy(tls, 0, all, certificate.fields.length, tls.length);
        return new TlsHeaders(all);
    }

    private static TlsHeaders certificate(Mode mode, SSLSession session) {
        if (mode == Mode.OFF || session == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null; // passthrough, and the client sent no certificate
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return null;
        }
        if (mode == Mode.PASSTHROUGH) {
            StringBuilder pem = new StringBuilder(chain.length * 1200);
            for (Certificate c : chain) {
                pem.append(pem(c));
            }
            return new TlsHeaders(CLIENTCERT, urlEncoded(pem));
        }
        return new TlsHeaders(
                SERIAL_NUMBER, new AsciiString(leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)),
                ISSUER, rfc2253(leaf.getIssuerX500Principal()),
                SUBJECT, rfc2253(leaf.getSubjectX500Principal()),
                VALIDITY, new AsciiString("NotBefore=" + leaf.getNotBefore().toInstant() + ";NotAfter="
                        + leaf.getNotAfter().toInstant()),
                LEAF, urlEncoded(pem(leaf)));
    }

    /** Adds the fields to a request about to be forwarded (after {@link #removeClientSent}). */
    void addTo(HttpHeaders h) {
        for (int i = 0; i < fields.length; i += 2) {
            h.add(fields[i], fields[i + 1]);
        }
    }

    /**
     * Removes every {@code X-Amzn-Mtls-*} and {@code X-Amzn-Tls-*} field: only the load balancer says what the
     * client's certificate and TLS are.
     */
    static void removeClientSent(HttpHeaders h) {
        RawHeaders.removeWhere(h, OURS);
    }

    /** The value of {@code name}, for tests; null when there is none. */
    String get(CharSequence name) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].contentEqualsIgnoreCase(name)) {
                return fields[i + 1].toString();
            }
        }
        return null;
    }

    static String pem(Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a peer certificate that cannot be encoded", e);
        }
    }

    /** Percent-encoding that keeps letters, digits and {@code - _ . ~ + = /}, as AWS's headers have it. */
    static AsciiString urlEncoded(CharSequence s) {
        byte[] utf8 = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length * 3];
        int n = 0;
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~' || c == '+' || c == '=' || c == '/') {
                out[n++] = b;
            } else {
                out[n++] = '%';
                out[n++] = HEX[c >> 4];
                out[n++] = HEX[c & 15];
            }
        }
        return new AsciiString(out, 0, n, true);
    }

    /**
     * A distinguished name in RFC 2253 form, fit for a header value: characters outside printable ASCII (UTF-8 in a
     * name, or control characters) become the {@code \XX} escapes RFC 2253 allows for any character.
     */
    static AsciiString rfc2253(X500Principal name) {
        String s = name.getName(X500Principal.RFC2253);
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
            for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('\\').append((char) HEX[(b >> 4) & 15]).append((char) HEX[b & 15]);
            }
            i = end - 1;
        }
        return new AsciiString(out == null ? s : out);
    }
}
