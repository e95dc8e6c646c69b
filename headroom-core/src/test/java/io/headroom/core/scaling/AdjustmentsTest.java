package io.headroom.core.scaling;

import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.EXACT_CAPACITY;
import static io.headroom.core.config.ScalingPolicyConfig.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdjustmentsTest {
    @Test
    void changeAndExactCapacity() {
        assertThat(Adjustments.apply(CHANGE_IN_CAPACITY, 4, 3, null)).isEqualTo(7);
        assertThat(Adjustments.apply(CHANGE_IN_CAPACITY, 4, -6, null)).isZero();
        assertThat(Adjustments.apply(EXACT_CAPACITY, 4, 9, null)).isEqualTo(9);
    }

    @Test
    void percentRoundsAsAwsDocuments() {
        // 12.7 -> 12 (values above 1 rounded down)
        assertThat(Adjustments.percentChange(127, 10, null)).isEqualTo(12);
        // 0.67 -> 1 (between 0 and 1)
        assertThat(Adjustments.percentChange(3, 22, null)).isEqualTo(1);
        // -0.58 -> -1 (between -1 and 0)
        assertThat(Adjustments.percentChange(2, -29, null)).isEqualTo(-1);
        // -6.67 -> -6 (below -1 rounded up)
        assertThat(Adjustments.percentChange(667, -1, null)).isEqualTo(-6);
        assertThat(Adjustments.percentChange(13, -10, null)).isEqualTo(-1); // -1.3
        assertThat(Adjustments.percentChange(13, -30, null)).isEqualTo(-3); // -3.9
        assertThat(Adjustments.apply(PERCENT_CHANGE_IN_CAPACITY, 10, 20, null)).isEqualTo(12);
    }

    @Test
    void minAdjustmentMagnitudeRaisesSmallPercentChanges() {
        // AWS's example: 25% of 4 is 1, MinAdjustmentMagnitude 2 scales out by 2.
        assertThat(Adjustments.apply(PERCENT_CHANGE_IN_CAPACITY, 4, 25, 2)).isEqualTo(6);
        assertThat(Adjustments.apply(PERCENT_CHANGE_IN_CAPACITY, 4, -25, 2)).isEqualTo(2);
        assertThat(Adjustments.apply(PERCENT_CHANGE_IN_CAPACITY, 40, 25, 2)).isEqualTo(50);
    }

    @Test
    void ceilIgnoresFloatingPointNoise() {
        assertThat(Adjustments.ceil(2 * 75.0 / 50)).isEqualTo(3);
        assertThat(Adjustments.ceil(3 * (0.1 + 0.2) / 0.3)).isEqualTo(3);
        assertThat(Adjustments.ceil(3.0001)).isEqualTo(4);
    }
}
