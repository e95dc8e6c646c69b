package io.headroom.core.target;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round robin without a lock. The n-th selection maps the fractional part of {@code n·φ} (a Weyl
 * sequence, φ the golden ratio) onto the candidates' cumulative weights. That sequence covers [0, 1) more evenly
 * than random draws do (its discrepancy after N selections is O(log N / N)), so over any window each candidate
 * gets close to its exact weighted share and picks of the same candidate are spread out rather than bunched,
 * the property nginx's smooth weighted round robin has, but with one atomic increment as the only shared state.
 * When all weights are equal (no target is warming up) it is plain rotation, as {@code round_robin} is.
 */
final class SlowStartRoundRobin implements SelectionStrategy {
    /** 2^64 / φ: multiplying by it and keeping the low 64 bits is frac(n·φ) in fixed point. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double TO_UNIT = 0x1.0p-53;

    private final AtomicLong next = new AtomicLong();

    @Override
    public int select(Candidate[] c, int exclude) {
        int n = c.length;
        long seq = next.getAndIncrement();
        double total = 0;
        boolean equal = true;
        double first = -1;
        for (int i = 0; i < n; i++) {
            if (i == exclude) {
                continue;
            }
            double w = Math.max(0, c[i].weight());
            total += w;
            if (first < 0) {
                first = w;
            } else if (w != first) {
                equal = false;
            }
        }
        if (equal || !(total > 0)) {
            int i = (int) Math.floorMod(seq, (long) n);
            if (i == exclude && n > 1) {
                i = (i + 1) % n;
            }
            return i;
        }
        double x = ((seq * GOLDEN) >>> 11) * TO_UNIT * total;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (i == exclude) {
                continue;
            }
            double w = Math.max(0, c[i].weight());
            if (w <= 0) {
                continue;
            }
            last = i;
            if (x < w) {
                return i;
            }
            x -= w;
        }
        return last; // rounding left x just above the last weight
    }
}
