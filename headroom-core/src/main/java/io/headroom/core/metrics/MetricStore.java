package io.headroom.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The in-process metric store: one-second resolution time series that alarms, scaling policies, the admin
 * API and the dashboard query the way CloudWatch is queried.
 *
 * <h2>Samples and statistics (CloudWatch semantics)</h2>
 * Every {@link #record record} call adds one <em>sample</em> to one second of one series. A query groups the
 * samples of each period and computes one statistic over them:
 * <ul>
 *   <li>{@code Sum}: the samples added up. Counters such as {@code RequestCount} are published once a second
 *       as the delta since the previous second (see {@link MetricRegistry}), so {@code RequestCount} Sum over
 *       a 60 s period is the number of requests in that minute.</li>
 *   <li>{@code Average}: Sum / SampleCount. For a counter this is the average per-second value (requests per
 *       second); for {@code TargetResponseTime} (one sample per request) the mean response time; for
 *       {@code CPUUtilization} (one sample per instance per second) the mean utilization.</li>
 *   <li>{@code Minimum} / {@code Maximum}: the smallest / largest sample.</li>
 *   <li>{@code SampleCount}: how many samples; for {@code TargetResponseTime} that is the number of
 *       requests that got a response.</li>
 *   <li>{@code pNN}: the nearest-rank percentile of <em>all the samples of the period</em> (the value at rank
 *       ceil(NN/100 &times; SampleCount) in ascending order), never an average of per-second percentiles.
 *       A second whose samples were all equal (one gauge or counter sample, say) keeps its exact value; a
 *       second with different values keeps them in logarithmic buckets 1% wide, so the answer is within
 *       0.5% relative of a real sample (clamped to that second's exact Minimum/Maximum).</li>
 * </ul>
 * Periods are aligned to the epoch (a 60 s period starts at a whole minute), like CloudWatch. Only samples
 * in {@code [start, end)} count; a period without samples yields no datapoint, which is what alarms treat as
 * missing data.
 *
 * <h2>Retention</h2>
 * The store keeps the last {@code retention} of data, measured back from the newest second ever recorded
 * (or the {@link #evict(Instant) evict} time, if later). Older samples are dropped on the write path,
 * amortised (no background thread), and are never returned by queries; a series with nothing left
 * disappears from {@link #keys()}.
 *
 * <p>Implementations are thread-safe: one publisher thread writes while policy and admin threads read.
 */
public interface MetricStore {

    /**
     * Adds one sample to second {@code epochSecond} of series {@code key}. Samples older than the retention
     * are ignored.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    void record(MetricKey key, long epochSecond, double value);

    /**
     * One datapoint per epoch-aligned period of {@code periodSeconds} that has samples in
     * {@code [start, end)}, in time order; periods with no samples are omitted.
     *
     * @throws IllegalArgumentException if {@code periodSeconds < 1} or {@code end} is before {@code start}
     */
    List<Datapoint> query(MetricKey key, Instant start, Instant end, int periodSeconds, Statistic stat);

    /** The statistic over all samples in {@code [start, end)}; empty if there are none. */
    OptionalDouble aggregate(MetricKey key, Instant start, Instant end, Statistic stat);

    /** Every series that holds data. */
    Set<MetricKey> keys();

    /** Every series named {@code name} (any dimensions). */
    default Set<MetricKey> keys(String name) {
        Set<MetricKey> out = new java.util.HashSet<>();
        for (MetricKey k : keys()) {
            if (k.name().equals(name)) {
                out.add(k);
            }
        }
        return Set.copyOf(out);
    }

    /** Drops everything older than {@code now - retention}. Optional: the store also evicts as it is written. */
    default void evict(Instant now) {
    }

    /**
     * A store in memory keeping {@code retention} of one-second data (use {@code Duration.ofHours(1)} unless
     * there is a reason not to).
     *
     * <p>Memory, per series per hour of retention: about 34 bytes per second (count, sum, min, max, a
     * reference), allocated in 64-second blocks only where the series has data: ≈ 125 KB. A second whose
     * samples are not all equal (a distribution, or several different {@code record} calls) adds a sketch of
     * 16 + about 2 bytes per distinct 1% bucket. Measured: 300 one-sample-per-second series for an hour
     * ≈ 38 MB; a {@code TargetResponseTime} series at 200 requests/s ≈ 1.3 MB per hour.
     */
    static MetricStore inMemory(Duration retention) {
        return new InMemoryMetricStore(retention);
    }
}
