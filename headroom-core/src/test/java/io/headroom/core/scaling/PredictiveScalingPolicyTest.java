package io.headroom.core.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ScalingPolicyConfig.MaxCapacityBreachBehavior;
import io.headroom.core.config.ScalingPolicyConfig.Predictive;
import io.headroom.core.config.ScalingPolicyConfig.PredictiveMetricPair;
import io.headroom.core.config.ScalingPolicyConfig.PredictiveMode;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PredictiveScalingPolicyTest {
    private static final MetricKey TOTAL_CPU = MetricKey.of("TotalCPUUtilization", Dimensions.of("AutoScalingGroupName", "web"));
    private static final MetricKey REQUESTS = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "web-tg"));
    /** 2026-11-25T00:00Z, a whole hour. */
    private static final Instant MIDNIGHT = Instant.parse("2026-11-25T00:00:00Z");

    private final MetricStore store = MetricStore.inMemory(Duration.ofDays(15));

    private static Predictive config(PredictiveMode mode, int buffer, MaxCapacityBreachBehavior breach, Integer maxBuffer) {
        return new Predictive("daily", PredictiveMetricPair.ASG_CPU_UTILIZATION, null, 50, mode, buffer, breach, maxBuffer);
    }

    private static PredictiveScalingPolicy policy(Predictive c) {
        return (PredictiveScalingPolicy) ScalingPolicies.create(c, Fixtures.group(c));
    }

    /**
     * {@code days} days of history before MIDNIGHT, one sample per hour (the hour's average): the group's total CPU
     * is 60 % at night and 400 % (eight instances' worth at the 50 % target) from 09:00 to 17:00.
     */
    private void history(MetricKey key, int days, double night, double day) {
        for (long t = MIDNIGHT.getEpochSecond() - days * 86_400L; t < MIDNIGHT.getEpochSecond(); t += 3600) {
            long hourOfDay = Math.floorMod(t, 86_400L) / 3600;
            store.record(key, t + 1800, hourOfDay >= 9 && hourOfDay < 17 ? day : night);
        }
    }

    @Test
    void noForecastAndNoViewBefore24HoursOfHistory() {
        for (long t = MIDNIGHT.getEpochSecond() - 10 * 3600; t < MIDNIGHT.getEpochSecond(); t += 3600) {
            store.record(TOTAL_CPU, t, 100);
        }
        PredictiveScalingPolicy p = policy(config(PredictiveMode.FORECAST_AND_SCALE, 300,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        ScalingDecision d = p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(5));
        assertThat(d.wantedCapacity()).isEmpty();
        assertThat(d.cause()).isEqualTo("no forecast yet: 10 of the 24 hours of TotalCPUUtilization"
                + "{AutoScalingGroupName=web} history it needs");
        assertThat(p.forecast()).get().satisfies(f -> {
            assertThat(f.points()).isEmpty();
            assertThat(f.historyHours()).isEqualTo(10);
        });
    }

    @Test
    void forecastOnlyShowsTheForecastAndChangesNothing() {
        history(TOTAL_CPU, 3, 60, 400);
        PredictiveScalingPolicy p = policy(config(PredictiveMode.FORECAST_ONLY, 300,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        ScalingDecision d = p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(9 * 3600 + 60));
        assertThat(d.wantedCapacity()).isEmpty();
        assertThat(d.cause()).startsWith("forecast only: the predictive scaling policy daily forecast a load of 400");
        Forecast f = p.forecast().orElseThrow();
        assertThat(f.mode()).isEqualTo("ForecastOnly");
        assertThat(f.historyHours()).isEqualTo(72);
        assertThat(f.points()).hasSize(48);
        assertThat(f.points().get(0)).isEqualTo(new Forecast.Point(MIDNIGHT.plusSeconds(9 * 3600), 400, 8));
        assertThat(f.points().get(8)).isEqualTo(new Forecast.Point(MIDNIGHT.plusSeconds(17 * 3600), 60, 2)); // ceil(1.2)
        // The past day (from 09:00 yesterday; the history ends at midnight): the pattern repeated, so every forecast
        // made an hour ahead was right.
        assertThat(f.past()).hasSize(15);
        assertThat(f.past().get(0)).isEqualTo(new Forecast.Past(MIDNIGHT.minusSeconds(15 * 3600), 400, 400));
        assertThat(f.meanAbsolutePercentError()).hasValue(0);
    }

    @Test
    void thePastDayComparesTheLoadThatCameWithTheForecastMadeAnHourBefore() {
        // Two days at 100, then a day at 200: yesterday's forecasts said 100 and missed by 50 %.
        for (long t = MIDNIGHT.getEpochSecond() - 3 * 86_400L; t < MIDNIGHT.getEpochSecond(); t += 3600) {
            store.record(TOTAL_CPU, t, t < MIDNIGHT.getEpochSecond() - 86_400L ? 100 : 200);
        }
        PredictiveScalingPolicy p = policy(config(PredictiveMode.FORECAST_ONLY, 300,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(1));
        Forecast f = p.forecast().orElseThrow();
        assertThat(f.past()).hasSize(24).allSatisfy(x -> {
            assertThat(x.actualLoad()).isEqualTo(200);
            assertThat(x.forecastLoad()).isEqualTo(100);
        });
        assertThat(f.meanAbsolutePercentError()).hasValue(50);
        // Today's forecast weighs yesterday most: (200 * 1 + 100 * 0.8 + 100 * 0.64) / 2.44.
        assertThat(f.points().get(0).load()).isEqualTo(Math.round(344 / 2.44 * 1e6) / 1e6);
    }

    @Test
    void forecastAndScaleKeepsTheHoursCapacityAndLaunchesTheBufferTimeAhead() {
        history(TOTAL_CPU, 3, 60, 400);
        PredictiveScalingPolicy p = policy(config(PredictiveMode.FORECAST_AND_SCALE, 300,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        GroupState g = Fixtures.steady(2);
        // 08:54:59: the 08:00 hour needs 2.
        ScalingDecision early = p.evaluate(store, g, MIDNIGHT.plusSeconds(9 * 3600 - 301));
        assertThat(early.floor()).isTrue();
        assertThat(early.wantedCapacity()).hasValue(2);
        // 08:55: 09:00 is within the 300 s buffer: 8, for the 09:00 hour.
        ScalingDecision ahead = p.evaluate(store, g, MIDNIGHT.plusSeconds(9 * 3600 - 300));
        assertThat(ahead.wantedCapacity()).hasValue(8);
        assertThat(ahead.cause()).isEqualTo("the predictive scaling policy daily forecast a load of 400 (percent CPU,"
                + " summed over instances) for the hour from 2026-11-25T09:00:00Z, which needs 8 instances at the target 50");
        assertThat(PolicyCombiner.combine(List.of(ahead), g)).contains(new CapacityChange(8, ahead));
        // 16:56: the 16:00 hour still needs 8 though 17:00 needs 2: it keeps 8 until the hour ends.
        assertThat(p.evaluate(store, Fixtures.steady(8), MIDNIGHT.plusSeconds(16 * 3600 + 3360)).wantedCapacity()).hasValue(8);
        // 17:00: the forecast is 2, but predictive scaling never scales in by itself.
        ScalingDecision evening = p.evaluate(store, Fixtures.steady(8), MIDNIGHT.plusSeconds(17 * 3600));
        assertThat(evening.wantedCapacity()).hasValue(2);
        assertThat(PolicyCombiner.combine(List.of(evening), Fixtures.steady(8))).isEmpty();
    }

    @Test
    void increaseMaxCapacityRaisesTheMaximumToTheForecastPlusItsBuffer() {
        history(TOTAL_CPU, 2, 60, 1200); // 24 instances' worth; the group's maximum is 20
        PredictiveScalingPolicy honor = policy(config(PredictiveMode.FORECAST_AND_SCALE, 0,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        Instant ten = MIDNIGHT.plusSeconds(10 * 3600);
        GroupState g = Fixtures.steady(4);
        ScalingDecision h = honor.evaluate(store, g, ten);
        assertThat(h.maxSize()).isEmpty();
        assertThat(PolicyCombiner.combine(List.of(h), g).orElseThrow().newDesiredCapacity()).isEqualTo(20);

        PredictiveScalingPolicy increase = policy(config(PredictiveMode.FORECAST_AND_SCALE, 0,
                MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY, 10));
        ScalingDecision i = increase.evaluate(store, g, ten);
        assertThat(i.wantedCapacity()).hasValue(24);
        assertThat(i.maxSize()).isEqualTo(OptionalInt.of(27)); // ceil(24 * 1.1 = 26.4)
        // Far below the maximum nothing is raised.
        assertThat(increase.evaluate(store, g, MIDNIGHT.plusSeconds(20 * 3600)).maxSize()).isEmpty();
    }

    @Test
    void albRequestCountUsesRequestsPerMinuteAgainstTheTargetPerTarget() {
        history(REQUESTS, 2, 10, 100); // requests per second: 600 and 6,000 a minute
        Predictive c = new Predictive("rpm", PredictiveMetricPair.ALB_REQUEST_COUNT, "web-tg", 1000,
                PredictiveMode.FORECAST_AND_SCALE, 300, MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null);
        PredictiveScalingPolicy p = policy(c);
        assertThat(p.evaluate(store, Fixtures.steady(1), MIDNIGHT.plusSeconds(12 * 3600)).wantedCapacity()).hasValue(6);
        assertThat(p.forecast().orElseThrow().loadUnit()).isEqualTo("requests per minute");
        assertThat(p.evaluate(store, Fixtures.steady(1), MIDNIGHT.plusSeconds(2 * 3600)).wantedCapacity()).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(value = PredictiveMetricPair.class, names = {"ASG_NETWORK_IN", "ASG_NETWORK_OUT"})
    void asgNetworkPairsUseTheGroupsTotalBytesPerMinuteAgainstBytesPerInstancePerMinute(PredictiveMetricPair pair) {
        String total = pair == PredictiveMetricPair.ASG_NETWORK_IN ? "TotalNetworkIn" : "TotalNetworkOut";
        // bytes per second over the group: 3 MB and 30 MB a minute; the other direction's total is 10 times as high
        history(MetricKey.of(total, Dimensions.of("AutoScalingGroupName", "web")), 2, 50_000, 500_000);
        history(MetricKey.of(total.endsWith("In") ? "TotalNetworkOut" : "TotalNetworkIn",
                Dimensions.of("AutoScalingGroupName", "web")), 2, 500_000, 5_000_000);
        Predictive c = new Predictive("net", pair, null, 6_000_000,
                PredictiveMode.FORECAST_AND_SCALE, 300, MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null);
        PredictiveScalingPolicy p = policy(c);
        assertThat(p.evaluate(store, Fixtures.steady(1), MIDNIGHT.plusSeconds(12 * 3600)).wantedCapacity()).hasValue(5);
        assertThat(p.forecast().orElseThrow().loadMetric()).isEqualTo(total + "{AutoScalingGroupName=web}");
        assertThat(p.forecast().orElseThrow().loadUnit()).isEqualTo("bytes per minute, summed over instances");
        assertThat(p.evaluate(store, Fixtures.steady(1), MIDNIGHT.plusSeconds(2 * 3600)).wantedCapacity()).hasValue(1);
    }

    @Test
    void theForecastIsRecomputedEveryHourAndWhileThereIsTooLittleHistory() {
        history(TOTAL_CPU, 3, 60, 400);
        PredictiveScalingPolicy p = policy(config(PredictiveMode.FORECAST_AND_SCALE, 0,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(10));
        Instant first = p.forecast().orElseThrow().updatedAt();
        p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(3000));
        assertThat(p.forecast().orElseThrow().updatedAt()).isEqualTo(first);
        p.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(3600));
        assertThat(p.forecast().orElseThrow().updatedAt()).isEqualTo(MIDNIGHT.plusSeconds(3600));

        MetricStore empty = MetricStore.inMemory(Duration.ofDays(15));
        PredictiveScalingPolicy q = policy(config(PredictiveMode.FORECAST_AND_SCALE, 0,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        q.evaluate(empty, Fixtures.steady(2), MIDNIGHT.plusSeconds(10));
        history(TOTAL_CPU, 3, 60, 400);
        assertThat(q.evaluate(empty, Fixtures.steady(2), MIDNIGHT.plusSeconds(69)).wantedCapacity()).isEmpty();
        assertThat(q.evaluate(store, Fixtures.steady(2), MIDNIGHT.plusSeconds(70)).wantedCapacity()).hasValue(2);
    }

    @Test
    void invalidSettingsAreNamed() {
        assertThatThrownBy(() -> policy(config(PredictiveMode.FORECAST_AND_SCALE, 3600,
                MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null)))
                .hasMessage("autoScalingGroups[web].policies[daily].predictiveScalingConfiguration.schedulingBufferTime:"
                        + " 3600 (expected: 0..3599 seconds)");
        assertThatThrownBy(() -> policy(config(PredictiveMode.FORECAST_AND_SCALE, 0,
                MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY, null)))
                .hasMessageContaining("maxCapacityBuffer: missing");
        assertThatThrownBy(() -> policy(new Predictive("daily", PredictiveMetricPair.ASG_CPU_UTILIZATION, null, 0,
                PredictiveMode.FORECAST_ONLY, 0, MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null)))
                .hasMessageContaining("targetValue: 0.0 (expected: a number > 0)");
        assertThat(Optional.of(1)).isPresent();
    }
}
