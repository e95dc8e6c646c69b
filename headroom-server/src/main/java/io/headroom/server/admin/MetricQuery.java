package io.headroom.server.admin;

import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /api/v1/metrics}, checked where they enter: each bad one is a
 * {@link ApiException#validation validation error} naming the parameter.
 */
record MetricQuery(MetricKey key, Instant start, Instant end, int period, Statistic statistic) {
    static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
    static final int MAX_DATAPOINTS = 10_000;
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})([smhd])");

    /** Builds a query from raw parameter values (null when absent), relative times measured from {@code now}. */
    static MetricQuery parse(String name, String dimensions, String start, String end, String period, String statistic,
            Instant now) {
        if (name == null || name.isBlank()) {
            throw ApiException.validation("name: missing (expected a metric name, e.g. RequestCount)");
        }
        Dimensions d;
        try {
            d = dimensions == null ? Dimensions.of() : Dimensions.parse(dimensions);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("dimensions: " + e.getMessage());
        }
        Instant e = end == null ? now : time("end", end, now);
        Instant s = start == null ? e.minus(DEFAULT_RANGE) : time("start", start, now);
        if (e.isBefore(s)) {
            throw ApiException.validation("end: " + e + " is before start " + s);
        }
        int p = 60;
        if (period != null) {
            try {
                p = Integer.parseInt(period.strip());
            } catch (NumberFormatException ex) {
                p = -1;
            }
            if (p < 1 || p > 86_400) {
                throw ApiException.validation("period: '" + period + "' (expected: seconds, 1..86400)");
            }
        }
        if (Duration.between(s, e).getSeconds() / p > MAX_DATAPOINTS) {
            throw ApiException.validation("period: " + p + " s gives more than " + MAX_DATAPOINTS
                    + " datapoints between start and end (use a longer period or a shorter range)");
        }
        Statistic st;
        try {
            st = statistic == null ? Statistic.AVERAGE : Statistic.parse(statistic);
        } catch (IllegalArgumentException ex) {
            throw ApiException.validation("statistic: " + ex.getMessage());
        }
        return new MetricQuery(MetricKey.of(name.strip(), d), s, e, p, st);
    }

    /** An ISO-8601 instant, {@code now}, or a time relative to now such as {@code -15m}, {@code -30s}, {@code -1h}, {@code -2d}. */
    static Instant time(String param, String value, Instant now) {
        String v = value.strip();
        if (v.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(param + ": '" + value
                    + "' (expected: an ISO-8601 time like 2026-01-31T12:00:00Z, now, or relative like -15m, -30s, -1h, -2d)");
        }
    }
}
