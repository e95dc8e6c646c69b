package io.headroom.proxy.tls;

import java.security.cert.X509Certificate;

/**
 * Why a {@code verify} listener refused a client's certificate during the TLS handshake.
 *
 * @param reasonCode  AWS's connection log error reason code (the {@code Failed:} part of {@code tls_verify_status}),
 *                    one of the constants below
 * @param message     the reason in words, for the program's log
 * @param leaf        the client's leaf certificate, null when it sent none
 * @param protocol    the TLS protocol the handshake had agreed on (e.g. {@code TLSv1.3}), null when not known
 * @param cipherSuite the cipher suite it had agreed on (the JDK's name), null when not known
 */
public record HandshakeRefusal(String reasonCode, String message, X509Certificate leaf, String protocol,
                               String cipherSuite) {
    /** The client sent no certificate. */
    public static final String NOT_FOUND = "ClientCertNotFound";
    /** The chain does not lead to a CA certificate of the trust store. */
    public static final String UNTRUSTED = "ClientCertUntrusted";
    /** A certificate of the chain has expired. */
    public static final String EXPIRED = "ClientCertExpired";
    /** A certificate of the chain is not valid yet. */
    public static final String NOT_YET_VALID = "ClientCertNotYetValid";
    /** A certificate of the path is listed by a revocation list of the trust store. */
    public static final String REVOKED = "ClientCertCrlHit";
    /** The certificate cannot be used for client authentication (extended key usage) or cannot be checked. */
    public static final String INVALID = "ClientCertInvalid";
}
