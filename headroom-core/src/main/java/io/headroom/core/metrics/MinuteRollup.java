package io.headroom.core.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One minute of one metric series, as kept for 15 days: the CloudWatch statistics of all the samples of that
 * minute. Percentiles are NaN where the store had none.
 *
 * @param minute the start of the minute (UTC, whole minute)
 */
public record MinuteRollup(
        MetricKey key,
        Instant minute,
        double sum,
        long sampleCount,
        double minimum,
        double maximum,
        double p50,
        double p90,
        double p99) {

    private static final List<Statistic> STATS = List.of(Statistic.SUM, Statistic.SAMPLE_COUNT, Statistic.MINIMUM,
            Statistic.MAXIMUM, Statistic.P50, Statistic.P90, Statistic.P99);

    /** The whole minutes of {@code key} in {@code [start, end)} that have samples in {@code store}, oldest first. */
    public static List<MinuteRollup> of(MetricStore store, MetricKey key, Instant start, Instant end) {
        TreeMap<Long, double[]> minutes = new TreeMap<>();
        for (int i = 0; i < STATS.size(); i++) {
            for (Datapoint d : store.query(key, start, end, 60, STATS.get(i))) {
                double[] v = minutes.computeIfAbsent(d.timestamp().getEpochSecond(), m -> {
                    double[] a = new double[STATS.size()];
                    Arrays.fill(a, Double.NaN);
                    return a;
                });
                v[i] = d.value();
            }
        }
        List<MinuteRollup> out = new ArrayList<>(minutes.size());
        for (Map.Entry<Long, double[]> m : minutes.entrySet()) {
            double[] v = m.getValue();
            if (Double.isNaN(v[1]) || v[1] <= 0) {
                continue;
            }
            out.add(new MinuteRollup(key, Instant.ofEpochSecond(m.getKey()), v[0], (long) v[1], v[2], v[3], finite(v[4]),
                    finite(v[5]), finite(v[6])));
        }
        return out;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    /** Sum / SampleCount. */
    public double average() {
        return sampleCount == 0 ? Double.NaN : sum / sampleCount;
    }
}
