package io.headroom.bench;

import io.headroom.core.metrics.Counter;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.Distribution;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Metric recording on the request path: a {@link Counter} increment (RequestCount), a byte count
 * (ProcessedBytes) and a {@link Distribution} sample (TargetResponseTime), each alone and with two threads on
 * the same instrument as two event loops would be. Response times are drawn from a fixed table of log-normally
 * spread values (0.1 ms .. 1 s) so that every bucket path is exercised and nothing folds to a constant.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MetricsBenchmark {

    private Counter requests;
    private Counter bytes;
    private Distribution responseTime;
    private final double[] samples = new double[1024];

    @Setup
    public void setUp() {
        MetricRegistry registry = new MetricRegistry();
        Dimensions lb = Dimensions.of("LoadBalancer", "bench");
        requests = registry.counter(MetricKey.of("RequestCount", lb));
        bytes = registry.counter(MetricKey.of("ProcessedBytes", lb));
        responseTime = registry.distribution(MetricKey.of("TargetResponseTime", Dimensions.of("TargetGroup", "web")));
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = Math.exp(Math.log(1e-4) + random.nextDouble() * (Math.log(1.0) - Math.log(1e-4)));
        }
    }

    /** Per-thread position in the sample table. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    public void counterIncrement() {
        requests.increment();
    }

    @Benchmark
    public void counterAdd() {
        bytes.add(1460);
    }

    @Benchmark
    public void distributionRecord(Cursor c) {
        responseTime.record(samples[c.next++ & 1023]);
    }

    @Benchmark
    @Threads(2)
    public void counterIncrementContended() {
        requests.increment();
    }

    @Benchmark
    @Threads(2)
    public void distributionRecordContended(Cursor c) {
        responseTime.record(samples[c.next++ & 1023]);
    }
}
