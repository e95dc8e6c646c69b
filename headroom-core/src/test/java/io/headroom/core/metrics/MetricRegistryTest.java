package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
    static final long BASE = MetricStoreTest.BASE;
    static final MetricKey REQUESTS = MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "web"));
    static final MetricKey RT = MetricKey.of("TargetResponseTime", Dimensions.of("LoadBalancer", "web"));

    final MetricRegistry registry = new MetricRegistry();
    final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    static Instant at(long offset) {
        return Instant.ofEpochSecond(BASE + offset);
    }

    @Test
    void countersPublishDeltasIncludingZero() {
        Counter c = registry.counter(REQUESTS);
        assertThat(registry.counter(REQUESTS)).isSameAs(c);

        c.add(5);
        registry.publish(store, BASE);
        registry.publish(store, BASE + 1); // quiet second
        c.increment();
        c.add(2);
        registry.publish(store, BASE + 2);

        assertThat(store.query(REQUESTS, at(0), at(60), 1, Statistic.SUM)).containsExactly(
                new Datapoint(at(0), 5, 1), new Datapoint(at(1), 0, 1), new Datapoint(at(2), 3, 1));
        assertThat(store.aggregate(REQUESTS, at(0), at(60), Statistic.SUM)).hasValue(8);
        assertThat(store.aggregate(REQUESTS, at(0), at(60), Statistic.SAMPLE_COUNT)).hasValue(3);
        assertThat(store.aggregate(REQUESTS, at(0), at(60), Statistic.AVERAGE).orElseThrow())
                .isCloseTo(8 / 3.0, within(1e-12)); // requests per second
        assertThat(store.aggregate(REQUESTS, at(1), at(2), Statistic.SUM)).hasValue(0);
        assertThat(c.sum()).isEqualTo(8);
        assertThatThrownBy(() -> c.add(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void distributionSamplesEveryValueAcrossSeconds() {
        Distribution d = registry.distribution(RT);
        assertThat(registry.distribution(RT)).isSameAs(d);
        // 1..100 ms over four seconds, spread so that every second holds a mix
        for (int s = 0; s < 4; s++) {
            for (int v = s + 1; v <= 100; v += 4) {
                d.record(v / 1000.0);
            }
            registry.publish(store, BASE + s);
        }
        registry.publish(store, BASE + 4); // nothing recorded: no sample, no datapoint

        assertThat(store.query(RT, at(0), at(10), 1, Statistic.SAMPLE_COUNT)).extracting(Datapoint::value)
                .containsExactly(25.0, 25.0, 25.0, 25.0);
        Datapoint minute = store.query(RT, at(0), at(60), 60, Statistic.AVERAGE).get(0);
        assertThat(minute.sampleCount()).isEqualTo(100);
        assertThat(minute.value()).isCloseTo(0.0505, within(1e-12));
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.SUM).orElseThrow()).isCloseTo(5.05, within(1e-9));
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.MINIMUM)).hasValue(0.001);
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.MAXIMUM)).hasValue(0.1);
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.P50).orElseThrow()).isCloseTo(0.050, withinPercentage(1));
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.P90).orElseThrow()).isCloseTo(0.090, withinPercentage(1));
        assertThat(store.aggregate(RT, at(0), at(60), Statistic.P99).orElseThrow()).isCloseTo(0.099, withinPercentage(1));
    }

    @Test
    void distributionIgnoresNonFiniteValuesAndClampsExtremesInPercentilesOnly() {
        Distribution d = registry.distribution(RT);
        d.record(Double.NaN);
        d.record(Double.POSITIVE_INFINITY);
        d.record(0);
        d.record(1e-9);
        d.record(5e12);
        registry.publish(store, BASE);
        assertThat(store.aggregate(RT, at(0), at(1), Statistic.SAMPLE_COUNT)).hasValue(3);
        assertThat(store.aggregate(RT, at(0), at(1), Statistic.MAXIMUM)).hasValue(5e12);
        assertThat(store.aggregate(RT, at(0), at(1), Statistic.MINIMUM)).hasValue(0);
        assertThat(store.aggregate(RT, at(0), at(1), Statistic.P50).orElseThrow()).isCloseTo(1e-6, withinPercentage(1));
    }

    @Test
    void gaugesPublishTheCurrentValue() {
        MetricKey healthy = MetricKey.of("HealthyHostCount", Dimensions.of("TargetGroup", "api"));
        AtomicReference<Double> value = new AtomicReference<>(3.0);
        registry.gauge(healthy, value::get);
        registry.publish(store, BASE);
        value.set(Double.NaN); // unknown: no sample
        registry.publish(store, BASE + 1);
        value.set(2.0);
        registry.publish(store, BASE + 2);
        registry.gauge(healthy, () -> {
            throw new IllegalStateException("provider gone");
        });
        registry.publish(store, BASE + 3);

        assertThat(store.query(healthy, at(0), at(10), 1, Statistic.MAXIMUM)).containsExactly(
                new Datapoint(at(0), 3, 1), new Datapoint(at(2), 2, 1));
    }

    @Test
    void removedInstrumentsPublishTheirLastValuesOnce() {
        MetricKey target = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "api").with("Target", "i-1"));
        Counter c = registry.counter(target);
        c.add(4);
        registry.remove(target);
        assertThat(registry.keys()).doesNotContain(target);
        registry.publish(store, BASE);
        registry.publish(store, BASE + 1);
        assertThat(store.query(target, at(0), at(10), 1, Statistic.SUM)).containsExactly(new Datapoint(at(0), 4, 1));
        assertThat(registry.counter(target)).isNotSameAs(c);
    }

    @Test
    void oneKeyIsOneKindOfInstrument() {
        registry.counter(REQUESTS);
        assertThatThrownBy(() -> registry.distribution(REQUESTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RequestCount{LoadBalancer=web} is already registered as a counter");
        assertThatThrownBy(() -> registry.gauge(REQUESTS, () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counter");
    }

    @Test
    void concurrentRecordingWhilePublishingLosesNothing() throws Exception {
        int threads = 4;
        int perThread = 50_000;
        Counter c = registry.counter(REQUESTS);
        Distribution d = registry.distribution(RT);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch halfway = new CountDownLatch(1); // writers pause mid-way until a few publishes happened
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int j = 0; j < perThread; j++) {
                        if (j == perThread / 2) {
                            assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
                        }
                        c.increment();
                        d.record(id + 1); // values 1..4: the sum is checkable exactly
                    }
                    return null;
                }));
            }
            go.countDown();
            // publish while the writers run: every sample lands in exactly one second
            int second = 0;
            while (done.stream().anyMatch(f -> !f.isDone()) && second < 3000) {
                registry.publish(store, BASE + second++);
                if (second == 3) {
                    halfway.countDown();
                }
            }
            assertThat(second).isGreaterThanOrEqualTo(3);
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            registry.publish(store, BASE + second);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        long total = (long) threads * perThread;
        assertThat(store.aggregate(REQUESTS, at(0), at(3600), Statistic.SUM)).hasValue(total);
        assertThat(store.aggregate(RT, at(0), at(3600), Statistic.SAMPLE_COUNT)).hasValue(total);
        assertThat(store.aggregate(RT, at(0), at(3600), Statistic.SUM)).hasValue(perThread * (1.0 + 2 + 3 + 4));
        assertThat(store.aggregate(RT, at(0), at(3600), Statistic.MAXIMUM)).hasValue(4);
        assertThat(store.aggregate(RT, at(0), at(3600), Statistic.P50).orElseThrow()).isCloseTo(2, withinPercentage(1));
    }
}
