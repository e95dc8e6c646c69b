package io.headroom.proxy.http;

import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * X-Request-Id values (32 random hex digits) and AWS's X-Amzn-Trace-Id, cheap enough for every request (one byte
 * array each, no copy).
 */
final class RequestIds {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RequestIds() {
    }

    static AsciiString next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] c = new byte[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            c[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            c[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new AsciiString(c, false);
    }

    /**
     * A new trace id in AWS's X-Amzn-Trace-Id form, {@code 1-<8 hex digits: epoch seconds>-<24 random hex digits>}.
     */
    static String traceId(long epochSeconds) {
        return new String(traceIdBytes(epochSeconds, 0), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code Root=<a new trace id>}: the X-Amzn-Trace-Id of a request that came without one. */
    static AsciiString traceRoot(long epochSeconds) {
        return new AsciiString(traceIdBytes(epochSeconds, ROOT.length), false);
    }

    private static final byte[] ROOT = "Root=".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static byte[] traceIdBytes(long epochSeconds, int prefix) {
        byte[] c = new byte[prefix + 35];
        System.arraycopy(ROOT, 0, c, 0, prefix);
        int i = prefix;
        c[i++] = '1';
        c[i++] = '-';
        for (int k = 0; k < 8; k++) {
            c[i++] = HEX[(int) (epochSeconds >>> (28 - 4 * k)) & 0xf];
        }
        c[i++] = '-';
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        int b = r.nextInt();
        for (int k = 0; k < 16; k++) {
            c[i++] = HEX[(int) (a >>> (60 - 4 * k)) & 0xf];
        }
        for (int k = 0; k < 8; k++) {
            c[i++] = HEX[(b >>> (28 - 4 * k)) & 0xf];
        }
        return c;
    }

    /**
     * The X-Amzn-Trace-Id a request that came with one is forwarded with, as ALB does it: a {@code Self} field is
     * updated to a new trace id, or inserted first when there is none but a {@code Root}; a value with neither gets
     * a new {@code Root} first. Other fields are kept as they are.
     */
    static String traceHeader(String received, long epochSeconds) {
        String[] fields = received.split(";", -1);
        boolean root = false;
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i].trim();
            if (f.startsWith("Self=")) {
                fields[i] = "Self=" + traceId(epochSeconds);
                return String.join(";", fields);
            }
            root |= f.startsWith("Root=");
        }
        return (root ? "Self=" : "Root=") + traceId(epochSeconds) + ";" + received;
    }
}
