package io.headroom.core.target;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/** The implementations behind {@link SelectionStrategy#of}. */
final class Strategies {
    private Strategies() {
    }

    /** Each candidate in turn; an excluded one is passed over to its successor. */
    static final class RoundRobin implements SelectionStrategy {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public int select(Candidate[] c, int exclude) {
            int n = c.length;
            int i = Math.floorMod(next.getAndIncrement(), n);
            if (i == exclude && n > 1) {
                i = (i + 1) % n;
            }
            return i;
        }
    }

    /**
     * The candidate with the fewest requests in flight. The scan starts at a rotating offset so that ties
     * (typically all zero under light load) are broken round-robin rather than always by the first.
     */
    static final class LeastOutstanding implements SelectionStrategy {
        private final AtomicInteger start = new AtomicInteger();

        @Override
        public int select(Candidate[] c, int exclude) {
            int n = c.length;
            if (n == 1) {
                return 0;
            }
            int offset = Math.floorMod(start.getAndIncrement(), n);
            int best = -1;
            int bestOutstanding = Integer.MAX_VALUE;
            for (int k = 0; k < n; k++) {
                int i = offset + k;
                if (i >= n) {
                    i -= n;
                }
                if (i == exclude) {
                    continue;
                }
                int o = c[i].outstanding();
                if (o < bestOutstanding) {
                    best = i;
                    bestOutstanding = o;
                }
            }
            return best;
        }
    }

    /** A candidate drawn at random with probability proportional to its weight. */
    static final class WeightedRandom implements SelectionStrategy {
        private final RandomGenerator random;

        WeightedRandom(RandomGenerator random) {
            this.random = random;
        }

        @Override
        public int select(Candidate[] c, int exclude) {
            int n = c.length;
            if (n == 1) {
                return 0;
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                if (i != exclude) {
                    total += Math.max(0, c[i].weight());
                }
            }
            RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
            if (!(total > 0)) {
                // All weights zero: fall back to uniform among the allowed candidates.
                int i = r.nextInt(exclude >= 0 ? n - 1 : n);
                return exclude >= 0 && i >= exclude ? i + 1 : i;
            }
            double x = r.nextDouble() * total;
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
}
