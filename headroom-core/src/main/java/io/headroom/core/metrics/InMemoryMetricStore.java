package io.headroom.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MetricStore} in memory.
 *
 * <p>Layout: each series is a ring of 64-second blocks, allocated when the series first writes into that
 * window. A block holds, per second, the sample count, sum, minimum and maximum (4 &times; 8 bytes) and a
 * reference to a sketch ({@link Buckets#encode varint-encoded} 1% bucket counts) that exists only for
 * seconds whose samples differ; a second whose samples are all equal is exact without one. Memory per
 * series: about 2.2 KB per 64 s block, ≈ 125 KB per hour, plus 16 + ~2 bytes per distinct bucket per
 * sketched second. 300 plain series &times; 1 hour ≈ 38 MB (measured; see {@link MetricStore#inMemory}).
 *
 * <p>Concurrency: each series is guarded by its own monitor (writes come from the one publisher thread,
 * reads from policies and the admin API, so contention is rare). The newest second seen is an atomic; when
 * it enters a new 64 s block, the writer sweeps every series once, dropping expired blocks and empty series.
 */
final class InMemoryMetricStore implements MetricStore {
    static final int BLOCK = 64;

    private final long retentionSeconds;
    private final int ringSize;
    private final ConcurrentHashMap<MetricKey, Series> series = new ConcurrentHashMap<>();
    /** Newest second recorded (or evicted up to); starts low but far from overflow. */
    private final AtomicLong newest = new AtomicLong(Long.MIN_VALUE / 4);

    InMemoryMetricStore(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.getSeconds() < 1) {
            throw new IllegalArgumentException("retention: " + retention + " (expected at least 1 second)");
        }
        this.retentionSeconds = retention.getSeconds();
        this.ringSize = (int) Math.min(Integer.MAX_VALUE, retentionSeconds / BLOCK + 2);
    }

    @Override
    public void record(MetricKey key, long epochSecond, double value) {
        Objects.requireNonNull(key, "key");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " at " + epochSecond + ": value " + value + " (expected a finite number)");
        }
        add(key, epochSecond, 1, value, value, value, null);
    }

    /**
     * Adds {@code count} samples at once: their sum, min, max and sorted bucket entries ({@code null} if all
     * samples equal {@code min}). Used by {@link MetricRegistry#publish} for distributions.
     */
    void addSamples(MetricKey key, long epochSecond, long count, double sum, double min, double max, long[] entries) {
        if (count > 0) {
            add(key, epochSecond, count, sum, min, max, min == max ? null : entries);
        }
    }

    private void add(MetricKey key, long sec, long count, double sum, double min, double max, long[] entries) {
        advance(sec);
        while (true) {
            long cutoff = cutoff();
            if (sec <= cutoff) {
                return; // already past retention
            }
            Series s = series.computeIfAbsent(key, k -> new Series(ringSize));
            synchronized (s) {
                if (!s.dead) {
                    s.add(sec, count, sum, min, max, entries);
                    return;
                }
            }
            // swept away concurrently: make a new one
        }
    }

    /** Seconds at or before this are expired. */
    private long cutoff() {
        return newest.get() - retentionSeconds;
    }

    private void advance(long sec) {
        long prev = newest.getAndAccumulate(sec, Math::max);
        if (sec > prev && Math.floorDiv(sec, BLOCK) != Math.floorDiv(prev, BLOCK)) {
            sweep();
        }
    }

    private void sweep() {
        long cutoff = cutoff();
        for (Map.Entry<MetricKey, Series> e : series.entrySet()) {
            Series s = e.getValue();
            synchronized (s) {
                s.dropThrough(cutoff);
                if (s.isEmpty()) {
                    s.dead = true;
                    series.remove(e.getKey(), s);
                }
            }
        }
    }

    @Override
    public void evict(Instant now) {
        long sec = now.getEpochSecond();
        newest.getAndAccumulate(sec, Math::max);
        sweep();
    }

    @Override
    public Set<MetricKey> keys() {
        return Set.copyOf(series.keySet());
    }

    @Override
    public List<Datapoint> query(MetricKey key, Instant start, Instant end, int periodSeconds, Statistic stat) {
        checkRange(key, start, end, stat);
        if (periodSeconds < 1) {
            throw new IllegalArgumentException("periodSeconds: " + periodSeconds + " (expected at least 1)");
        }
        List<Datapoint> out = new ArrayList<>();
        Series s = series.get(key);
        if (s == null) {
            return out;
        }
        Accumulator acc = new Accumulator(stat.isPercentile());
        long lo = Math.max(ceilSecond(start), cutoff() + 1);
        long hi = Math.min(ceilSecond(end), newest.get() + 1);
        synchronized (s) {
            long periodStart = Long.MIN_VALUE;
            for (long sec = lo; sec < hi; sec++) {
                Block b = s.block(sec);
                if (b == null) {
                    sec = (Math.floorDiv(sec, BLOCK) + 1) * BLOCK - 1; // skip the empty block
                    continue;
                }
                int i = (int) (sec - b.index * BLOCK);
                if (b.count[i] == 0) {
                    continue;
                }
                long ps = Math.floorDiv(sec, periodSeconds) * (long) periodSeconds;
                if (ps != periodStart) {
                    emit(out, periodStart, acc, stat);
                    periodStart = ps;
                }
                acc.add(b, i);
            }
            emit(out, periodStart, acc, stat);
        }
        return out;
    }

    @Override
    public OptionalDouble aggregate(MetricKey key, Instant start, Instant end, Statistic stat) {
        checkRange(key, start, end, stat);
        Series s = series.get(key);
        if (s == null) {
            return OptionalDouble.empty();
        }
        Accumulator acc = new Accumulator(stat.isPercentile());
        long lo = Math.max(ceilSecond(start), cutoff() + 1);
        long hi = Math.min(ceilSecond(end), newest.get() + 1);
        synchronized (s) {
            for (long sec = lo; sec < hi; sec++) {
                Block b = s.block(sec);
                if (b == null) {
                    sec = (Math.floorDiv(sec, BLOCK) + 1) * BLOCK - 1;
                    continue;
                }
                int i = (int) (sec - b.index * BLOCK);
                if (b.count[i] != 0) {
                    acc.add(b, i);
                }
            }
        }
        return acc.count == 0 ? OptionalDouble.empty() : OptionalDouble.of(acc.value(stat));
    }

    private static void emit(List<Datapoint> out, long periodStart, Accumulator acc, Statistic stat) {
        if (acc.count > 0) {
            out.add(new Datapoint(Instant.ofEpochSecond(periodStart), acc.value(stat), acc.count));
        }
        acc.reset();
    }

    private static void checkRange(MetricKey key, Instant start, Instant end, Statistic stat) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(stat, "stat");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException(key + ": end " + end + " is before start " + start);
        }
    }

    /** The first whole second at or after {@code t}. */
    private static long ceilSecond(Instant t) {
        return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
    }

    /** 64 seconds of one series. */
    static final class Block {
        final long index;
        final long[] count = new long[BLOCK];
        final double[] sum = new double[BLOCK];
        final double[] min = new double[BLOCK];
        final double[] max = new double[BLOCK];
        byte[][] sketch; // lazily: only blocks with a second whose samples differ; Buckets.encode'd

        Block(long index) {
            this.index = index;
        }
    }

    /** One series: a ring of blocks. Guarded by its own monitor. */
    static final class Series {
        final Block[] ring;
        boolean dead;

        Series(int ringSize) {
            ring = new Block[ringSize];
        }

        Block block(long sec) {
            long bi = Math.floorDiv(sec, BLOCK);
            Block b = ring[(int) Math.floorMod(bi, (long) ring.length)];
            return b != null && b.index == bi ? b : null;
        }

        void add(long sec, long n, double sum, double min, double max, long[] entries) {
            long bi = Math.floorDiv(sec, BLOCK);
            int slot = (int) Math.floorMod(bi, (long) ring.length);
            Block b = ring[slot];
            if (b == null || b.index < bi) {
                b = new Block(bi); // replaces an expired block
                ring[slot] = b;
            } else if (b.index > bi) {
                return; // older than what the ring keeps
            }
            int i = (int) (sec - bi * BLOCK);
            long c = b.count[i];
            if (c == 0) {
                b.count[i] = n;
                b.sum[i] = sum;
                b.min[i] = min;
                b.max[i] = max;
                if (entries != null) {
                    sketches(b)[i] = Buckets.encode(entries);
                }
                return;
            }
            byte[] mine = b.sketch == null ? null : b.sketch[i];
            boolean allEqual = mine == null && entries == null && b.min[i] == min && b.max[i] == max && min == max;
            if (!allEqual) {
                long[] a = mine != null ? Buckets.decode(mine) : Buckets.single(Buckets.key(b.min[i]), c);
                long[] o = entries != null ? entries : Buckets.single(Buckets.key(min), n);
                sketches(b)[i] = Buckets.encode(Buckets.merge(a, o));
            }
            b.count[i] = c + n;
            b.sum[i] += sum;
            b.min[i] = Math.min(b.min[i], min);
            b.max[i] = Math.max(b.max[i], max);
        }

        private static byte[][] sketches(Block b) {
            if (b.sketch == null) {
                b.sketch = new byte[BLOCK][];
            }
            return b.sketch;
        }

        void dropThrough(long cutoff) {
            for (int j = 0; j < ring.length; j++) {
                Block b = ring[j];
                if (b != null && (b.index + 1) * BLOCK - 1 <= cutoff) {
                    ring[j] = null;
                }
            }
        }

        boolean isEmpty() {
            for (Block b : ring) {
                if (b != null) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Statistics over a run of seconds; percentiles keep (value, count) pairs. */
    static final class Accumulator {
        final boolean percentiles;
        long count;
        double sum;
        double min;
        double max;
        double[] values = new double[0];
        long[] counts = new long[0];
        int n;

        Accumulator(boolean percentiles) {
            this.percentiles = percentiles;
            reset();
        }

        void reset() {
            count = 0;
            sum = 0;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            n = 0;
        }

        void add(Block b, int i) {
            count += b.count[i];
            sum += b.sum[i];
            min = Math.min(min, b.min[i]);
            max = Math.max(max, b.max[i]);
            if (!percentiles) {
                return;
            }
            byte[] sk = b.sketch == null ? null : b.sketch[i];
            if (sk == null) {
                put(b.min[i], b.count[i]); // all samples of that second were equal: exact
                return;
            }
            for (long e : Buckets.decode(sk)) {
                double v = Math.max(b.min[i], Math.min(b.max[i], Buckets.value(Buckets.keyOf(e))));
                put(v, Buckets.countOf(e));
            }
        }

        private void put(double v, long c) {
            if (n == values.length) {
                int cap = Math.max(16, n * 2);
                values = Arrays.copyOf(values, cap);
                counts = Arrays.copyOf(counts, cap);
            }
            values[n] = v;
            counts[n] = c;
            n++;
        }

        double value(Statistic stat) {
            return switch (stat.kind()) {
                case SUM -> sum;
                case AVERAGE -> sum / count;
                case MINIMUM -> min;
                case MAXIMUM -> max;
                case SAMPLE_COUNT -> count;
                case PERCENTILE -> percentile(stat.percentile());
            };
        }

        /**
         * Nearest rank: the value at rank ceil(p/100 * count), at least 1. Entries are ordered by bucket key
         * (a primitive sort: keys follow value order), then only the bucket holding that rank is sorted by
         * exact value.
         */
        private double percentile(double p) {
            // p * count / 100 (not p / 100 * count) keeps 90 * 100 / 100 exact; the epsilon absorbs 99.9-style rounding
            long rank = Math.max(1, (long) Math.ceil(p * count / 100.0 - 1e-9));
            if (rank == 1) {
                return min; // the extremes are known exactly
            }
            if (rank >= count) {
                return max;
            }
            long[] order = new long[n];
            for (int j = 0; j < n; j++) {
                order[j] = ((long) Buckets.key(values[j]) << 32) | j;
            }
            Arrays.sort(order);
            long seen = 0;
            int from = 0;
            while (from < n) {
                int key = (int) (order[from] >> 32);
                int to = from;
                long inBucket = 0;
                while (to < n && (int) (order[to] >> 32) == key) {
                    inBucket += counts[(int) order[to]];
                    to++;
                }
                if (seen + inBucket >= rank) {
                    Integer[] idx = new Integer[to - from];
                    for (int j = from; j < to; j++) {
                        idx[j - from] = (int) order[j];
                    }
                    Arrays.sort(idx, (x, y) -> Double.compare(values[x], values[y]));
                    for (int j : idx) {
                        seen += counts[j];
                        if (seen >= rank) {
                            return values[j];
                        }
                    }
                }
                seen += inBucket;
                from = to;
            }
            return max;
        }
    }
}
