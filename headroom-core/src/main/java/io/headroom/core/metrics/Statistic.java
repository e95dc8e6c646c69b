package io.headroom.core.metrics;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch statistic: {@code Sum}, {@code Average}, {@code Minimum}, {@code Maximum}, {@code SampleCount}
 * or a percentile {@code pNN} / {@code pNN.N} (0..100). {@link #toString()} gives AWS's spelling, which
 * {@link #parse(String)} reads back.
 *
 * @param kind       which statistic
 * @param percentile the percentile (0..100) for {@link Kind#PERCENTILE}; NaN otherwise
 */
public record Statistic(Kind kind, double percentile) {
    /** The kinds of statistic. */
    public enum Kind { SUM, AVERAGE, MINIMUM, MAXIMUM, SAMPLE_COUNT, PERCENTILE }

    public static final Statistic SUM = new Statistic(Kind.SUM, Double.NaN);
    public static final Statistic AVERAGE = new Statistic(Kind.AVERAGE, Double.NaN);
    public static final Statistic MINIMUM = new Statistic(Kind.MINIMUM, Double.NaN);
    public static final Statistic MAXIMUM = new Statistic(Kind.MAXIMUM, Double.NaN);
    public static final Statistic SAMPLE_COUNT = new Statistic(Kind.SAMPLE_COUNT, Double.NaN);
    public static final Statistic P50 = percentile(50);
    public static final Statistic P90 = percentile(90);
    public static final Statistic P99 = percentile(99);

    private static final Pattern PERCENTILE = Pattern.compile("[pP](\\d{1,3}(?:\\.\\d+)?)");
    private static final String EXPECTED =
            "expected one of Sum, Average, Minimum, Maximum, SampleCount, or a percentile p0..p100 such as p99 or p99.9";

    public Statistic {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PERCENTILE) {
            if (!(percentile >= 0 && percentile <= 100)) {
                throw new IllegalArgumentException("percentile " + percentile + " (expected 0..100)");
            }
        } else {
            percentile = Double.NaN;
        }
    }

    /** The percentile statistic {@code pP}, 0 &le; p &le; 100. */
    public static Statistic percentile(double p) {
        return new Statistic(Kind.PERCENTILE, p);
    }

    public boolean isPercentile() {
        return kind == Kind.PERCENTILE;
    }

    /**
     * Reads AWS's name of a statistic ({@code "Average"}, {@code "SampleCount"}, {@code "p99"},
     * {@code "p99.9"}); names are matched ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the expected ones
     */
    public static Statistic parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("statistic is missing (" + EXPECTED + ")");
        }
        String t = s.strip();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "sum": return SUM;
            case "average": return AVERAGE;
            case "minimum": return MINIMUM;
            case "maximum": return MAXIMUM;
            case "samplecount": return SAMPLE_COUNT;
            default: break;
        }
        Matcher m = PERCENTILE.matcher(t);
        if (m.matches()) {
            double p = Double.parseDouble(m.group(1));
            if (p <= 100) {
                return percentile(p);
            }
        }
        throw new IllegalArgumentException("unknown statistic '" + s + "' (" + EXPECTED + ")");
    }

    /** AWS's name: {@code Sum}, {@code Average}, {@code Minimum}, {@code Maximum}, {@code SampleCount}, {@code p99}. */
    @Override
    public String toString() {
        return switch (kind) {
            case SUM -> "Sum";
            case AVERAGE -> "Average";
            case MINIMUM -> "Minimum";
            case MAXIMUM -> "Maximum";
            case SAMPLE_COUNT -> "SampleCount";
            case PERCENTILE -> "p" + BigDecimal.valueOf(percentile).stripTrailingZeros().toPlainString();
        };
    }
}
