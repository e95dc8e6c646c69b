package io.headroom.core.target;

import java.time.Duration;
import java.time.Instant;

/**
 * Slow start (ALB's {@code slow_start.duration_seconds}): a target that has just become healthy gets a share of
 * new requests that rises linearly from near zero to its full share over the slow start period, so that a cold
 * instance (JIT, caches, connection pools) is not flooded the moment its first health check passes.
 *
 * <pre>
 *  weight
 *   1.0 ┤                      ┌──────── full share: slow start is over
 *       │                  ╱
 *       │              ╱
 *       │          ╱
 *   MIN ┤──────╱   (never below MIN: a warming target always gets some traffic)
 *       └──────┴───────────────┴────────▶ time
 *         healthySince     healthySince + slowStartSeconds
 * </pre>
 *
 * <p>Pure arithmetic: the target group computes the weight of each warming target from its health state
 * machine's {@code since()} and the injected clock, and a weight-honouring strategy ({@link #roundRobin()} or
 * weighted random) turns weights into shares.
 */
public final class SlowStart {
    /** The weight at the start of the period: near zero, but enough for the target to be tried. */
    public static final double MIN_WEIGHT = 0.05;

    private SlowStart() {
    }

    /**
     * The selection weight of a target that became healthy at {@code healthySince}.
     *
     * @param slowStartSeconds the period; 0 (slow start off) gives 1
     * @return {@code elapsed / period} clamped to {@code MIN_WEIGHT..1}; exactly 1 once the period is over
     */
    public static double weight(Instant healthySince, Instant now, int slowStartSeconds) {
        if (slowStartSeconds <= 0) {
            return 1.0;
        }
        long elapsedNanos = Duration.between(healthySince, now).toNanos();
        long periodNanos = slowStartSeconds * 1_000_000_000L;
        if (elapsedNanos >= periodNanos) {
            return 1.0;
        }
        return Math.max(MIN_WEIGHT, (double) elapsedNanos / periodNanos);
    }

    /**
     * A round robin that honours weights (a target group with slow start uses it for {@code round_robin}):
     * with equal weights it is plain rotation; otherwise each candidate's share of selections is its weight
     * over the sum of weights, spread evenly over time (no bursts), lock-free and allocation-free.
     */
    public static SelectionStrategy roundRobin() {
        return new SlowStartRoundRobin();
    }
}
