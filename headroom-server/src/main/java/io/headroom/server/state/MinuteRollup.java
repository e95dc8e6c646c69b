package io.headroom.server.state;

import io.headroom.core.metrics.MetricKey;
import java.time.Instant;

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

    /** Sum / SampleCount. */
    public double average() {
        return sampleCount == 0 ? Double.NaN : sum / sampleCount;
    }
}
