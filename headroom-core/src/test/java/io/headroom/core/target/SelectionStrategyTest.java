package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headroom.core.config.TargetGroupConfig.Algorithm;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectionStrategyTest {

    static final class C implements Candidate {
        double weight = 1;
        int outstanding;

        C() {
        }

        C(double weight) {
            this.weight = weight;
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

    private static C[] three() {
        return new C[] {new C(), new C(), new C()};
    }

    @Test
    void roundRobinAlternatesExactly() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.ROUND_ROBIN);
        C[] c = three();
        int[] counts = new int[3];
        int prev = -1;
        for (int i = 0; i < 300; i++) {
            int k = s.select(c, -1);
            if (prev >= 0) {
                assertThat(k).isEqualTo((prev + 1) % 3);
            }
            prev = k;
            counts[k]++;
        }
        assertThat(counts).containsExactly(100, 100, 100);
    }

    @Test
    void roundRobinSkipsTheExcludedCandidate() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.ROUND_ROBIN);
        C[] c = three();
        for (int i = 0; i < 30; i++) {
            assertThat(s.select(c, 1)).isNotEqualTo(1);
        }
    }

    @Test
    void anExcludedOnlyCandidateIsStillChosen() {
        for (Algorithm a : Algorithm.values()) {
            assertThat(SelectionStrategy.of(a).select(new C[] {new C()}, 0)).as(a.name()).isZero();
        }
    }

    @Test
    void leastOutstandingPicksTheTargetWithFewestInFlight() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.LEAST_OUTSTANDING_REQUESTS);
        C[] c = three();
        c[0].outstanding = 5;
        c[1].outstanding = 1;
        c[2].outstanding = 3;
        for (int i = 0; i < 20; i++) {
            assertThat(s.select(c, -1)).isEqualTo(1);
        }
        assertThat(s.select(c, 1)).isEqualTo(2);
    }

    @Test
    void leastOutstandingBreaksTiesAcrossAllTiedTargets() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.LEAST_OUTSTANDING_REQUESTS);
        C[] c = three();
        int[] counts = new int[3];
        for (int i = 0; i < 300; i++) {
            counts[s.select(c, -1)]++;
        }
        assertThat(counts).containsExactly(100, 100, 100);
    }

    @Test
    void leastOutstandingBalancesWhenRequestsStayInFlight() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.LEAST_OUTSTANDING_REQUESTS);
        C[] c = three();
        c[0].outstanding = 4; // a slow target already holding requests
        for (int i = 0; i < 8; i++) {
            c[s.select(c, -1)].outstanding++;
        }
        assertThat(c[0].outstanding).isEqualTo(4);
        assertThat(c[1].outstanding).isEqualTo(4);
        assertThat(c[2].outstanding).isEqualTo(4);
    }

    @Test
    void weightedRandomFollowsTheWeights() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.WEIGHTED_RANDOM, new Random(42));
        C[] c = {new C(1), new C(3), new C(6)};
        int n = 100_000;
        int[] counts = new int[3];
        for (int i = 0; i < n; i++) {
            counts[s.select(c, -1)]++;
        }
        assertThat(counts[0] / (double) n).isCloseTo(0.1, within(0.01));
        assertThat(counts[1] / (double) n).isCloseTo(0.3, within(0.01));
        assertThat(counts[2] / (double) n).isCloseTo(0.6, within(0.01));
    }

    @Test
    void weightedRandomWithEqualWeightsIsUniformAndHonoursExclude() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.WEIGHTED_RANDOM, new Random(7));
        C[] c = three();
        int n = 30_000;
        int[] counts = new int[3];
        for (int i = 0; i < n; i++) {
            counts[s.select(c, 2)]++;
        }
        assertThat(counts[2]).isZero();
        assertThat(counts[0] / (double) n).isCloseTo(0.5, within(0.02));
    }

    @Test
    void weightedRandomNeverPicksAZeroWeight() {
        SelectionStrategy s = SelectionStrategy.of(Algorithm.WEIGHTED_RANDOM, new Random(1));
        C[] c = {new C(0), new C(1)};
        for (int i = 0; i < 1000; i++) {
            assertThat(s.select(c, -1)).isEqualTo(1);
        }
    }
}
