package io.headroom.core.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A distribution of values recorded on the hot path, such as {@code TargetResponseTime} in seconds: every
 * recorded value becomes one sample of the second in which it is published, so Sum, Average, Minimum,
 * Maximum and SampleCount are exact and percentiles are within 0.5% relative (see {@link Buckets}).
 *
 * <p>{@link #record(double)} is lock-free and allocation-free: it counts the value in a fixed array of 1%
 * logarithmic buckets (values 1e-6 .. 1e9; smaller positive values count in the lowest bucket, larger in the
 * highest; zero and negative values count as 0 in percentiles) and updates the exact sum/min/max with CAS.
 * It is meant for non-negative values (durations, sizes). NaN and infinite values are ignored.
 *
 * <p>Interval hand-off uses the writer/reader phaser idea of HdrHistogram's {@code WriterReaderPhaser}: two
 * phases of buckets; a writer enters by incrementing {@code startEpoch} (whose sign names the active phase)
 * and leaves by incrementing that phase's end epoch; the publisher flips the sign and waits until every
 * writer that entered the old phase has left, then reads and clears the old phase. Writers never wait.
 * Memory: two phases of ~3.5k longs, ≈ 56 KB per distribution.
 */
public final class Distribution {
    static final double LOWEST = 1e-6;
    static final double HIGHEST = 1e9;
    static final int IMIN = Buckets.index(LOWEST);
    static final int IMAX = Buckets.index(HIGHEST);
    /** Slot 0 is zero (and below); slot s &ge; 1 is bucket index IMIN + s - 1. */
    static final int SLOTS = IMAX - IMIN + 2;

    private final Phase even = new Phase();
    private final Phase odd = new Phase();
    private final AtomicLong startEpoch = new AtomicLong(0);
    private final AtomicLong evenEnd = new AtomicLong(0);
    private final AtomicLong oddEnd = new AtomicLong(Long.MIN_VALUE);

    Distribution() {
    }

    /** Records one value. Lock-free, allocation-free, safe from any number of threads. */
    public void record(double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        int slot = slot(value);
        long epoch = startEpoch.getAndIncrement();
        Phase p = epoch < 0 ? odd : even;
        p.counts.incrementAndGet(slot);
        p.add(value);
        (epoch < 0 ? oddEnd : evenEnd).incrementAndGet();
    }

    static int slot(double v) {
        if (v <= 0) {
            return 0;
        }
        int i = Buckets.index(v);
        return Math.max(IMIN, Math.min(IMAX, i)) - IMIN + 1;
    }

    static int keyOfSlot(int slot) {
        return slot == 0 ? 0 : Buckets.BIAS + IMIN + slot - 1;
    }

    /**
     * Moves everything recorded since the previous drain into {@code sink} and clears it. One drainer at a
     * time (the registry's publisher); writers keep recording meanwhile into the other phase.
     */
    synchronized void drain(Sink sink) {
        boolean nextIsEven = startEpoch.get() < 0;
        long initial = nextIsEven ? 0 : Long.MIN_VALUE;
        (nextIsEven ? evenEnd : oddEnd).set(initial);
        long startAtFlip = startEpoch.getAndSet(initial);
        AtomicLong oldEnd = nextIsEven ? oddEnd : evenEnd;
        int spins = 0;
        while (oldEnd.get() != startAtFlip) {
            // writers in the old phase are a few atomic operations from leaving
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Phase old = nextIsEven ? odd : even;
        old.drainTo(sink);
    }

    /** Receives one interval's samples. */
    interface Sink {
        void accept(long count, double sum, double min, double max, long[] entries);
    }

    private static final class Phase {
        final AtomicLongArray counts = new AtomicLongArray(SLOTS);
        final AtomicLong sumBits = new AtomicLong(bits(0.0));
        final AtomicLong minBits = new AtomicLong(bits(Double.POSITIVE_INFINITY));
        final AtomicLong maxBits = new AtomicLong(bits(Double.NEGATIVE_INFINITY));

        void add(double v) {
            long cur;
            do {
                cur = sumBits.get();
            } while (!sumBits.compareAndSet(cur, bits(Double.longBitsToDouble(cur) + v)));
            while (v < Double.longBitsToDouble(cur = minBits.get()) && !minBits.compareAndSet(cur, bits(v))) {
                Thread.onSpinWait();
            }
            while (v > Double.longBitsToDouble(cur = maxBits.get()) && !maxBits.compareAndSet(cur, bits(v))) {
                Thread.onSpinWait();
            }
        }

        /** Only called when no writer is in this phase. */
        void drainTo(Sink sink) {
            long total = 0;
            int nonEmpty = 0;
            for (int s = 0; s < SLOTS; s++) {
                long c = counts.get(s);
                if (c != 0) {
                    total += c;
                    nonEmpty++;
                }
            }
            if (total == 0) {
                return;
            }
            long[] entries = new long[nonEmpty];
            int n = 0;
            for (int s = 0; s < SLOTS; s++) {
                long c = counts.get(s);
                if (c != 0) {
                    counts.set(s, 0);
                    for (long e : Buckets.single(keyOfSlot(s), c)) {
                        if (n == entries.length) {
                            entries = java.util.Arrays.copyOf(entries, n + 1);
                        }
                        entries[n++] = e;
                    }
                }
            }
            double sum = Double.longBitsToDouble(sumBits.getAndSet(bits(0.0)));
            double min = Double.longBitsToDouble(minBits.getAndSet(bits(Double.POSITIVE_INFINITY)));
            double max = Double.longBitsToDouble(maxBits.getAndSet(bits(Double.NEGATIVE_INFINITY)));
            sink.accept(total, sum, min, max, entries);
        }

        private static long bits(double v) {
            return Double.doubleToRawLongBits(v);
        }
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }
}
