package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headroom.core.time.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlowStartTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    record C(double weight) implements Candidate {
        @Override
        public int outstanding() {
            return 0;
        }
    }

    @Test
    void weightRisesLinearlyFromTheMinimumToFullOverThePeriod() {
        ManualClock clock = new ManualClock(T0);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isEqualTo(SlowStart.MIN_WEIGHT);
        clock.advanceSeconds(25);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isCloseTo(0.25, within(1e-9));
        clock.advanceSeconds(25);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isCloseTo(0.50, within(1e-9));
        clock.advanceSeconds(49);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isCloseTo(0.99, within(1e-9));
        clock.advanceSeconds(1);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isEqualTo(1.0);
        clock.advanceSeconds(1000);
        assertThat(SlowStart.weight(T0, clock.instant(), 100)).isEqualTo(1.0);
    }

    @Test
    void neverBelowTheMinimumSoAWarmingTargetIsTried() {
        assertThat(SlowStart.weight(T0, T0.plusMillis(100), 900)).isEqualTo(SlowStart.MIN_WEIGHT);
        assertThat(SlowStart.weight(T0, T0.minusSeconds(5), 30)).isEqualTo(SlowStart.MIN_WEIGHT); // clock went back
        assertThat(SlowStart.MIN_WEIGHT).isGreaterThan(0).isLessThan(0.1);
    }

    @Test
    void slowStartOffIsFullWeightAtOnce() {
        assertThat(SlowStart.weight(T0, T0, 0)).isEqualTo(1.0);
    }

    @Test
    void weightedRoundRobinGivesEachCandidateItsWeightedShareInEveryWindow() {
        SelectionStrategy rr = SlowStart.roundRobin();
        Candidate[] c = {new C(1.0), new C(0.25), new C(1.0)};
        // shares 1/2.25, 0.25/2.25, 1/2.25 = 44.4%, 11.1%, 44.4%; checked over several consecutive windows
        for (int window = 0; window < 5; window++) {
            int[] n = new int[3];
            for (int i = 0; i < 900; i++) {
                n[rr.select(c, -1)]++;
            }
            assertThat(n[1]).isBetween(95, 105);
            assertThat(n[0]).isBetween(395, 405);
            assertThat(n[2]).isBetween(395, 405);
        }
    }

    @Test
    void weightedRoundRobinSpreadsTheLightCandidateOut() {
        SelectionStrategy rr = SlowStart.roundRobin();
        Candidate[] c = {new C(1.0), new C(0.1)};
        int lastLight = -100;
        int minGap = Integer.MAX_VALUE;
        for (int i = 0; i < 1100; i++) {
            if (rr.select(c, -1) == 1) {
                minGap = Math.min(minGap, i - lastLight);
                lastLight = i;
            }
        }
        assertThat(minGap).isGreaterThanOrEqualTo(5); // ~1 in 11, never bunched together
    }

    @Test
    void equalWeightsArePlainRotationAndExcludeIsSkipped() {
        SelectionStrategy rr = SlowStart.roundRobin();
        Candidate[] c = {new C(1), new C(1), new C(1)};
        assertThat(new int[] {rr.select(c, -1), rr.select(c, -1), rr.select(c, -1), rr.select(c, -1)})
                .containsExactly(0, 1, 2, 0);
        Candidate[] w = {new C(1), new C(0.2), new C(1)};
        for (int i = 0; i < 200; i++) {
            assertThat(rr.select(w, 1)).isNotEqualTo(1);
            assertThat(rr.select(c, 2)).isNotEqualTo(2);
        }
    }
}
