package io.headroom.proxy.http;

import io.headroom.core.target.TargetAddress;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tamper-evident values for Headroom's stickiness cookies: {@code base64url(payload) "." base64url(mac)}, where
 * the payload is {@code kind|targetGroup|host|port|expiresEpochSecond} (no host and port for target-group
 * cookies) and the MAC is HMAC-SHA256 (first 16 bytes) over the payload with a key drawn at random when the process
 * starts. An edited or forged value fails verification and is ignored; so are expired values and values of another
 * kind (a target-group cookie cannot stand in for a target cookie). Cookies do not survive a restart of Headroom:
 * their clients are simply balanced anew.
 *
 * <p>Thread-safe; one {@link Mac} per thread. Verification allocates only the decoded payload.
 */
final class StickyCookies {
    /** What a value pins. */
    enum Kind {
        /** lb_cookie: a target of a target group ({@code HEADROOMLB}). */
        TARGET('t'),
        /** app_cookie: a target of a target group, pinned when the application set its cookie ({@code HEADROOMAPP}). */
        APP('a'),
        /** Target-group stickiness of a weighted forward ({@code HEADROOMLBTG}). */
        GROUP('g');

        final char code;

        Kind(char code) {
            this.code = code;
        }
    }

    private static final int MAC_BYTES = 16;
    private static final StickyCookies PROCESS = new StickyCookies(randomKey(), Clock.systemUTC());
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();

    private final Clock clock;
    private final FastThreadLocal<Mac> macs;

    StickyCookies(byte[] key, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = new FastThreadLocal<>() {
            @Override
            protected Mac initialValue() throws GeneralSecurityException {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            }
        };
        macs.get(); // fail at start, not on a request, if the JDK lacks HmacSHA256
    }

    /** The process-wide instance: random key, system clock. */
    static StickyCookies process() {
        return PROCESS;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** Now, in epoch seconds (the clock the expiry is checked against). */
    long nowSeconds() {
        return clock.millis() / 1000;
    }

    /** A value pinning {@code target} of {@code group} until {@code expires} (epoch seconds). */
    String target(Kind kind, String group, TargetAddress target, long expires) {
        return seal(kind.code + "|" + group + "|" + target.host() + "|" + target.port() + "|" + expires);
    }

    /** A value pinning target group {@code group} until {@code expires} (epoch seconds). */
    String group(String group, long expires) {
        return seal(Kind.GROUP.code + "|" + group + "|" + expires);
    }

    /**
     * The target a genuine, unexpired value of this kind pins in {@code group}; null when the value was edited,
     * forged, expired, of another kind or for another group.
     */
    TargetAddress verifyTarget(String value, Kind kind, String group) {
        String p = open(value);
        if (p == null || p.length() < 2 || p.charAt(0) != kind.code || p.charAt(1) != '|') {
            return null;
        }
        int g = p.indexOf('|', 2);
        int h = g < 0 ? -1 : p.indexOf('|', g + 1);
        int e = h < 0 ? -1 : p.indexOf('|', h + 1);
        if (e < 0 || !p.regionMatches(2, group, 0, group.length()) || g - 2 != group.length()) {
            return null;
        }
        try {
            if (Long.parseLong(p, e + 1, p.length(), 10) <= nowSeconds()) {
                return null;
            }
            return new TargetAddress(p.substring(g + 1, h), Integer.parseInt(p, h + 1, e, 10));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** The target group a genuine, unexpired target-group value pins; null otherwise. */
    String verifyGroup(String value) {
        String p = open(value);
        if (p == null || p.length() < 2 || p.charAt(0) != Kind.GROUP.code || p.charAt(1) != '|') {
            return null;
        }
        int e = p.lastIndexOf('|');
        if (e <= 2) {
            return null;
        }
        try {
            return Long.parseLong(p, e + 1, p.length(), 10) <= nowSeconds() ? null : p.substring(2, e);
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private String seal(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return ENC.encodeToString(p) + "." + ENC.encodeToString(mac(p));
    }

    /** The payload of a value whose MAC checks out, else null. */
    private String open(String value) {
        int dot = value.indexOf('.');
        if (dot <= 0 || dot == value.length() - 1 || value.length() > 1024) {
            return null;
        }
        try {
            byte[] p = DEC.decode(value.substring(0, dot));
            byte[] m = DEC.decode(value.substring(dot + 1));
            return MessageDigest.isEqual(m, mac(p)) ? new String(p, StandardCharsets.UTF_8) : null;
        } catch (IllegalArgumentException e) {
            return null; // not base64url
        }
    }

    private byte[] mac(byte[] payload) {
        Mac m = macs.get();
        byte[] full = m.doFinal(payload);
        byte[] out = new byte[MAC_BYTES];
        System.arraycopy(full, 0, out, 0, MAC_BYTES);
        return out;
    }
}
