package io.headroom.proxy.http;

import java.util.concurrent.ThreadLocalRandom;

/** X-Request-Id values: 32 random hex digits, cheap enough for every request. */
final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            c[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            c[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(c);
    }
}
