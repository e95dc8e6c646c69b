package io.headroom.core.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A metric data query with metric math (AWS's {@code Metrics} of a customized metric specification): metrics, each
 * one statistic of one series, and expressions over their ids; the item with {@code returnData} is the result.
 *
 * <pre>
 *   per period of [start, end):   m1 = RequestCount Sum      m2 = HealthyHostCount Average
 *                                 e1 = m1 / m2   (returnData)  → one datapoint, or none when missing
 * </pre>
 * Each metric is aggregated over the period with its statistic (a period without samples is missing), then the
 * expressions are evaluated in dependency order. Ids and expressions are resolved once, here.
 */
public final class MetricMathQuery {
    /** One item: a metric ({@code key} and {@code stat}) or an {@code expression}. */
    public record Item(String id, MetricKey key, Statistic stat, String expression, String label, boolean returnData) {
        public Item {
            if ((expression == null) == (key == null || stat == null)) {
                throw new IllegalArgumentException(id + ": expected either a metric and statistic or an expression");
            }
        }

        public static Item metric(String id, MetricKey key, Statistic stat, boolean returnData) {
            return new Item(id, Objects.requireNonNull(key), Objects.requireNonNull(stat), null, null, returnData);
        }

        public static Item expression(String id, String expression, String label, boolean returnData) {
            return new Item(id, null, null, Objects.requireNonNull(expression), label, returnData);
        }
    }

    private final List<Item> items;
    /** Slots of the metrics, in item order. */
    private final int[] metricSlots;
    /** The expressions' slots and evaluators, dependencies first. */
    private final int[] order;
    private final MetricMath.Bound[] bound;
    private final int result;

    /**
     * @throws IllegalArgumentException with the first of {@link MetricMath#check}'s problems, as
     *                                  {@code metrics[i].key: message}
     */
    public MetricMathQuery(List<Item> items) {
        this.items = List.copyOf(items);
        List<MetricMath.Problem> problems = MetricMath.check(this.items.stream()
                .map(i -> new MetricMath.Item(i.id(), i.expression(), i.returnData())).toList());
        if (!problems.isEmpty()) {
            MetricMath.Problem p = problems.get(0);
            throw new IllegalArgumentException((p.index() < 0 ? "metrics" : "metrics[" + p.index() + "]." + p.key())
                    + ": " + p.message());
        }
        Map<String, Integer> slot = new HashMap<>();
        List<Integer> metrics = new ArrayList<>();
        Map<String, MetricMath.Expression> parsed = new HashMap<>();
        int returned = -1;
        for (int i = 0; i < this.items.size(); i++) {
            Item it = this.items.get(i);
            slot.put(it.id(), i);
            if (it.expression() == null) {
                metrics.add(i);
            } else {
                parsed.put(it.id(), MetricMath.parse(it.expression()));
            }
            if (it.returnData()) {
                returned = i;
            }
        }
        this.metricSlots = metrics.stream().mapToInt(Integer::intValue).toArray();
        this.result = returned;
        List<Integer> sorted = new ArrayList<>();
        for (int i = 0; i < this.items.size(); i++) {
            visit(i, parsed, slot, sorted);
        }
        this.order = sorted.stream().mapToInt(Integer::intValue).toArray();
        this.bound = new MetricMath.Bound[this.items.size()];
        for (int i : order) {
            bound[i] = parsed.get(this.items.get(i).id()).bind(slot::get, metricSlots);
        }
    }

    /** Depth-first: an expression after the expressions it reads (check() ruled out cycles). */
    private void visit(int i, Map<String, MetricMath.Expression> parsed, Map<String, Integer> slot, List<Integer> out) {
        MetricMath.Expression e = parsed.get(items.get(i).id());
        if (e == null || out.contains(i)) {
            return;
        }
        for (String ref : e.references()) {
            visit(slot.get(ref), parsed, slot, out);
        }
        out.add(i);
    }

    public List<Item> items() {
        return items;
    }

    /** The item whose values the query returns. */
    public Item result() {
        return items.get(result);
    }

    /**
     * One datapoint per epoch-aligned period of {@code periodSeconds} in {@code [start, end)} where the result has
     * a value, in time order; its sample count is 1.
     */
    public List<Datapoint> query(MetricStore store, Instant start, Instant end, int periodSeconds) {
        long first = Math.floorDiv(start.getEpochSecond(), periodSeconds) * periodSeconds;
        int n = (int) Math.max(0, Math.floorDiv(end.getEpochSecond() - first + periodSeconds - 1, periodSeconds));
        double[][] values = new double[n][items.size()];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (int m : metricSlots) {
            Item it = items.get(m);
            for (Datapoint d : store.query(it.key(), start, end, periodSeconds, it.stat())) {
                int p = (int) ((d.timestamp().getEpochSecond() - first) / periodSeconds);
                if (p >= 0 && p < n && d.sampleCount() > 0) {
                    values[p][m] = d.value();
                }
            }
        }
        List<Datapoint> out = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            for (int i : order) {
                values[p][i] = bound[i].evaluate(values[p]);
            }
            double v = values[p][result];
            if (Double.isFinite(v)) {
                out.add(new Datapoint(Instant.ofEpochSecond(first + (long) p * periodSeconds), v, 1));
            }
        }
        return out;
    }

    /** Like {@code m1 / m2 (m1 = RequestCount{TargetGroup=web} Sum, m2 = HealthyHostCount{TargetGroup=web} Average)}. */
    @Override
    public String toString() {
        Item r = result();
        StringBuilder sb = new StringBuilder(r.expression() == null ? r.key() + " " + r.stat() : r.expression());
        if (items.size() == 1) {
            return sb.toString();
        }
        sb.append(" (");
        String sep = "";
        for (Item it : items) {
            if (it == r) {
                continue;
            }
            sb.append(sep).append(it.id()).append(" = ")
                    .append(it.expression() == null ? it.key() + " " + it.stat() : it.expression());
            sep = ", ";
        }
        return sb.append(')').toString();
    }
}
