package io.headroom.core.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.AlarmConfig.ComparisonOperator;
import io.headroom.core.config.AlarmConfig.TreatMissingData;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlarmTest {
    private static final MetricKey CPU = MetricKey.of("CPUUtilization", Dimensions.of("AutoScalingGroupName", "web"));
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    private final MetricStore store = MetricStore.inMemory(Duration.ofHours(1));

    /** One sample per second of [fromSecond, toSecond) after T0. */
    private void fill(int fromSecond, int toSecond, double value) {
        for (int s = fromSecond; s < toSecond; s++) {
            store.record(CPU, T0.getEpochSecond() + s, value);
        }
    }

    private static Alarm alarm(int period, int n, int m) {
        return new Alarm("cpu-high", CPU, Statistic.AVERAGE, period, n, m, 80, ComparisonOperator.GREATER_THAN_THRESHOLD);
    }

    private static Alarm alarm(int period, int n, int m, TreatMissingData missing) {
        return new Alarm("cpu-high", CPU, Statistic.AVERAGE, period, n, m, 80, ComparisonOperator.GREATER_THAN_THRESHOLD,
                missing);
    }

    @Test
    void treatMissingDataDecidesWhatPeriodsWithoutDataCount() {
        // No data at all: missing → INSUFFICIENT_DATA, breaching → ALARM, notBreaching → OK, ignore → unchanged.
        assertThat(alarm(10, 3, 3, TreatMissingData.MISSING).evaluate(store, T0.plusSeconds(30)))
                .isEqualTo(AlarmState.INSUFFICIENT_DATA);
        Alarm breaching = alarm(10, 3, 3, TreatMissingData.BREACHING);
        assertThat(breaching.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.ALARM);
        assertThat(breaching.stateReason()).isEqualTo("Threshold Crossed: no datapoints were received for 3 periods and 3"
                + " missing datapoints were treated as [Breaching].");
        Alarm notBreaching = alarm(10, 3, 3, TreatMissingData.NOT_BREACHING);
        assertThat(notBreaching.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.OK);
        assertThat(notBreaching.stateReason()).endsWith("3 missing datapoints were treated as [NonBreaching].");
        Alarm ignore = alarm(10, 3, 3, TreatMissingData.IGNORE);
        assertThat(ignore.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(ignore.history()).isEmpty();

        // One breaching datapoint, two periods without data, 2 of 3 to alarm.
        fill(30, 40, 95);
        Alarm missing2of3 = alarm(10, 3, 2, TreatMissingData.MISSING);
        Alarm breaching2of3 = alarm(10, 3, 2, TreatMissingData.BREACHING);
        Alarm notBreaching2of3 = alarm(10, 3, 2, TreatMissingData.NOT_BREACHING);
        assertThat(missing2of3.evaluate(store, T0.plusSeconds(60))).isEqualTo(AlarmState.INSUFFICIENT_DATA); // undecided
        assertThat(breaching2of3.evaluate(store, T0.plusSeconds(60))).isEqualTo(AlarmState.ALARM);
        assertThat(breaching2of3.stateReason()).startsWith("Threshold Crossed: 1 out of the last 3 datapoints [95.0 (")
                .endsWith("transition); 2 missing datapoints were treated as [Breaching].");
        assertThat(notBreaching2of3.evaluate(store, T0.plusSeconds(60))).isEqualTo(AlarmState.OK);
        assertThat(notBreaching2of3.stateReason()).isEqualTo("Threshold Crossed: 2 missing datapoints were treated as"
                + " [NonBreaching].");

        // ignore keeps ALARM through a gap that missing would turn into INSUFFICIENT_DATA.
        Alarm ignoring = alarm(10, 1, 1, TreatMissingData.IGNORE);
        Alarm missing = alarm(10, 1, 1, TreatMissingData.MISSING);
        assertThat(ignoring.evaluate(store, T0.plusSeconds(40))).isEqualTo(AlarmState.ALARM);
        assertThat(missing.evaluate(store, T0.plusSeconds(40))).isEqualTo(AlarmState.ALARM);
        assertThat(ignoring.evaluate(store, T0.plusSeconds(50))).isEqualTo(AlarmState.ALARM);
        assertThat(missing.evaluate(store, T0.plusSeconds(50))).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    }

    @Test
    void startsInInsufficientDataAndStaysThereWithoutData() {
        Alarm a = alarm(10, 3, 3);
        assertThat(a.state()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(a.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(a.history()).isEmpty();
        assertThat(a.lastValue()).isEmpty();
    }

    @Test
    void alarmsWhenAllEvaluatedPeriodsBreachWithCloudWatchReason() {
        fill(0, 10, 85.2);
        fill(10, 20, 84);
        fill(20, 30, 90);
        Alarm a = alarm(10, 3, 3);

        assertThat(a.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.ALARM);
        assertThat(a.stateReason()).isEqualTo("Threshold Crossed: 3 out of the last 3 datapoints ["
                + "90.0 (2026-11-25T07:00:20Z), 84.0 (2026-11-25T07:00:10Z), 85.2 (2026-11-25T07:00:00Z)] were greater"
                + " than the threshold (80.0) (minimum 3 datapoints for INSUFFICIENT_DATA -> ALARM transition).");
        assertThat(a.stateSince()).isEqualTo(T0.plusSeconds(30));
        assertThat(a.lastValue()).contains(90.0);
        assertThat(a.history()).containsExactly(new AlarmTransition(T0.plusSeconds(30), AlarmState.INSUFFICIENT_DATA,
                AlarmState.ALARM, a.stateReason()));
    }

    @Test
    void onlyCompletePeriodsCount() {
        fill(0, 20, 50);
        fill(20, 29, 99); // the period [20, 30) is not complete before 07:00:30
        Alarm a = alarm(10, 2, 1);

        assertThat(a.evaluate(store, T0.plusSeconds(29))).isEqualTo(AlarmState.OK);
        assertThat(a.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.ALARM);
    }

    @Test
    void mOutOfNAlarmsOnTwoBreachingOfThree() {
        fill(0, 10, 95);
        fill(10, 20, 40);
        fill(20, 30, 81);
        Alarm twoOfThree = alarm(10, 3, 2);
        Alarm threeOfThree = alarm(10, 3, 3);

        assertThat(twoOfThree.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.ALARM);
        assertThat(twoOfThree.stateReason()).startsWith("Threshold Crossed: 2 out of the last 3 datapoints [81.0 (");
        // 3 of 3 cannot be reached with one datapoint below: OK.
        assertThat(threeOfThree.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.OK);
        assertThat(threeOfThree.stateReason()).contains("1 out of the last 3 datapoints [40.0 (2026-11-25T07:00:10Z)]"
                + " was not greater than the threshold (80.0)");
    }

    @Test
    void returnsToOkAndRecordsEachTransition() {
        Alarm a = alarm(10, 1, 1);
        fill(0, 10, 90);
        fill(10, 20, 70);
        fill(20, 30, 95);

        assertThat(a.evaluate(store, T0.plusSeconds(10))).isEqualTo(AlarmState.ALARM);
        assertThat(a.evaluate(store, T0.plusSeconds(15))).isEqualTo(AlarmState.ALARM);
        assertThat(a.evaluate(store, T0.plusSeconds(20))).isEqualTo(AlarmState.OK);
        assertThat(a.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.ALARM);
        assertThat(a.history()).extracting(AlarmTransition::to)
                .containsExactly(AlarmState.ALARM, AlarmState.OK, AlarmState.ALARM);
        assertThat(a.history().get(1).from()).isEqualTo(AlarmState.ALARM);
        assertThat(a.stateSince()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void missingDataCountsNeitherWayAndTooFewDatapointsKeepTheState() {
        Alarm a = alarm(10, 3, 3);
        fill(0, 30, 60);
        assertThat(a.evaluate(store, T0.plusSeconds(30))).isEqualTo(AlarmState.OK);
        // Then only breaching data, with gaps: [30,40) missing, [40,50) breaching, [50,60) missing.
        fill(40, 50, 99);
        assertThat(a.evaluate(store, T0.plusSeconds(60))).isEqualTo(AlarmState.OK); // 1 breaching < 3: undecided
        fill(60, 70, 99);
        fill(70, 80, 99);
        // [50,60) missing, 2 breaching: still short of 3 of 3, and ALARM still possible: unchanged.
        assertThat(a.evaluate(store, T0.plusSeconds(80))).isEqualTo(AlarmState.OK);
        fill(80, 90, 99);
        assertThat(a.evaluate(store, T0.plusSeconds(90))).isEqualTo(AlarmState.ALARM);
        // No data at all for the last 3 periods: INSUFFICIENT_DATA.
        Alarm later = alarm(10, 3, 3);
        assertThat(later.evaluate(store, T0.plusSeconds(300))).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(a.evaluate(store, T0.plusSeconds(300))).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(a.stateReason()).isEqualTo("Insufficient Data: 3 datapoints were unknown.");
    }

    @Test
    void lessThanOperatorsAndStatistics() {
        fill(0, 10, 10);
        store.record(CPU, T0.getEpochSecond() + 3, 70); // Maximum 70 in the period
        Alarm low = new Alarm("cpu-low", CPU, Statistic.AVERAGE, 10, 1, 1, 20, ComparisonOperator.LESS_THAN_THRESHOLD);
        Alarm max = new Alarm("cpu-max", CPU, Statistic.MAXIMUM, 10, 1, 1, 70,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);

        assertThat(low.evaluate(store, T0.plusSeconds(10))).isEqualTo(AlarmState.ALARM);
        assertThat(low.lastValue().orElseThrow()).isCloseTo(170.0 / 11, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(max.evaluate(store, T0.plusSeconds(10))).isEqualTo(AlarmState.ALARM);
        assertThat(max.stateReason()).contains("[70.0 (2026-11-25T07:00:00Z)] was greater than or equal to the threshold (70.0)");
    }

    @Test
    void historyIsBounded() {
        Alarm a = alarm(1, 1, 1);
        for (int s = 0; s < 2 * Alarm.HISTORY_LIMIT + 10; s++) {
            store.record(CPU, T0.getEpochSecond() + s, s % 2 == 0 ? 90 : 10);
            a.evaluate(store, T0.plusSeconds(s + 1));
        }
        assertThat(a.history()).hasSize(Alarm.HISTORY_LIMIT);
        assertThat(a.history().get(Alarm.HISTORY_LIMIT - 1).at()).isEqualTo(T0.plusSeconds(2 * Alarm.HISTORY_LIMIT + 10));
    }

    @Test
    void rejectsBadSettingsNamingTheAlarm() {
        assertThatThrownBy(() -> alarm(0, 1, 1)).hasMessage("cpu-high: periodSeconds: 0 (expected: 1..86400)");
        assertThatThrownBy(() -> alarm(10, 2, 3))
                .hasMessage("cpu-high: datapointsToAlarm: 3 (expected: 1..2, at most evaluationPeriods)");
    }
}
