package io.headroom.core.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The dimensions of a metric, as in CloudWatch: name/value pairs such as {@code LoadBalancer=web} that,
 * together with the metric name, identify one time series. Immutable, sorted by key, so two instances with
 * the same pairs are equal whatever order they were built in.
 *
 * <p>Keys are non-blank and contain neither {@code '='} nor {@code ','}; values are non-empty and contain no
 * {@code ','}, so that {@link #toString()} and {@link #parse(String)} round-trip.
 */
public final class Dimensions {
    private static final Dimensions EMPTY = new Dimensions(new TreeMap<>());

    private final SortedMap<String, String> map;

    private Dimensions(TreeMap<String, String> map) {
        this.map = Collections.unmodifiableSortedMap(map);
    }

    /** No dimensions. */
    public static Dimensions of() {
        return EMPTY;
    }

    public static Dimensions of(String k, String v) {
        return EMPTY.with(k, v);
    }

    public static Dimensions of(String k1, String v1, String k2, String v2) {
        checkKey(k1);
        if (k1.equals(checkKey(k2))) {
            throw new IllegalArgumentException("duplicate dimension '" + k1 + "'");
        }
        return EMPTY.with(k1, v1).with(k2, v2);
    }

    public static Dimensions of(Map<String, String> m) {
        Objects.requireNonNull(m, "dimensions map");
        TreeMap<String, String> copy = new TreeMap<>();
        m.forEach((k, v) -> copy.put(checkKey(k), checkValue(k, v)));
        return copy.isEmpty() ? EMPTY : new Dimensions(copy);
    }

    /** A copy with {@code k} set to {@code v} (replacing an existing value of {@code k}). */
    public Dimensions with(String k, String v) {
        TreeMap<String, String> copy = new TreeMap<>(map);
        copy.put(checkKey(k), checkValue(k, v));
        return new Dimensions(copy);
    }

    /** The pairs, sorted by key, unmodifiable. */
    public Map<String, String> asMap() {
        return map;
    }

    /** The value of dimension {@code k}, or null. */
    public String get(String k) {
        return map.get(k);
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    /**
     * Parses {@code "TargetGroup=web,LoadBalancer=x"} (spaces around pairs ignored; optional surrounding
     * braces, so {@link #toString()} output parses back). An empty string gives no dimensions.
     *
     * @throws IllegalArgumentException naming the bad pair
     */
    public static Dimensions parse(String s) {
        Objects.requireNonNull(s, "dimensions");
        String body = s.strip();
        if (body.startsWith("{") && body.endsWith("}")) {
            body = body.substring(1, body.length() - 1).strip();
        }
        if (body.isEmpty()) {
            return EMPTY;
        }
        TreeMap<String, String> out = new TreeMap<>();
        for (String pair : body.split(",", -1)) {
            String p = pair.strip();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("bad dimension '" + p + "' in '" + s
                        + "' (expected Name=Value pairs separated by commas, e.g. LoadBalancer=web,TargetGroup=api)");
            }
            String k = p.substring(0, eq).strip();
            String v = p.substring(eq + 1).strip();
            if (out.put(checkKey(k), checkValue(k, v)) != null) {
                throw new IllegalArgumentException("duplicate dimension '" + k + "' in '" + s + "'");
            }
        }
        return new Dimensions(out);
    }

    private static String checkKey(String k) {
        if (k == null || k.isBlank()) {
            throw new IllegalArgumentException("dimension name must not be blank");
        }
        if (k.indexOf('=') >= 0 || k.indexOf(',') >= 0) {
            throw new IllegalArgumentException("dimension name '" + k + "' must not contain '=' or ','");
        }
        return k;
    }

    private static String checkValue(String k, String v) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("dimension '" + k + "' must have a non-empty value");
        }
        if (v.indexOf(',') >= 0) {
            throw new IllegalArgumentException("dimension '" + k + "' value '" + v + "' must not contain ','");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dimensions d && map.equals(d.map);
    }

    @Override
    public int hashCode() {
        return map.hashCode();
    }

    /** Like {@code {LoadBalancer=web, TargetGroup=api}}. */
    @Override
    public String toString() {
        return map.toString();
    }
}
