package io.headroom.proxy.http;

import io.headroom.core.config.ListenerConfig;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
 *
 * <p>A listener's {@code requestHeaderNames} (AWS's {@code routing.http.request.*.header_name}) send the fields
 * under other names ({@link Names}, resolved once per routing snapshot); client-sent fields of those names are removed
 * too.
 */
final class TlsHeaders {
    /** The beginnings of the names only the load balancer may send, whatever a listener renames. */
    private static final String[] OURS = {"x-amzn-mtls-", "x-amzn-tls-"};
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /**
     * The names one listener sends the fields under, and the test for the client-sent fields it removes: AWS's
     * {@code X-Amzn-Mtls-*} and {@code X-Amzn-Tls-*} always, and the listener's own names. Built at config load.
     */
    static final class Names {
        /** AWS's names: every listener without {@code requestHeaderNames}, and every HTTP listener. */
        static final Names AWS = new Names(ListenerConfig.REQUEST_HEADER_NAMES);

        final AsciiString serialNumber;
        final AsciiString issuer;
        final AsciiString subject;
        final AsciiString validity;
        final AsciiString leaf;
        final AsciiString clientCert;
        final AsciiString tlsVersion;
        final AsciiString tlsCipherSuite;
        final RawHeaders.NameTest clientSent;

        /** @param names config key of {@link ListenerConfig#REQUEST_HEADER_NAMES} to name, for all the keys */
        private Names(Map<String, String> names) {
            serialNumber = AsciiString.cached(names.get("xAmznMtlsClientcertSerialNumber"));
            issuer = AsciiString.cached(names.get("xAmznMtlsClientcertIssuer"));
            subject = AsciiString.cached(names.get("xAmznMtlsClientcertSubject"));
            validity = AsciiString.cached(names.get("xAmznMtlsClientcertValidity"));
            leaf = AsciiString.cached(names.get("xAmznMtlsClientcertLeaf"));
            clientCert = AsciiString.cached(names.get("xAmznMtlsClientcert"));
            tlsVersion = AsciiString.cached(names.get("xAmznTlsVersion"));
            tlsCipherSuite = AsciiString.cached(names.get("xAmznTlsCipherSuite"));
            clientSent = RawHeaders.startingWithOrNamed(OURS, names.values().stream()
                    .map(n -> n.toLowerCase(Locale.ROOT))
                    .filter(n -> !n.startsWith(OURS[0]) && !n.startsWith(OURS[1]))
                    .distinct().toArray(String[]::new));
        }

        /** The listener's names; {@link #AWS} (the same instance) when it renames none. */
        static Names of(ListenerConfig listener) {
            if (listener.requestHeaderNames().isEmpty()) {
                return AWS;
            }
            Map<String, String> names = new LinkedHashMap<>();
            ListenerConfig.REQUEST_HEADER_NAMES.keySet().forEach(k -> names.put(k, listener.requestHeaderName(k)));
            return new Names(names);
        }
    }

    /** The names the fields are sent under. */
    private final Names names;
    /** Name, value, name, value, ... */
    private final AsciiString[] fields;

    private TlsHeaders(Names names, AsciiString... fields) {
        this.names = names;
        this.fields = fields;
    }

    /**
     * The headers for a connection whose handshake just ended: the client certificate's when the listener asks for one
     * and the client sent one, and the protocol version and cipher suite when {@code versionAndCipher}, under these
     * names; null when there is nothing to add.
     */
    static TlsHeaders of(Mode mode, SSLSession session, boolean versionAndCipher, Names names) {
        TlsHeaders certificate = certificate(mode, session, names);
        if (!versionAndCipher || session == null) {
            return certificate;
        }
        String suite = session.getCipherSuite();
        String openSsl = CipherSuiteConverter.toOpenSsl(suite, false);
        AsciiString[] tls = {names.tlsVersion, new AsciiString(session.getProtocol()),
                names.tlsCipherSuite, new AsciiString(openSsl == null ? suite : openSsl)};
        if (certificate == null) {
            return new TlsHeaders(names, tls);
        }
        AsciiString[] all = Arrays.copyOf(certificate.fields, certificate.fields.length + tls.length);
        System.arraycopy(tls, 0, all, certificate.fields.length, tls.length);
        return new TlsHeaders(names, all);
    }

    private static TlsHeaders certificate(Mode mode, SSLSession session, Names names) {
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
            return new TlsHeaders(names, names.clientCert, urlEncoded(pem));
        }
        return new TlsHeaders(names,
                names.serialNumber, new AsciiString(leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)),
                names.issuer, rfc2253(leaf.getIssuerX500Principal()),
                names.subject, rfc2253(leaf.getSubjectX500Principal()),
                names.validity, new AsciiString("NotBefore=" + leaf.getNotBefore().toInstant() + ";NotAfter="
                        + leaf.getNotAfter().toInstant()),
                names.leaf, urlEncoded(pem(leaf)));
    }

    /** Adds the fields to a request about to be forwarded (after {@link #removeClientSent}). */
    void addTo(HttpHeaders h) {
        for (int i = 0; i < fields.length; i += 2) {
            h.add(fields[i], fields[i + 1]);
        }
    }

    /**
     * Removes every {@code X-Amzn-Mtls-*} and {@code X-Amzn-Tls-*} field and every field of the listener's own names
     * for them: only the load balancer says what the client's certificate and TLS are.
     *
     * @param current    the names of the listener's current routing snapshot
     * @param connection the connection's fields (null: none), which a reload may have left with names of an older
     *                   config; those are removed too
     */
    static void removeClientSent(HttpHeaders h, Names current, TlsHeaders connection) {
        RawHeaders.removeWhere(h, current.clientSent);
        if (connection != null && connection.names != current) {
            RawHeaders.removeWhere(h, connection.names.clientSent);
        }
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
