package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.metrics.Statistic;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The metric query parameters: defaults, relative and ISO times, and errors naming the parameter. */
class MetricQueryTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void defaultsAreTheLastFifteenMinutesPeriod60Average() {
        MetricQuery q = MetricQuery.parse("RequestCount", null, null, null, null, null, NOW);
        assertThat(q.start()).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
        assertThat(q.end()).isEqualTo(NOW);
        assertThat(q.period()).isEqualTo(60);
        assertThat(q.statistic()).isEqualTo(Statistic.AVERAGE);
        assertThat(q.key().dimensions().isEmpty()).isTrue();
    }

    @Test
    void relativeAndIsoTimes() {
        assertThat(MetricQuery.time("start", "-30s", NOW)).isEqualTo(NOW.minusSeconds(30));
        assertThat(MetricQuery.time("start", "-15m", NOW)).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
        assertThat(MetricQuery.time("start", "-2h", NOW)).isEqualTo(NOW.minus(Duration.ofHours(2)));
        assertThat(MetricQuery.time("start", "-1d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(1)));
        assertThat(MetricQuery.time("end", "now", NOW)).isEqualTo(NOW);
        assertThat(MetricQuery.time("end", "2026-11-25T09:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
        MetricQuery q = MetricQuery.parse("TargetResponseTime", "TargetGroup=web", "-1h", "-30m", "300", "p99", NOW);
        assertThat(q.key().dimensions().get("TargetGroup")).isEqualTo("web");
        assertThat(q.period()).isEqualTo(300);
        assertThat(q.statistic()).isEqualTo(Statistic.P99);
    }

    @Test
    void badValuesNameTheParameter() {
        assertThatThrownBy(() -> MetricQuery.time("start", "15m", NOW)).hasMessageStartingWith("start: '15m'");
        assertThatThrownBy(() -> MetricQuery.parse(" ", null, null, null, null, null, NOW)).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> MetricQuery.parse("X", "a=", null, null, null, null, NOW)).hasMessageStartingWith("dimensions:");
        assertThatThrownBy(() -> MetricQuery.parse("X", null, null, null, "86401", null, NOW)).hasMessageStartingWith("period:");
        assertThatThrownBy(() -> MetricQuery.parse("X", null, null, null, null, "p101", NOW)).hasMessageStartingWith("statistic:");
        assertThatThrownBy(() -> MetricQuery.parse("X", null, "-1m", "-2m", null, null, NOW)).hasMessageStartingWith("end:");
    }
}
