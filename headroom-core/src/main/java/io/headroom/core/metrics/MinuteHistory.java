package io.headroom.core.metrics;

import java.time.Instant;
import java.util.List;

/**
 * Minute rollups of metric series kept longer than the live one-second store keeps its samples: what predictive
 * scaling forecasts from ({@link HistoryMetricStore}). The server keeps them in its state file, the simulator in
 * memory ({@link InMemoryMinuteHistory}).
 */
public interface MinuteHistory {
    /** Where the rolled-up minutes end (exclusive), or null when there are none yet. */
    Instant rolledUntil();

    /** The rollups of {@code key} whose minute starts in {@code [from, to)}, oldest first. */
    List<MinuteRollup> metricHistory(MetricKey key, Instant from, Instant to);
}
