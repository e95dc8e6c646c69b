package io.headroom.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count for the hot path ({@code RequestCount}, {@code HTTPCode_Target_5XX_Count},
 * {@code ProcessedBytes}, ...). {@link #increment()} and {@link #add(long)} take no lock and, once the
 * {@link LongAdder} has made its per-core cells on the first contention, allocate nothing. The
 * {@link MetricRegistry} publishes, every second, the delta since its previous publish as one sample, so a
 * period's Sum is the count within that period. Get instances from {@link MetricRegistry#counter}.
 */
public final class Counter {
    private final LongAdder adder = new LongAdder();
    /** Total at the previous publish; touched only by the publishing thread. */
    private long published;

    Counter() {
    }

    public void increment() {
        adder.increment();
    }

    /**
     * Adds {@code n} (&ge; 0).
     *
     * @throws IllegalArgumentException if {@code n} is negative: counters only go up
     */
    public void add(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("counter add: " + n + " (expected >= 0)");
        }
        adder.add(n);
    }

    /** The total since this counter was made. */
    public long sum() {
        return adder.sum();
    }

    /** The count since the previous call (publisher thread only). Monotonic because each cell only grows. */
    long takeDelta() {
        long s = adder.sum();
        long d = s - published;
        published = s;
        return d;
    }
}
