package io.headroom.core.scaling;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What a predictive scaling policy forecasts, as AWS's GetPredictiveScalingForecast returns it: per hour the load
 * forecast and the capacity forecast (the minimum capacity the load needs at the target value), and for the past
 * day the load that came against what the forecast made one hour before had said (AWS's console shows the same
 * "actual vs forecast" to judge a ForecastOnly policy before it scales).
 *
 * @param loadMetric   the load metric, e.g. {@code TotalCPUUtilization {AutoScalingGroupName=web}} (Average per hour)
 * @param historyHours hours of history the forecast used (0..336)
 * @param status       why there is no forecast (fewer than 24 hours of history), or what it was made from
 * @param points       one per hour from the current one, oldest first; empty without a forecast
 * @param past         the hours of the last day with data, oldest first
 */
public record Forecast(String policyName, String mode, String loadMetric, String loadUnit, double targetValue,
                       Instant updatedAt, int historyHours, String status, List<Point> points, List<Past> past) {
    public Forecast {
        points = List.copyOf(points);
        past = List.copyOf(past);
    }

    /** @param hour the start of the hour; @param capacity ceil(load / target value) */
    public record Point(Instant hour, double load, int capacity) {}

    /**
     * @param actualLoad   the load measured in that hour
     * @param forecastLoad what the forecast made at the start of that hour said; NaN when there was too little
     *                     history then
     */
    public record Past(Instant hour, double actualLoad, double forecastLoad) {}

    /**
     * The mean absolute percentage error of the past day's forecasts against the load that came (hours with a
     * forecast and a load above zero); empty when there are none.
     */
    public OptionalDouble meanAbsolutePercentError() {
        double sum = 0;
        int n = 0;
        for (Past p : past) {
            if (Double.isFinite(p.forecastLoad()) && p.actualLoad() > 0) {
                sum += Math.abs(p.forecastLoad() - p.actualLoad()) / p.actualLoad();
                n++;
            }
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(100 * sum / n);
    }
}
