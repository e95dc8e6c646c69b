package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.metrics.MetricMath.Item;
import io.headroom.core.metrics.MetricMath.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** CloudWatch metric math per datapoint: values, missing data, syntax errors and a query's rules. */
class MetricMathTest {
    /** m1 = 6, m2 = 3, z = 0, n = missing (NaN). */
    private static final List<String> IDS = List.of("m1", "m2", "z", "n");
    private static final double[] VALUES = {6, 3, 0, Double.NaN};

    private static double eval(String expression) {
        return MetricMath.parse(expression).bind(IDS::indexOf, new int[] {0, 1}).evaluate(VALUES.clone());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', nullValues = "missing", textBlock = """
            m1 / m2                    | 2
            m1 + m2 * 2                | 12
            (m1 + m2) * 2              | 18
            m1 - m2 - 1                | 2
            -m1 + 10                   | 4
            2 ^ 3 ^ 2                  | 512
            -2 ^ 2                     | -4
            1.5e2 / m1                 | 25
            .5 * m1                    | 3
            SUM([m1, m2, 1])           | 10
            AVG([m1, m2])              | 4.5
            MIN([m1, m2, z])           | 0
            MAX([m1, m2 * 3])          | 9
            SUM(METRICS())             | 9
            AVG(METRICS()) / m2        | 1.5
            ABS(m2 - m1)               | 3
            CEIL(m1 / 4)               | 2
            FLOOR(m1 / 4)              | 1
            FILL(n, 0)                 | 0
            FILL(m1, 0)                | 6
            FILL(n, m2) * 2            | 6
            IF(m1 > m2, m1, m2)        | 6
            IF(m1 < m2, m1, m2)        | 3
            IF(m1 >= 6 AND m2 != 3, 1, 2) | 2
            IF(m1 == 6 OR z, 1)        | 1
            IF(m1 == 6 && z, 1, 0)     | 0
            m1 <= m2                   | 0
            m1 / z                     | missing
            z / z                      | missing
            m1 + n                     | missing
            n > 1                      | missing
            IF(m1 < m2, m1)            | missing
            IF(n, 1, 2)                | missing
            SUM([n, m2])               | 3
            MAX([n, n])                | missing
            FILL(m1 / z, -1)           | -1
            """)
    void evaluatesOneDatapointLikeCloudWatch(String expression, Double expected) {
        double v = eval(expression);
        if (expected == null) {
            assertThat(v).isNaN();
        } else {
            assertThat(v).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            m1 / / m2          | unexpected '/' at position 6 (expected: a number, an id, a function or '(')
            (m1 + m2           | unexpected the end at position 9 (expected: ')')
            m1 m2              | unexpected 'm2' at position 4 (expected: an operator or the end)
            m1 % m2            | unexpected '%' at position 4
            RATE(m1)           | unknown function 'RATE' at position 1 (expected: one of SUM, AVG, MIN, MAX, ABS, CEIL, FLOOR, FILL, IF, METRICS)
            SUM(m1)            | SUM at position 1: of one time series reduces it over time, which an alarm period cannot use (expected: one array, such as SUM([m1, m2]) or SUM(METRICS()))
            SUM(m1, m2)        | SUM at position 1: 2 arguments (expected: one array
            FILL(m1)           | FILL at position 1: 1 argument (expected: FILL(m, value))
            ABS([m1, m2])      | ABS at position 1: an array argument (expected: arrays only in SUM, AVG, MIN, MAX)
            METRICS()          | METRICS() at position 1 is an array
            1..2 + m1          | bad number '1..2' at position 1
            """)
    void rejectsBadSyntaxNamingThePosition(String expression, String message) {
        assertThatThrownBy(() -> MetricMath.parse(expression)).isInstanceOf(MetricMath.ParseException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void orIsAlsoSpelledAsInC() { // not in the table: '|' separates its columns
        assertThat(eval("IF(m1 == 5 || z, 1, 0)")).isEqualTo(0);
        assertThat(eval("IF(m1 == 5 || m2, 1, 0)")).isEqualTo(1);
    }

    @Test
    void listsTheIdsAnExpressionReads() {
        assertThat(MetricMath.parse("FILL(m1, 0) / (m2 + m1) * e1").references()).containsExactly("m1", "m2", "e1");
    }

    @Test
    void checksAQueryAsAwsDoes() {
        assertThat(MetricMath.check(List.of(new Item("m1", null, false), new Item("m2", null, false),
                new Item("e1", "m1 / m2", true)))).isEmpty();
        assertThat(MetricMath.check(List.of(new Item("m1", null, true)))).isEmpty(); // one metric, returnData default

        assertThat(MetricMath.check(List.of(new Item("m1", null, true), new Item("e1", "m1 / m3", true),
                new Item("M2", null, false), new Item("m1", null, false)))).containsExactly(
                new Problem(2, "id", "'M2' (expected: a lower-case letter, then letters, digits or underscores, such as"
                        + " m1 or requests)"),
                new Problem(3, "id", "'m1' is also the id of metrics[0] (expected: unique ids)"),
                new Problem(-1, "", "2 items return data (expected: exactly one with returnData: true, the result;"
                        + " returnData defaults to true, so set it to false on the others)"),
                new Problem(1, "expression", "unknown id 'm3' (expected: one of e1, m1)"));

        assertThat(MetricMath.check(List.of(new Item("m1", null, false), new Item("e1", "e2 + m1", true),
                new Item("e2", "e1 * 2", false)))).containsExactly(
                new Problem(1, "expression", "'e1' depends on itself (e1 -> e2 -> e1) (expected: no cycles)"),
                new Problem(2, "expression", "'e2' depends on itself (e2 -> e1 -> e2) (expected: no cycles)"));
        assertThat(MetricMath.check(List.of(new Item("m1", null, false), new Item("e1", "2 * 3", true))))
                .containsExactly(new Problem(1, "expression", "'2 * 3' reads no metric (expected: an expression over the"
                        + " metrics, such as m1 / m2)"));
        assertThat(MetricMath.check(List.of(new Item("m1", null, false), new Item("e1", "m1 +", true))))
                .containsExactly(new Problem(1, "expression",
                        "unexpected the end at position 5 (expected: a number, an id, a function or '(')"));
    }

    @Test
    void aQueryAggregatesEachMetricPerPeriodAndLeavesMissingResultsOut() {
        MetricStore store = MetricStore.inMemory(Duration.ofHours(1));
        MetricKey requests = MetricKey.of("RequestCount", Dimensions.of("TargetGroup", "web"));
        MetricKey healthy = MetricKey.of("HealthyHostCount", Dimensions.of("TargetGroup", "web"));
        long t0 = Instant.parse("2026-11-25T07:00:00Z").getEpochSecond();
        for (int s = 0; s < 10; s++) {
            store.record(requests, t0 + s, s < 4 ? 30 : 10); // Sum per 2 s period: 60, 60, 20, 20, 20
            if (s < 6 || s >= 8) {
                store.record(healthy, t0 + s, s < 2 ? 3 : s < 4 ? 0 : 2); // 3, 0, 2, (missing), 2
            }
        }
        MetricMathQuery q = new MetricMathQuery(List.of(
                MetricMathQuery.Item.metric("m1", requests, Statistic.SUM, false),
                MetricMathQuery.Item.metric("m2", healthy, Statistic.AVERAGE, false),
                MetricMathQuery.Item.expression("e1", "m1 / m2", "Requests per healthy target", true)));

        List<Datapoint> points = q.query(store, Instant.ofEpochSecond(t0), Instant.ofEpochSecond(t0 + 10), 2);

        // Division by zero (period 2) and a missing denominator (period 4) leave their datapoints out.
        assertThat(points).containsExactly(new Datapoint(Instant.ofEpochSecond(t0), 20, 1),
                new Datapoint(Instant.ofEpochSecond(t0 + 4), 10, 1), new Datapoint(Instant.ofEpochSecond(t0 + 8), 10, 1));
        assertThat(q).hasToString("m1 / m2 (m1 = RequestCount{TargetGroup=web} Sum,"
                + " m2 = HealthyHostCount{TargetGroup=web} Average)");
        assertThatThrownBy(() -> new MetricMathQuery(List.of(
                MetricMathQuery.Item.metric("m1", requests, Statistic.SUM, false),
                MetricMathQuery.Item.expression("e1", "m1 / m9", null, true))))
                .hasMessage("metrics[1].expression: unknown id 'm9' (expected: one of e1, m1)");
        // Expressions may read expressions listed after them.
        MetricMathQuery chained = new MetricMathQuery(List.of(
                MetricMathQuery.Item.expression("e2", "e1 * 2", null, true),
                MetricMathQuery.Item.expression("e1", "FILL(m1, 0) + 1", null, false),
                MetricMathQuery.Item.metric("m1", requests, Statistic.SUM, false)));
        assertThat(chained.query(store, Instant.ofEpochSecond(t0 + 8), Instant.ofEpochSecond(t0 + 12), 2))
                .extracting(Datapoint::value).containsExactly(42.0, 2.0);
    }
}
