package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricStoreTest {
    /** A whole hour, so every period length used here starts at BASE. */
    static final long BASE = 1_764_000_000L - 1_764_000_000L % 3600;
    static final MetricKey CPU = MetricKey.of("CPUUtilization", Dimensions.of("InstanceId", "i-1"));
    static final MetricKey RT = MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "api"));

    final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    static Instant at(long offset) {
        return Instant.ofEpochSecond(BASE + offset);
    }

    Datapoint only(MetricKey key, long from, long to, int period, Statistic stat) {
        List<Datapoint> dps = store.query(key, at(from), at(to), period, stat);
        assertThat(dps).hasSize(1);
        return dps.get(0);
    }

    @Test
    void everyStatisticOverOneSamplePerSecondIsExact() {
        for (int v = 1; v <= 100; v++) {
            store.record(CPU, BASE + v - 1, v); // 100 seconds, one sample each: values 1..100
        }
        assertThat(only(CPU, 0, 300, 300, Statistic.SUM).value()).isEqualTo(5050);
        assertThat(only(CPU, 0, 300, 300, Statistic.AVERAGE).value()).isEqualTo(50.5);
        assertThat(only(CPU, 0, 300, 300, Statistic.MINIMUM).value()).isEqualTo(1);
        assertThat(only(CPU, 0, 300, 300, Statistic.MAXIMUM).value()).isEqualTo(100);
        assertThat(only(CPU, 0, 300, 300, Statistic.SAMPLE_COUNT).value()).isEqualTo(100);
        assertThat(only(CPU, 0, 300, 300, Statistic.P50).value()).isEqualTo(50);
        assertThat(only(CPU, 0, 300, 300, Statistic.P90).value()).isEqualTo(90);
        assertThat(only(CPU, 0, 300, 300, Statistic.P99).value()).isEqualTo(99);
        assertThat(only(CPU, 0, 300, 300, Statistic.parse("p100")).value()).isEqualTo(100);
        assertThat(only(CPU, 0, 300, 300, Statistic.parse("p0")).value()).isEqualTo(1);
        assertThat(only(CPU, 0, 300, 300, Statistic.P99).sampleCount()).isEqualTo(100);
    }

    @Test
    void percentilesMergeSamplesOfAllSecondsInThePeriod() {
        // values 1..100, two per second over 50 seconds: seconds hold different values, so sketches are used
        for (int v = 1; v <= 100; v++) {
            store.record(RT, BASE + v % 50, v);
        }
        assertThat(only(RT, 0, 60, 60, Statistic.SUM).value()).isEqualTo(5050);
        assertThat(only(RT, 0, 60, 60, Statistic.SAMPLE_COUNT).value()).isEqualTo(100);
        assertThat(only(RT, 0, 60, 60, Statistic.MINIMUM).value()).isEqualTo(1);
        assertThat(only(RT, 0, 60, 60, Statistic.MAXIMUM).value()).isEqualTo(100);
        assertThat(only(RT, 0, 60, 60, Statistic.P50).value()).isCloseTo(50, withinPercentage(1));
        assertThat(only(RT, 0, 60, 60, Statistic.P90).value()).isCloseTo(90, withinPercentage(1));
        assertThat(only(RT, 0, 60, 60, Statistic.P99).value()).isCloseTo(99, withinPercentage(1));
        // per-second percentiles averaged would give a different p99: each second is {v, v + 50}
        assertThat(only(RT, 0, 60, 60, Statistic.parse("p25")).value()).isCloseTo(25, withinPercentage(1));
    }

    @Test
    void percentilesOfManyDistinctValuesAreWithinOnePercent() {
        Random rnd = new Random(42);
        int n = 20_000;
        double[] all = new double[n];
        for (int j = 0; j < n; j++) {
            all[j] = Math.exp(rnd.nextGaussian() * 2 - 3); // log-normal, spans decades
            store.record(RT, BASE + j % 30, all[j]);
        }
        Arrays.sort(all);
        for (double p : new double[] {1, 10, 50, 75, 90, 99, 99.9}) {
            double exact = all[(int) Math.ceil(p * n / 100.0) - 1];
            double got = store.aggregate(RT, at(0), at(30), Statistic.percentile(p)).orElseThrow();
            assertThat(got).as("p%s", p).isCloseTo(exact, withinPercentage(1));
        }
    }

    @Test
    void periodsAreEpochAlignedAndRangeIsHalfOpen() {
        store.record(CPU, BASE + 59, 1);
        store.record(CPU, BASE + 60, 2);
        store.record(CPU, BASE + 61, 3);
        store.record(CPU, BASE + 120, 4);

        List<Datapoint> dps = store.query(CPU, at(30), at(120), 60, Statistic.SUM);
        assertThat(dps).containsExactly(
                new Datapoint(at(0), 1, 1),
                new Datapoint(at(60), 5, 2));
        // a start inside a second excludes that second; an end inside a second includes it
        assertThat(store.query(CPU, at(59).plusMillis(500), at(120).plusMillis(1), 60, Statistic.SUM))
                .containsExactly(new Datapoint(at(60), 5, 2), new Datapoint(at(120), 4, 1));
        assertThat(store.query(CPU, at(0), at(200), 1, Statistic.MAXIMUM)).extracting(Datapoint::timestamp)
                .containsExactly(at(59), at(60), at(61), at(120));
        assertThat(store.query(CPU, at(60), at(60), 60, Statistic.SUM)).isEmpty();
    }

    @Test
    void periodsWithoutSamplesAreOmitted() {
        store.record(CPU, BASE + 5, 10);
        store.record(CPU, BASE + 185, 30);
        assertThat(store.query(CPU, at(0), at(240), 60, Statistic.AVERAGE))
                .containsExactly(new Datapoint(at(0), 10, 1), new Datapoint(at(180), 30, 1));
        assertThat(store.query(MetricKey.of("Nothing"), at(0), at(240), 60, Statistic.AVERAGE)).isEmpty();
        assertThat(store.aggregate(CPU, at(6), at(185), Statistic.SUM)).isEmpty();
        assertThat(store.aggregate(CPU, at(0), at(240), Statistic.SUM)).hasValue(40);
    }

    @Test
    void dataOlderThanRetentionIsDropped() {
        MetricStore small = MetricStore.inMemory(Duration.ofMinutes(10));
        MetricKey gone = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "old"));
        small.record(gone, BASE, 1);
        small.record(CPU, BASE, 1);
        small.record(CPU, BASE + 300, 2);
        assertThat(small.keys()).containsExactlyInAnyOrder(gone, CPU);

        small.record(CPU, BASE + 600, 3); // retention is now (BASE, BASE + 600]
        assertThat(small.aggregate(CPU, at(0), at(1000), Statistic.SAMPLE_COUNT)).hasValue(2);
        assertThat(small.query(gone, at(0), at(1000), 60, Statistic.SUM)).isEmpty();

        small.record(CPU, BASE + 700, 4); // moves into a new block: series without live data disappear
        assertThat(small.keys()).containsExactly(CPU);
        small.record(CPU, BASE + 50, 9); // too old: ignored
        assertThat(small.aggregate(CPU, at(0), at(1000), Statistic.SUM)).hasValue(9);

        small.evict(at(1400));
        assertThat(small.keys()).isEmpty();
        assertThat(small.aggregate(CPU, at(0), at(2000), Statistic.SUM)).isEmpty();
    }

    @Test
    void keysByName() {
        MetricKey web = MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "web"));
        MetricKey api = MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "api"));
        store.record(web, BASE, 1);
        store.record(api, BASE, 1);
        store.record(CPU, BASE, 1);
        assertThat(store.keys()).containsExactlyInAnyOrder(web, api, CPU);
        assertThat(store.keys("RequestCount")).containsExactlyInAnyOrder(web, api);
        assertThat(store.keys("Nope")).isEmpty();
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> store.record(CPU, BASE, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CPUUtilization").hasMessageContaining("NaN");
        assertThatThrownBy(() -> store.query(CPU, at(0), at(60), 0, Statistic.SUM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("periodSeconds: 0");
        assertThatThrownBy(() -> store.query(CPU, at(60), at(0), 60, Statistic.SUM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before start");
        assertThatThrownBy(() -> MetricStore.inMemory(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    }

    @Test
    void negativeAndZeroValuesKeepTheirOrder() {
        double[] values = {-5, -0.5, 0, 0, 2, 8};
        for (int j = 0; j < values.length; j++) {
            store.record(CPU, BASE, values[j]); // one second, different values: sketched
        }
        assertThat(store.aggregate(CPU, at(0), at(1), Statistic.parse("p10")).orElseThrow()).isEqualTo(-5);
        assertThat(store.aggregate(CPU, at(0), at(1), Statistic.parse("p30")).orElseThrow()).isCloseTo(-0.5, withinPercentage(1));
        assertThat(store.aggregate(CPU, at(0), at(1), Statistic.P50).orElseThrow()).isEqualTo(0);
        assertThat(store.aggregate(CPU, at(0), at(1), Statistic.parse("p80")).orElseThrow()).isCloseTo(2, withinPercentage(1));
        assertThat(store.aggregate(CPU, at(0), at(1), Statistic.SUM).orElseThrow()).isCloseTo(4.5, within(1e-12));
    }

    @Test
    void threeHundredSeriesForAnHourStayWellUnder100MB() {
        MetricStore big = MetricStore.inMemory(Duration.ofHours(1));
        long before = usedHeapAfterGc();
        for (int s = 0; s < 300; s++) {
            MetricKey k = MetricKey.of("CPUUtilization", Dimensions.of("InstanceId", "i-" + s));
            for (int t = 0; t < 3600; t++) {
                big.record(k, BASE + t, (s + t) % 100);
            }
        }
        long used = usedHeapAfterGc() - before;
        assertThat(big.keys()).hasSize(300);
        assertThat(big.aggregate(MetricKey.of("CPUUtilization", Dimensions.of("InstanceId", "i-7")),
                at(0), at(3600), Statistic.SAMPLE_COUNT)).hasValue(3600);
        assertThat(used).as("bytes for 300 series x 1 hour").isLessThan(60L << 20);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
