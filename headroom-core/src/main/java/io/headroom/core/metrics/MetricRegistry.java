package io.headroom.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-path instruments, sampled into a {@link MetricStore} once a second.
 *
 * <pre>
 *  event loops ──increment()/record()──▶ Counter / Distribution   (lock-free, allocation-free)
 *  controller  ──gauge(key, supplier)──▶ gauge                    (read at publish time)
 *                                             │
 *  1-second publisher ──publish(store, now)───┘──▶ MetricStore.record(key, second, sample)
 * </pre>
 *
 * <p>What one {@link #publish publish} writes, per instrument, into the given second:
 * <ul>
 *   <li>counter: one sample, the delta since the previous publish, 0 included (so Sum over a quiet period is
 *       0 rather than missing data, like ELB's RequestCount);</li>
 *   <li>distribution: every value recorded since the previous publish is a sample of that second (nothing
 *       if there was none: a period without requests has no TargetResponseTime datapoint, as in AWS);</li>
 *   <li>gauge: one sample, the supplier's current value (skipped when it returns NaN/infinity or throws).</li>
 * </ul>
 * Look instruments up once (at config load or when a target appears), keep the reference, and record on
 * it; the lookup itself is a map access and not meant for the per-request path.
 */
public final class MetricRegistry {
    private static final Logger log = LoggerFactory.getLogger(MetricRegistry.class);
    private volatile long publishedUntil;

    private final ConcurrentHashMap<MetricKey, Object> instruments = new ConcurrentHashMap<>();
    /** Removed counters/distributions whose last values go out with the next publish. */
    private final List<Map.Entry<MetricKey, Object>> retired = new ArrayList<>();

    /** The counter of {@code key}, made on first use; the same key always gives the same instance. */
    public Counter counter(MetricKey key) {
        return instrument(key, Counter.class, Counter::new);
    }

    /** The distribution of {@code key}, made on first use; the same key always gives the same instance. */
    public Distribution distribution(MetricKey key) {
        return instrument(key, Distribution.class, Distribution::new);
    }

    /** Samples {@code s} at every publish; replaces an earlier gauge of the same key. */
    public void gauge(MetricKey key, DoubleSupplier s) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(s, "supplier");
        Gauge g = new Gauge(s);
        Object prev = instruments.merge(key, g, (old, neu) -> old instanceof Gauge ? neu : old);
        if (prev != g) {
            throw new IllegalArgumentException(key + " is already registered as a " + kind(prev));
        }
    }

    /**
     * Forgets {@code key} (an instance or target went away). A counter's or distribution's values recorded
     * since the last publish still go out with the next publish; later recordings on a kept reference are lost.
     */
    public void remove(MetricKey key) {
        Object old = instruments.remove(key);
        if (old instanceof Counter || old instanceof Distribution) {
            synchronized (retired) {
                retired.add(Map.entry(key, old));
            }
        }
    }

    /** The end (exclusive) of the seconds published so far, as an epoch second; 0 before the first publish. */
    public long publishedUntil() {
        return publishedUntil;
    }

    /** The keys of all registered instruments. */
    public Set<MetricKey> keys() {
        return Set.copyOf(instruments.keySet());
    }

    /**
     * Moves this second's values into {@code store} at {@code epochSecond} (see the class comment). Call it
     * from one thread once a second; concurrent calls are serialised.
     */
    public synchronized void publish(MetricStore store, long epochSecond) {
        Objects.requireNonNull(store, "store");
        List<Map.Entry<MetricKey, Object>> gone;
        synchronized (retired) {
            gone = new ArrayList<>(retired);
            retired.clear();
        }
        for (Map.Entry<MetricKey, Object> e : gone) {
            publishOne(store, epochSecond, e.getKey(), e.getValue());
        }
        for (Map.Entry<MetricKey, Object> e : instruments.entrySet()) {
            publishOne(store, epochSecond, e.getKey(), e.getValue());
        }
        publishedUntil = Math.max(publishedUntil, epochSecond + 1);
    }

    private static void publishOne(MetricStore store, long sec, MetricKey key, Object instrument) {
        if (instrument instanceof Counter c) {
            store.record(key, sec, c.takeDelta());
        } else if (instrument instanceof Distribution d) {
            d.drain((count, sum, min, max, entries) -> {
                if (store instanceof InMemoryMetricStore mem) {
                    mem.addSamples(key, sec, count, sum, min, max, entries);
                } else {
                    // another store: one sample per value, at its bucket's value (bounded by what was recorded)
                    for (long entry : entries) {
                        double v = Math.max(min, Math.min(max, Buckets.value(Buckets.keyOf(entry))));
                        for (long j = Buckets.countOf(entry); j > 0; j--) {
                            store.record(key, sec, v);
                        }
                    }
                }
            });
        } else if (instrument instanceof Gauge g) {
            double v;
            try {
                v = g.supplier.getAsDouble();
            } catch (RuntimeException ex) {
                log.warn("gauge {} failed; no sample this second", key, ex);
                return;
            }
            if (Double.isFinite(v)) {
                store.record(key, sec, v);
            }
        }
    }

    private <T> T instrument(MetricKey key, Class<T> type, java.util.function.Supplier<T> make) {
        Objects.requireNonNull(key, "key");
        Object o = instruments.computeIfAbsent(key, k -> make.get());
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException(key + " is already registered as a " + kind(o)
                    + ", not a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
        return type.cast(o);
    }

    private static String kind(Object o) {
        return o instanceof Counter ? "counter" : o instanceof Distribution ? "distribution" : "gauge";
    }

    private record Gauge(DoubleSupplier supplier) {
    }
}
