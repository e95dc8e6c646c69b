package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketsTest {

    @Test
    void representativeIsWithinHalfAPercentAndKeysFollowValueOrder() {
        Random rnd = new Random(7);
        double prev = Double.NEGATIVE_INFINITY;
        int prevKey = Integer.MIN_VALUE;
        double[] values = new double[10_000];
        for (int j = 0; j < values.length; j++) {
            values[j] = (rnd.nextBoolean() ? 1 : -1) * Math.exp(rnd.nextDouble() * 80 - 40);
        }
        java.util.Arrays.sort(values);
        for (double v : values) {
            int k = Buckets.key(v);
            assertThat(Buckets.value(k)).as("value of %s", v).isCloseTo(v, withinPercentage(0.5));
            assertThat(v).isGreaterThanOrEqualTo(prev);
            assertThat(k).isGreaterThanOrEqualTo(prevKey);
            prev = v;
            prevKey = k;
        }
        assertThat(Buckets.key(0)).isZero();
        assertThat(Buckets.key(Double.MIN_VALUE)).isPositive();
        assertThat(Buckets.key(-Double.MAX_VALUE)).isLessThan(Buckets.key(-Double.MIN_VALUE)).isNegative();
    }

    @Test
    void encodeDecodeRoundTripsAndMergeAddsCounts() {
        long[] a = {Buckets.pack(-(Buckets.BIAS + 5), 3), Buckets.pack(0, 1), Buckets.pack(Buckets.BIAS + 7, 1),
                Buckets.pack(Buckets.BIAS + 8, Buckets.MAX_COUNT)};
        assertThat(Buckets.decode(Buckets.encode(a))).containsExactly(a);
        assertThat(Buckets.encode(new long[] {Buckets.pack(Buckets.BIAS + 1, 1), Buckets.pack(Buckets.BIAS + 2, 1)}))
                .hasSizeLessThanOrEqualTo(5); // neighbouring buckets cost about 2 bytes each

        long[] b = {Buckets.pack(0, 2), Buckets.pack(Buckets.BIAS + 8, 2), Buckets.pack(Buckets.BIAS + 9, 1)};
        long[] m = Buckets.merge(a, b);
        long total = 0;
        for (long e : m) {
            total += Buckets.countOf(e);
        }
        assertThat(total).isEqualTo(3 + 1 + 1 + Buckets.MAX_COUNT + 2 + 2 + 1);
        assertThat(Buckets.countOf(m[1])).isEqualTo(3); // zero bucket: 1 + 2
        assertThat(Buckets.single(5, 2 * Buckets.MAX_COUNT + 1)).hasSize(3);
    }

    @Test
    void hotPathRecordingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MetricRegistry registry = new MetricRegistry();
        Counter c = registry.counter(MetricKey.of("RequestCount"));
        Distribution d = registry.distribution(MetricKey.of("TargetResponseTime"));
        for (int j = 0; j < 20_000; j++) { // warm up (class loading, JIT)
            c.increment();
            d.record(j / 1000.0);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int j = 0; j < 100_000; j++) {
            c.increment();
            c.add(2);
            d.record(j / 1000.0);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 100k recordings").isLessThan(1024);
        assertThat(c.sum()).isEqualTo(20_000 + 300_000);
    }
}
