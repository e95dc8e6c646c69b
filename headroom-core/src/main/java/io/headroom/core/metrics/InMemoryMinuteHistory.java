package io.headroom.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Minute rollups kept in memory for {@code retention}: the history a simulation's predictive policies forecast from
 * (the server keeps its rollups in the state file). Not thread-safe: one caller rolls up and queries.
 */
public final class InMemoryMinuteHistory implements MinuteHistory {
    private final Duration retention;
    private final Map<MetricKey, TreeMap<Long, MinuteRollup>> series = new HashMap<>();
    private long rolledUntil = Long.MIN_VALUE;

    public InMemoryMinuteHistory(Duration retention) {
        this.retention = retention;
    }

    /**
     * Rolls up every series of {@code live} for each whole minute before {@code now} not rolled up yet, and drops
     * minutes older than the retention. Call it at least as often as {@code live} forgets its samples.
     */
    public void rollUp(MetricStore live, Instant now) {
        long end = Math.floorDiv(now.getEpochSecond(), 60) * 60;
        long start = rolledUntil == Long.MIN_VALUE ? end - 3600 : rolledUntil;
        if (start >= end) {
            return;
        }
        for (MetricKey key : live.keys()) {
            for (MinuteRollup r : MinuteRollup.of(live, key, Instant.ofEpochSecond(start), Instant.ofEpochSecond(end))) {
                series.computeIfAbsent(key, k -> new TreeMap<>()).put(r.minute().getEpochSecond(), r);
            }
        }
        rolledUntil = end;
        long oldest = end - retention.toSeconds();
        series.values().removeIf(minutes -> {
            minutes.headMap(oldest).clear();
            return minutes.isEmpty();
        });
    }

    @Override
    public Instant rolledUntil() {
        return rolledUntil == Long.MIN_VALUE ? null : Instant.ofEpochSecond(rolledUntil);
    }

    @Override
    public List<MinuteRollup> metricHistory(MetricKey key, Instant from, Instant to) {
        NavigableMap<Long, MinuteRollup> minutes = series.get(key);
        if (minutes == null || !from.isBefore(to)) {
            return List.of();
        }
        return new ArrayList<>(minutes.subMap(from.getEpochSecond(), true, to.getEpochSecond(), false).values());
    }
}
