package io.headroom.proxy.http;

import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/** X-Request-Id values: 32 random hex digits, cheap enough for every request (one 32-byte array, no copy). */
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
}
