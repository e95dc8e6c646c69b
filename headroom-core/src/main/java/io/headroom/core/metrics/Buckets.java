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
