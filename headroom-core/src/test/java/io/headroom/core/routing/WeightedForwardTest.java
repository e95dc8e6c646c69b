package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.headroom.core.config.StickinessConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedForwardTest {

    private static final int PICKS = 100_000;

    private static Map<String, Integer> counts(Route.Forward<String> f, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < PICKS; i++) {
            counts.merge(f.pick(rnd), 1, Integer::sum);
        }
        return counts;
    }

    private static Route.Forward<String> forward(List<String> groups, int... weights) {
        return new Route.Forward<>(groups, weights, StickinessConfig.disabled(), 1);
    }

    @Test
    void ninetyTenSplitIsWithinTwoPercent() {
        Map<String, Integer> c = counts(forward(List.of("blue", "green"), 90, 10), 42);
        assertThat(c.get("blue") / (double) PICKS).isCloseTo(0.90, within(0.02));
        assertThat(c.get("green") / (double) PICKS).isCloseTo(0.10, within(0.02));
    }

    @Test
    void threeWaySplitFollowsTheWeights() {
        Map<String, Integer> c = counts(forward(List.of("a", "b", "c"), 1, 2, 7), 7);
        assertThat(c.get("a") / (double) PICKS).isCloseTo(0.1, within(0.02));
        assertThat(c.get("b") / (double) PICKS).isCloseTo(0.2, within(0.02));
        assertThat(c.get("c") / (double) PICKS).isCloseTo(0.7, within(0.02));
    }

    @Test
    void zeroWeightIsNeverChosen() {
        Map<String, Integer> c = counts(forward(List.of("a", "off", "b"), 5, 0, 5), 1);
        assertThat(c).doesNotContainKey("off");
        assertThat(c.get("a") + c.get("b")).isEqualTo(PICKS);
    }

    @Test
    void allZeroWeightsChooseUniformly() {
        Map<String, Integer> c = counts(forward(List.of("a", "b"), 0, 0), 3);
        assertThat(c.get("a") / (double) PICKS).isCloseTo(0.5, within(0.02));
    }

    @Test
    void singleGroupIsAlwaysChosen() {
        Map<String, Integer> c = counts(forward(List.of("only"), 1), 5);
        assertThat(c).containsExactly(Map.entry("only", PICKS));
    }

    @Test
    void weightsAreCopiedAndChecked() {
        int[] w = {1, 1};
        Route.Forward<String> f = forward(List.of("a", "b"), w);
        w[0] = 100;
        assertThat(f.weights()).containsExactly(1, 1);
        assertThatThrownBy(() -> forward(List.of("a", "b"), 1)).hasMessageContaining("1 weights for 2");
        assertThatThrownBy(() -> forward(List.of("a"), -1)).hasMessageContaining("weight -1");
    }
}
