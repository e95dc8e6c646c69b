package io.headroom.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metric store the scaling policies read: the live one-second store, and, for a query that reaches back further
 * than the live store keeps, the {@link MinuteHistory}'s minute rollups (the state file's 15 days in the server, kept
 * in memory by the simulator) up to the last minute rolled up, and the live store after it. So predictive scaling
 * sees two weeks of history while alarms keep reading the live store alone (their windows are seconds to minutes:
 * the fast path, with no file access).
 *
 * <p>Only whole-minute periods (a multiple of 60 s) and the statistics a rollup keeps exactly (Sum, SampleCount,
 * Average, Minimum, Maximum) read the history; a percentile or a shorter period reads the live store only. Writes go
 * to the live store.
 */
public final class HistoryMetricStore implements MetricStore {
    /** Queries shorter than the live store's retention less this margin read the live store alone. */
    private static final Duration MARGIN = Duration.ofMinutes(2);

    private final MetricStore live;
    private final MinuteHistory history;
    private final Duration liveWindow;

    /**
     * @param liveRetention how much the live store keeps; a query reaching back less than that (less two minutes)
     *                      from its end is answered by the live store alone, without touching the history
     */
    public HistoryMetricStore(MetricStore live, MinuteHistory history, Duration liveRetention) {
        this.live = live;
        this.history = history;
        this.liveWindow = liveRetention.minus(MARGIN);
    }

    /** Where the history's part of {@code [start, end)} ends, or null when the live store answers alone. */
    private Instant boundary(Instant start, Instant end) {
        if (!start.isBefore(end.minus(liveWindow))) {
            return null; // an alarm's window: seconds to minutes, all in the live store
        }
        Instant b = history.rolledUntil();
        return b == null || !start.isBefore(b) ? null : b;
    }

    @Override
    public void record(MetricKey key, long epochSecond, double value) {
        live.record(key, epochSecond, value);
    }

    @Override
    public List<Datapoint> query(MetricKey key, Instant start, Instant end, int periodSeconds, Statistic stat) {
        Instant boundary = periodSeconds % 60 != 0 || stat.isPercentile() ? null : boundary(start, end);
        if (boundary == null) {
            return live.query(key, start, end, periodSeconds, stat);
        }
        TreeMap<Long, double[]> buckets = new TreeMap<>();
        for (Map.Entry<Long, double[]> m : minutes(key, start, end, boundary).entrySet()) {
            long bucket = Math.floorDiv(m.getKey(), periodSeconds) * periodSeconds;
            merge(buckets.computeIfAbsent(bucket, b -> empty()), m.getValue());
        }
        List<Datapoint> out = new ArrayList<>(buckets.size());
        buckets.forEach((b, v) -> out.add(new Datapoint(Instant.ofEpochSecond(b), value(v, stat), (long) v[1])));
        return out;
    }

    @Override
    public OptionalDouble aggregate(MetricKey key, Instant start, Instant end, Statistic stat) {
        Instant boundary = stat.isPercentile() ? null : boundary(start, end);
        if (boundary == null) {
            return live.aggregate(key, start, end, stat);
        }
        double[] all = empty();
        for (double[] v : minutes(key, start, end, boundary).values()) {
            merge(all, v);
        }
        return all[1] == 0 ? OptionalDouble.empty() : OptionalDouble.of(value(all, stat));
    }

    /** Minute start → {sum, count, min, max}: the history's minutes before {@code boundary}, the live store's after. */
    private TreeMap<Long, double[]> minutes(MetricKey key, Instant start, Instant end, Instant boundary) {
        TreeMap<Long, double[]> out = new TreeMap<>();
        Instant historyEnd = end.isBefore(boundary) ? end : boundary;
        for (MinuteRollup r : history.metricHistory(key, start, historyEnd)) {
            out.put(r.minute().getEpochSecond(), new double[] {r.sum(), r.sampleCount(), r.minimum(), r.maximum()});
        }
        if (end.isAfter(boundary)) {
            Statistic[] stats = {Statistic.SUM, Statistic.SAMPLE_COUNT, Statistic.MINIMUM, Statistic.MAXIMUM};
            for (int i = 0; i < stats.length; i++) {
                for (Datapoint d : live.query(key, boundary, end, 60, stats[i])) {
                    out.computeIfAbsent(d.timestamp().getEpochSecond(), m -> empty())[i] = d.value();
                }
            }
        }
        return out;
    }

    private static double[] empty() {
        return new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    }

    private static void merge(double[] into, double[] v) {
        into[0] += v[0];
        into[1] += v[1];
        into[2] = Math.min(into[2], v[2]);
        into[3] = Math.max(into[3], v[3]);
    }

    private static double value(double[] v, Statistic stat) {
        return switch (stat.kind()) {
            case SUM -> v[0];
            case SAMPLE_COUNT -> v[1];
            case AVERAGE -> v[0] / v[1];
            case MINIMUM -> v[2];
            case MAXIMUM -> v[3];
            case PERCENTILE -> throw new IllegalArgumentException("percentiles are not kept in the minute rollups");
        };
    }

    @Override
    public Set<MetricKey> keys() {
        return live.keys();
    }

    @Override
    public void evict(Instant now) {
        live.evict(now);
    }
}
