package io.headroom.core.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What a predictive scaling policy forecasts, as AWS's GetPredictiveScalingForecast returns it: per hour the load
 * forecast and the capacity forecast (the minimum capacity the load needs at the target value).
 *
 * @param loadMetric   the load metric, e.g. {@code TotalCPUUtilization {AutoScalingGroupName=web}} (Average per hour)
 * @param historyHours hours of history the forecast used (0..336)
 * @param status       why there is no forecast (fewer than 24 hours of history), or what is in effect now
 * @param points       one per hour, oldest first; empty without a forecast
 */
public record Forecast(String policyName, String mode, String loadMetric, String loadUnit, double targetValue,
                       Instant updatedAt, int historyHours, String status, List<Point> points) {
    public Forecast {
        points = List.copyOf(points);
    }

    /** @param hour the start of the hour; @param capacity ceil(load / target value) */
    public record Point(Instant hour, double load, int capacity) {}
}
