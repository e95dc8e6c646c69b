package io.headroom.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.HistoryMetricStore;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.scaling.Forecast;
import io.headroom.core.scaling.GroupState;
import io.headroom.core.scaling.ScalingDecision;
import io.headroom.core.scaling.ScalingPolicies;
import io.headroom.core.scaling.ScalingPolicy;
import io.headroom.core.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live one-hour store plus a real SQLite state file's minute rollups: a day of history as the running server
 * builds it (samples into the live store, a roll-up after every hour), then read back through one store, as the
 * predictive scaling policy reads it.
 */
class HistoryMetricStoreTest {
    private static final MetricKey TOTAL = MetricKey.of("TotalCPUUtilization", Dimensions.of("AutoScalingGroupName", "web"));
    private static final Instant START = Instant.parse("2026-11-23T08:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(START);
    private final MetricStore live = MetricStore.inMemory(Duration.ofHours(1));

    /** One sample a minute, at :30: 400 (% CPU summed over the group) from 09:00 to 17:00, 60 otherwise. */
    private static double load(long epochSecond) {
        long hour = Math.floorMod(epochSecond, 86_400L) / 3600;
        return hour >= 9 && hour < 17 ? 400 : 60;
    }

    /** Runs the day: minutes [0, minutes) after START, rolled up into the file at the end of every hour. */
    private void run(StateStore state, int minutes) {
        for (int m = 0; m < minutes; m++) {
            long t = START.getEpochSecond() + m * 60L + 30;
            clock.set(Instant.ofEpochSecond(t));
            live.record(TOTAL, t, load(t));
            if ((m + 1) % 60 == 0) {
                Instant hourEnd = START.plusSeconds((m + 1) * 60L + 10);
                clock.set(hourEnd);
                assertThat(state.rollUp(live, hourEnd)).isEqualTo(60);
            }
        }
    }

    @Test
    void longQueriesReadTheFileForOldMinutesAndTheLiveStoreForNewOnes() {
        try (StateStore state = StateStore.open(dir, clock)) {
            HistoryMetricStore store = new HistoryMetricStore(live, state, Duration.ofHours(1));
            assertThat(state.rolledUntil()).isNull();
            run(state, 24 * 60 + 50); // to 2026-11-24T08:50
            assertThat(state.rolledUntil()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
            Instant now = Instant.parse("2026-11-24T08:56:00Z");

            List<Datapoint> hourly = store.query(TOTAL, START, now, 3600, Statistic.AVERAGE);
            assertThat(hourly).hasSize(25);
            for (Datapoint d : hourly) {
                assertThat(d.value()).as("hour %s", d.timestamp()).isEqualTo(load(d.timestamp().getEpochSecond()));
            }
            assertThat(hourly.get(0).sampleCount()).isEqualTo(60);
            assertThat(hourly.get(24).sampleCount()).as("the current hour, from the live store").isEqualTo(50);
            assertThat(live.query(TOTAL, START, now, 3600, Statistic.AVERAGE)).as("the live store alone").hasSize(2);
            assertThat(store.aggregate(TOTAL, START, now, Statistic.SAMPLE_COUNT)).hasValue(24 * 60 + 50);
            assertThat(store.aggregate(TOTAL, START, now, Statistic.MAXIMUM)).hasValue(400);
            assertThat(store.query(TOTAL, Instant.parse("2026-11-23T16:00:00Z"), Instant.parse("2026-11-23T18:00:00Z"),
                    7200, Statistic.SUM)).containsExactly(new Datapoint(Instant.parse("2026-11-23T16:00:00Z"),
                    60 * 400 + 60 * 60, 120));
            // Short windows (alarms) and percentiles read the live store only: 30 minutes of minutes reach back past
            // the last roll-up (08:00) but not past the live store's hour, so the file is not read.
            Instant recent = now.minusSeconds(1800);
            assertThat(store.query(TOTAL, recent, now, 60, Statistic.AVERAGE))
                    .isEqualTo(live.query(TOTAL, recent, now, 60, Statistic.AVERAGE)).hasSize(24); // 08:26 to 08:49
            assertThat(store.query(TOTAL, recent, now, 10, Statistic.AVERAGE))
                    .isEqualTo(live.query(TOTAL, recent, now, 10, Statistic.AVERAGE)).isNotEmpty();
            assertThat(store.query(TOTAL, START, now, 3600, Statistic.P99)).hasSize(2);

            // Predictive scaling on top: a day of history is enough, and at 08:56 (within the 300 s buffer of 09:00)
            // the 09:00 hour's forecast applies: ceil(400 / 50) = 8.
            ScalingPolicyConfig.Predictive c = new ScalingPolicyConfig.Predictive("daily",
                    ScalingPolicyConfig.PredictiveMetricPair.ASG_CPU_UTILIZATION, null, 50,
                    ScalingPolicyConfig.PredictiveMode.FORECAST_AND_SCALE, 300,
                    ScalingPolicyConfig.MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null);
            AutoScalingGroupConfig g = new AutoScalingGroupConfig("web", "app", "$Latest", 1, 10, 2, List.of("zone-a"),
                    List.of(), AutoScalingGroupConfig.HealthCheckType.EC2, 30, 10, 300, List.of(), List.of(c), List.of());
            ScalingPolicy p = ScalingPolicies.create(c, g);
            ScalingDecision d = p.evaluate(store, new GroupState("web", 1, 10, 2, 2, 0, 0), now);
            assertThat(d.wantedCapacity()).hasValue(8);
            Forecast f = p.forecast().orElseThrow();
            assertThat(f.historyHours()).isEqualTo(24);
            assertThat(f.points().get(1)).isEqualTo(new Forecast.Point(Instant.parse("2026-11-24T09:00:00Z"), 400, 8));
        }
    }

    @Test
    void aNewProcessFindsWhereTheRollUpStandsInTheFile() {
        try (StateStore state = StateStore.open(dir, clock)) {
            run(state, 120);
        }
        try (StateStore reopened = StateStore.open(dir, clock)) {
            assertThat(reopened.rolledUntil()).isEqualTo(START.plusSeconds(7200));
            HistoryMetricStore store = new HistoryMetricStore(MetricStore.inMemory(Duration.ofHours(1)), reopened, Duration.ofHours(1));
            assertThat(store.query(TOTAL, START, START.plusSeconds(7200), 3600, Statistic.AVERAGE))
                    .extracting(Datapoint::value).containsExactly(60.0, 400.0);
        }
    }
}
