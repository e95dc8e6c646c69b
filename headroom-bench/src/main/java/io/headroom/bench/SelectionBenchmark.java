package io.headroom.bench;

import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.target.Candidate;
import io.headroom.core.target.SelectionStrategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SelectionStrategy#select} per algorithm, once per request: {@code targets} healthy candidates with
 * volatile weight and in-flight counts, as the proxy's targets keep them (outstanding counts differ so that least
 * outstanding requests has to scan; weights differ so that weighted random has to walk). {@code contended} runs
 * the same on two threads sharing one strategy, as two event loops do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SelectionBenchmark {

    @Param({"ROUND_ROBIN", "LEAST_OUTSTANDING_REQUESTS", "WEIGHTED_RANDOM"})
    public TargetGroupConfig.Algorithm algorithm;

    @Param({"3", "20"})
    public int targets;

    private SelectionStrategy strategy;
    private Candidate[] candidates;

    @Setup
    public void setUp() {
        strategy = SelectionStrategy.of(algorithm);
        candidates = new Candidate[targets];
        for (int i = 0; i < targets; i++) {
            candidates[i] = new Target(1.0 + (i % 3) * 0.5, (i * 7) % 5 + 1);
        }
    }

    @Benchmark
    public int select() {
        return strategy.select(candidates, -1);
    }

    @Benchmark
    @Threads(2)
    public int contended() {
        return strategy.select(candidates, -1);
    }

    /** A target as the proxy holds it: fields that other threads update. */
    static final class Target implements Candidate {
        private volatile double weight;
        private volatile int outstanding;

        Target(double weight, int outstanding) {
            this.weight = weight;
            this.outstanding = outstanding;
        }

        @Override
        public double weight() {
            return weight;
        }

        @Override
        public int outstanding() {
            return outstanding;
        }
    }
}
