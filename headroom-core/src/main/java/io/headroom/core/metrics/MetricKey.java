package io.headroom.core.metrics;

import java.util.Objects;

/**
 * One time series: a metric name (AWS's, e.g. {@code RequestCount}, see CONFIG.md "Metric names") and its
 * {@link Dimensions}. Build keys once (at config load or when a target appears), never per request.
 */
public record MetricKey(String name, Dimensions dimensions) {
    public MetricKey {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        Objects.requireNonNull(dimensions, "dimensions");
    }

    public static MetricKey of(String name, Dimensions d) {
        return new MetricKey(name, d);
    }

    /** A metric without dimensions. */
    public static MetricKey of(String name) {
        return new MetricKey(name, Dimensions.of());
    }

    /** Like {@code RequestCount{LoadBalancer=web}}. */
    @Override
    public String toString() {
        return name + dimensions;
    }
}
