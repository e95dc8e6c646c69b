package io.headroom.core.metrics;

/**
 * The bucket scheme shared by {@link Distribution} and the store: logarithmic buckets with ratio
 * {@link #GAMMA} = 1.01, bucket {@code i} holding (GAMMA^(i-1), GAMMA^i]. Its representative value
 * 2&middot;GAMMA^i/(GAMMA+1) is within (GAMMA-1)/(GAMMA+1) &asymp; 0.5% relative of every value in it
 * (DDSketch's scheme).
 *
 * <p>A bucket is named by an int <em>key</em> ordered like the values: 0 for zero, {@code BIAS + i} for
 * positive values, {@code -(BIAS + i)} for negative ones. Sketch entries pack a key and a count into one long
 * ({@code key << 32 | count}), so sorting entries sorts by value.
 */
final class Buckets {
    static final double GAMMA = 1.01;
    static final double LN_GAMMA = Math.log(GAMMA);
    /** |i| &lt; 80 000 for every finite double, so keys never collide across signs. */
    static final int BIAS = 1 << 20;
    static final long MAX_COUNT = 0xFFFF_FFFFL;

    private Buckets() {
    }

    /** The bucket index of {@code v > 0}. */
    static int index(double v) {
        return (int) Math.ceil(Math.log(v) / LN_GAMMA);
    }

    static int key(double v) {
        if (v > 0) {
            return BIAS + index(v);
        }
        if (v == 0) {
            return 0;
        }
        return -(BIAS + index(-v));
    }

    /** The representative value of a bucket key. */
    static double value(int key) {
        if (key == 0) {
            return 0;
        }
        double r = 2 * Math.pow(GAMMA, Math.abs(key) - BIAS) / (GAMMA + 1);
        return key > 0 ? r : -r;
    }

    static long pack(int key, long count) {
        return ((long) key << 32) | count;
    }

    static int keyOf(long entry) {
        return (int) (entry >> 32);
    }

    static long countOf(long entry) {
        return entry & MAX_COUNT;
    }

    /** Entries for {@code count} samples in one bucket (several entries if a count overflows 32 bits). */
    static long[] single(int key, long count) {
        int n = (int) ((count + MAX_COUNT - 1) / MAX_COUNT);
        long[] out = new long[n];
        for (int j = 0; j < n; j++) {
            long c = Math.min(MAX_COUNT, count - j * MAX_COUNT);
            out[j] = pack(key, c);
        }
        return out;
    }

    /**
     * Compact form of sorted entries for storage: per entry, the key as a varint (the first as zigzag of key - BIAS, small for values near 1,
     * then the non-negative delta from the previous key) and the count as a varint. Neighbouring 1% buckets
     * with small counts take 2 bytes instead of 8.
     */
    static byte[] encode(long[] entries) {
        byte[] buf = new byte[entries.length * 10];
        int pos = 0;
        int prev = 0;
        for (int j = 0; j < entries.length; j++) {
            int k = keyOf(entries[j]);
            long d = j == 0 ? zigzag((long) k - BIAS) : (long) k - prev;
            pos = putVarint(buf, pos, d);
            pos = putVarint(buf, pos, countOf(entries[j]));
            prev = k;
        }
        return java.util.Arrays.copyOf(buf, pos);
    }

    /** The inverse of {@link #encode}. */
    static long[] decode(byte[] bytes) {
        long[] out = new long[bytes.length / 2];
        int n = 0;
        int[] pos = {0};
        int prev = 0;
        while (pos[0] < bytes.length) {
            long d = getVarint(bytes, pos);
            int k = n == 0 ? (int) (((d >>> 1) ^ -(d & 1)) + BIAS) : (int) (prev + d);
            long c = getVarint(bytes, pos);
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n + 1);
            }
            out[n++] = pack(k, c);
            prev = k;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static int putVarint(byte[] buf, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    private static long getVarint(byte[] buf, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte b = buf[pos[0]++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
            shift += 7;
        }
    }

    /** Merges two sorted entry arrays, adding counts of equal keys. */
    static long[] merge(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long e;
            if (j >= b.length || (i < a.length && keyOf(a[i]) <= keyOf(b[j]))) {
                e = a[i++];
            } else {
                e = b[j++];
            }
            if (n > 0 && keyOf(out[n - 1]) == keyOf(e) && countOf(out[n - 1]) + countOf(e) <= MAX_COUNT) {
                out[n - 1] = pack(keyOf(e), countOf(out[n - 1]) + countOf(e));
            } else {
                out[n++] = e;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
