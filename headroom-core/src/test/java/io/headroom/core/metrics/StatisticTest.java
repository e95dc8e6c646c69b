package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatisticTest {

    @Test
    void parsesAwsNamesAndPrintsThemBack() {
        assertThat(Statistic.parse("Sum")).isEqualTo(Statistic.SUM);
        assertThat(Statistic.parse("Average")).isEqualTo(Statistic.AVERAGE);
        assertThat(Statistic.parse("Minimum")).isEqualTo(Statistic.MINIMUM);
        assertThat(Statistic.parse("Maximum")).isEqualTo(Statistic.MAXIMUM);
        assertThat(Statistic.parse("SampleCount")).isEqualTo(Statistic.SAMPLE_COUNT);
        assertThat(Statistic.parse("average")).isEqualTo(Statistic.AVERAGE);
        for (String s : new String[] {"Sum", "Average", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p99",
                "p99.9", "p0", "p100", "p12.5"}) {
            assertThat(Statistic.parse(s)).hasToString(s);
        }
    }

    @Test
    void percentiles() {
        Statistic p99 = Statistic.parse("p99");
        assertThat(p99).isEqualTo(Statistic.P99).isEqualTo(Statistic.percentile(99));
        assertThat(p99.isPercentile()).isTrue();
        assertThat(p99.percentile()).isEqualTo(99.0);
        assertThat(Statistic.parse("P99.90").percentile()).isEqualTo(99.9);
        assertThat(Statistic.parse("p99.90")).hasToString("p99.9");
        assertThat(Statistic.SUM.isPercentile()).isFalse();
    }

    @Test
    void badValuesNameTheValueAndTheExpectedOnes() {
        for (String bad : new String[] {"Avg", "p101", "p", "p-1", "99", "", "pNN"}) {
            assertThatThrownBy(() -> Statistic.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("Sum, Average, Minimum, Maximum, SampleCount")
                    .hasMessageContaining("p99");
        }
        assertThatThrownBy(() -> Statistic.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistic.percentile(100.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..100");
    }
}
