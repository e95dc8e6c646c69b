package io.headroom.core.alarm;

import io.headroom.core.config.AlarmConfig.ComparisonOperator;
import io.headroom.core.config.AlarmConfig.TreatMissingData;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricMathQuery;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A metric alarm with CloudWatch's semantics: the statistic of {@code metric} over epoch-aligned periods of
 * {@code periodSeconds} is compared with {@code threshold}; the alarm looks at the last
 * {@code evaluationPeriods} (N) <em>complete</em> periods (a period is complete when its end &le; now).
 *
 * <pre>
 *   breaching datapoints &ge; datapointsToAlarm (M)          → ALARM
 *   no datapoint in the N periods                         → INSUFFICIENT_DATA
 *   non-breaching datapoints &gt; N − M (ALARM impossible)   → OK
 *   otherwise (too few datapoints to decide)              → state unchanged
 * </pre>
 * Missing periods are treated as {@code treatMissingData} says (CloudWatch's TreatMissingData): {@code missing}
 * (the default) counts them neither way, as above; {@code notBreaching} counts them as non-breaching datapoints,
 * {@code breaching} as breaching ones (so all missing is OK or ALARM, never INSUFFICIENT_DATA); {@code ignore} counts
 * them neither way and keeps the current state when all are missing. The state starts as INSUFFICIENT_DATA. The reason text follows CloudWatch's ("Threshold Crossed: 3 out
 * of the last 3 datapoints [85.2 (2026-11-25T07:00:02Z), ...] were greater than the threshold (80.0) ...",
 * newest datapoint first) and changes only with the state, like CloudWatch's StateReason.
 *
 * <p>Not thread-safe: evaluated by the controller's one thread. Evaluating twice at the same instant is
 * harmless.
 */
public final class Alarm {
    /** How many transitions {@link #history()} keeps. */
    public static final int HISTORY_LIMIT = 100;

    private final String name;
    private final MetricKey metric;
    private final Statistic stat;
    /** Set instead of metric and stat when the alarm watches a metric math expression. */
    private final MetricMathQuery math;
    private final int periodSeconds;
    private final int evaluationPeriods;
    private final int datapointsToAlarm;
    private final double threshold;
    private final ComparisonOperator op;
    private final TreatMissingData treatMissingData;

    private AlarmState state = AlarmState.INSUFFICIENT_DATA;
    private String stateReason = "Unchecked: Initial alarm creation";
    private Instant stateSince;
    private final ArrayDeque<AlarmTransition> history = new ArrayDeque<>();
    private List<Datapoint> lastDatapoints = List.of();

    public Alarm(String name, MetricKey metric, Statistic stat, int periodSeconds, int evaluationPeriods,
                 int datapointsToAlarm, double threshold, ComparisonOperator op) {
        this(name, metric, stat, periodSeconds, evaluationPeriods, datapointsToAlarm, threshold, op, TreatMissingData.MISSING);
    }

    public Alarm(String name, MetricKey metric, Statistic stat, int periodSeconds, int evaluationPeriods,
                 int datapointsToAlarm, double threshold, ComparisonOperator op, TreatMissingData treatMissingData) {
        this(name, Objects.requireNonNull(metric, "metric"), Objects.requireNonNull(stat, "stat"), null, periodSeconds,
                evaluationPeriods, datapointsToAlarm, threshold, op, treatMissingData);
    }

    /**
     * An alarm on the result of a metric math query: per period, each of its metrics is aggregated with its
     * statistic and the expression evaluated; a period whose result is missing is missing data.
     */
    public Alarm(String name, MetricMathQuery math, int periodSeconds, int evaluationPeriods, int datapointsToAlarm,
                 double threshold, ComparisonOperator op) {
        this(name, null, null, Objects.requireNonNull(math, "math"), periodSeconds, evaluationPeriods, datapointsToAlarm,
                threshold, op, TreatMissingData.MISSING);
    }

    private Alarm(String name, MetricKey metric, Statistic stat, MetricMathQuery math, int periodSeconds,
                  int evaluationPeriods, int datapointsToAlarm, double threshold, ComparisonOperator op,
                  TreatMissingData treatMissingData) {
        this.treatMissingData = Objects.requireNonNull(treatMissingData, "treatMissingData");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("alarm name must not be blank");
        }
        this.name = name;
        this.metric = metric;
        this.stat = stat;
        this.math = math;
        this.op = Objects.requireNonNull(op, "comparisonOperator");
        if (periodSeconds < 1 || periodSeconds > 86_400) {
            throw new IllegalArgumentException(name + ": periodSeconds: " + periodSeconds + " (expected: 1..86400)");
        }
        if (evaluationPeriods < 1) {
            throw new IllegalArgumentException(name + ": evaluationPeriods: " + evaluationPeriods + " (expected: >= 1)");
        }
        if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
            throw new IllegalArgumentException(name + ": datapointsToAlarm: " + datapointsToAlarm
                    + " (expected: 1.." + evaluationPeriods + ", at most evaluationPeriods)");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException(name + ": threshold: " + threshold + " (expected: a finite number)");
        }
        this.periodSeconds = periodSeconds;
        this.evaluationPeriods = evaluationPeriods;
        this.datapointsToAlarm = datapointsToAlarm;
        this.threshold = threshold;
    }

    /**
     * Evaluates the last {@code evaluationPeriods} complete periods before {@code now}, updates the state and
     * returns it.
     */
    public AlarmState evaluate(MetricStore store, Instant now) {
        if (stateSince == null) {
            stateSince = now;
        }
        long end = Math.floorDiv(now.getEpochSecond(), periodSeconds) * periodSeconds;
        long start = end - (long) periodSeconds * evaluationPeriods;
        Instant endInstant = Instant.ofEpochSecond(end);
        List<Datapoint> points = new ArrayList<>();
        Instant startInstant = Instant.ofEpochSecond(start);
        for (Datapoint d : math != null ? math.query(store, startInstant, endInstant, periodSeconds)
                : store.query(metric, startInstant, endInstant, periodSeconds, stat)) {
            if (d.sampleCount() > 0 && Double.isFinite(d.value())) {
                points.add(d);
            }
        }
        lastDatapoints = List.copyOf(points);

        int breaching = 0;
        for (Datapoint d : points) {
            if (breaches(d.value())) {
                breaching++;
            }
        }
        int nonBreaching = points.size() - breaching;
        int missing = evaluationPeriods - points.size();
        if (treatMissingData == TreatMissingData.BREACHING) {
            breaching += missing;
        } else if (treatMissingData == TreatMissingData.NOT_BREACHING) {
            nonBreaching += missing;
        }
        boolean filled = missing > 0 && (treatMissingData == TreatMissingData.BREACHING
                || treatMissingData == TreatMissingData.NOT_BREACHING);
        AlarmState next;
        String reason;
        if (points.isEmpty() && treatMissingData == TreatMissingData.IGNORE) {
            return state; // ignore: no data keeps the current state
        } else if (breaching >= datapointsToAlarm) {
            next = AlarmState.ALARM;
            reason = filled ? missingReason(points, breaching, missing, true) : crossed(points, breaching, true);
        } else if (points.isEmpty() && !filled) {
            next = AlarmState.INSUFFICIENT_DATA;
            reason = "Insufficient Data: " + evaluationPeriods + " datapoint" + plural(evaluationPeriods)
                    + (evaluationPeriods == 1 ? " was" : " were") + " unknown.";
        } else if (nonBreaching > evaluationPeriods - datapointsToAlarm) {
            next = AlarmState.OK;
            reason = filled ? missingReason(points, nonBreaching, missing, false) : crossed(points, nonBreaching, false);
        } else {
            return state; // too few datapoints either way: CloudWatch keeps the state
        }
        if (next != state) {
            addTransition(new AlarmTransition(now, state, next, reason));
            state = next;
            stateReason = reason;
            stateSince = now;
        }
        return state;
    }

    /**
     * CloudWatch's reason when missing data was filled in: "Threshold Crossed: no datapoints were received for 3 periods
     * and 3 missing datapoints were treated as [Breaching]." (with the received datapoints first when there were some).
     */
    private String missingReason(List<Datapoint> points, int count, int missing, boolean breachingSide) {
        String treated = missing + " missing datapoint" + plural(missing) + (missing == 1 ? " was" : " were")
                + " treated as [" + (treatMissingData == TreatMissingData.BREACHING ? "Breaching" : "NonBreaching") + "].";
        if (points.isEmpty()) {
            return "Threshold Crossed: no datapoints were received for " + evaluationPeriods + " period"
                    + plural(evaluationPeriods) + " and " + treated;
        }
        int received = count - (breachingSide == (treatMissingData == TreatMissingData.BREACHING) ? missing : 0);
        if (received == 0) {
            return "Threshold Crossed: " + treated;
        }
        String crossed = crossed(points, received, breachingSide);
        return crossed.substring(0, crossed.length() - 1) + "; " + treated;
    }

    /** Whether {@code v} is on the ALARM side of the threshold. */
    public boolean breaches(double v) {
        return switch (op) {
            case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> v >= threshold;
            case GREATER_THAN_THRESHOLD -> v > threshold;
            case LESS_THAN_THRESHOLD -> v < threshold;
            case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> v <= threshold;
        };
    }

    private String crossed(List<Datapoint> points, int count, boolean toAlarm) {
        StringBuilder sb = new StringBuilder("Threshold Crossed: ");
        sb.append(count).append(" out of the last ").append(evaluationPeriods).append(" datapoint")
                .append(plural(evaluationPeriods)).append(" [");
        int shown = 0;
        for (int i = points.size() - 1; i >= 0 && shown < 5; i--) {
            Datapoint d = points.get(i);
            if (breaches(d.value()) != toAlarm) {
                continue;
            }
            if (shown++ > 0) {
                sb.append(", ");
            }
            sb.append(format(d.value())).append(" (").append(d.timestamp()).append(')');
        }
        if (count > shown) {
            sb.append(", ...");
        }
        sb.append("] ").append(count == 1 ? "was " : "were ").append(toAlarm ? "" : "not ")
                .append(operatorWords()).append(" the threshold (").append(format(threshold)).append(") (minimum ");
        if (toAlarm) {
            sb.append(datapointsToAlarm).append(" datapoint").append(plural(datapointsToAlarm))
                    .append(" for ").append(state == AlarmState.ALARM ? "OK" : state).append(" -> ALARM transition).");
        } else {
            int needed = evaluationPeriods - datapointsToAlarm + 1;
            sb.append(needed).append(" datapoint").append(plural(needed))
                    .append(" for ").append(state == AlarmState.OK ? "ALARM" : state).append(" -> OK transition).");
        }
        return sb.toString();
    }

    private String operatorWords() {
        return switch (op) {
            case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> "greater than or equal to";
            case GREATER_THAN_THRESHOLD -> "greater than";
            case LESS_THAN_THRESHOLD -> "less than";
            case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> "less than or equal to";
        };
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private void addTransition(AlarmTransition t) {
        if (history.size() == HISTORY_LIMIT) {
            history.removeFirst();
        }
        history.addLast(t);
    }

    public String name() {
        return name;
    }

    /** The metric; null when the alarm watches a {@linkplain #math() metric math query}. */
    public MetricKey metric() {
        return metric;
    }

    /** The metric's statistic; null when the alarm watches a {@linkplain #math() metric math query}. */
    public Statistic statistic() {
        return stat;
    }

    /** The metric math query the alarm watches, or null when it watches one metric. */
    public MetricMathQuery math() {
        return math;
    }

    public int periodSeconds() {
        return periodSeconds;
    }

    public int evaluationPeriods() {
        return evaluationPeriods;
    }

    public int datapointsToAlarm() {
        return datapointsToAlarm;
    }

    public ComparisonOperator comparisonOperator() {
        return op;
    }

    public double threshold() {
        return threshold;
    }

    public AlarmState state() {
        return state;
    }

    public String stateReason() {
        return stateReason;
    }

    /** When the alarm entered its state; {@link Instant#EPOCH} before the first evaluation. */
    public Instant stateSince() {
        return stateSince == null ? Instant.EPOCH : stateSince;
    }

    /** The state changes, oldest first, at most {@link #HISTORY_LIMIT}. */
    public List<AlarmTransition> history() {
        return List.copyOf(history);
    }

    /** The newest datapoint of the last evaluation (step scaling's breach size); empty if there was none. */
    public Optional<Double> lastValue() {
        return lastDatapoints.isEmpty()
                ? Optional.empty()
                : Optional.of(lastDatapoints.get(lastDatapoints.size() - 1).value());
    }

    /** The datapoints of the last evaluation, oldest first (missing periods left out). */
    public List<Datapoint> lastDatapoints() {
        return lastDatapoints;
    }

    /** Like {@code cpu-high: CPUUtilization{AutoScalingGroupName=web} Average > 80.0 for 3 of 3 x 10 s}. */
    @Override
    public String toString() {
        String sym = switch (op) {
            case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> ">=";
            case GREATER_THAN_THRESHOLD -> ">";
            case LESS_THAN_THRESHOLD -> "<";
            case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> "<=";
        };
        return name + ": " + (math != null ? math : metric + " " + stat) + " " + sym + " " + format(threshold) + " for "
                + datapointsToAlarm + " of " + evaluationPeriods + " x " + periodSeconds + " s";
    }
}
