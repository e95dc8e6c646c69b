package io.headroom.core.scaling;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig.MaxCapacityBreachBehavior;
import io.headroom.core.config.ScalingPolicyConfig.Predictive;
import io.headroom.core.config.ScalingPolicyConfig.PredictiveMetricPair;
import io.headroom.core.config.ScalingPolicyConfig.PredictiveMode;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Predictive scaling, with AWS's semantics: an hourly load forecast for the next 48 hours from up to 14 days of the
 * load metric (see {@link LoadForecaster}; none before 24 hours of it), a capacity forecast of
 * {@code ceil(load / targetValue)} per hour, and in ForecastAndScale mode that capacity as a floor for the hour.
 * A floor scales out, and keeps the other policies from scaling in below it, but never scales in by itself
 * ("if the forecast expects a decrease in load, predictive scaling will not scale in"). The hour's capacity applies
 * {@code schedulingBufferTime} seconds before the hour starts, so instances are launched ahead of the load, and the
 * earlier hour's capacity is kept until that hour ends. ForecastOnly computes and shows the forecast and changes
 * nothing. With IncreaseMaxCapacity a forecast capacity plus {@code maxCapacityBuffer} percent above the group's
 * maximum size raises the maximum size to it; with HonorMaxCapacity (the default) the maximum holds.
 *
 * <p>The load metrics: for ASGCPUUtilization the group's {@code TotalCPUUtilization} (the sum of the reporting
 * instances' CPUUtilization, each second), and the target value is the average CPUUtilization per instance; for
 * ALBRequestCount the target group's {@code RequestCount} as requests per minute, and the target value is
 * requests per target per minute; for ASGNetworkIn (ASGNetworkOut) the group's {@code TotalNetworkIn}
 * ({@code TotalNetworkOut}: its reporting instances' NetworkIn or NetworkOut added up) as bytes per minute, and
 * the target value is bytes per instance per minute. An hour's load is the metric's average over the seconds of
 * that hour that have data, so an hour with Headroom stopped for part of it is not counted as a quiet hour.
 *
 * <p>AWS updates its forecast every 6 hours; Headroom recomputes it at the first evaluation of every hour (and
 * every {@value #RETRY_SECONDS} s while there is too little history for one).
 */
final class PredictiveScalingPolicy implements ScalingPolicy {
    static final String TOTAL_CPU = "TotalCPUUtilization";
    static final String TOTAL_NETWORK_IN = "TotalNetworkIn";
    static final String TOTAL_NETWORK_OUT = "TotalNetworkOut";
    private static final long HOUR = 3600;

    private final String name;
    private final double target;
    private final PredictiveMode mode;
    private final int bufferSeconds;
    private final MaxCapacityBreachBehavior breach;
    private final int maxCapacityBuffer;
    private final MetricKey loadKey;
    /** Multiplies the metric's Average into the load: 60 for RequestCount and NetworkIn/Out (per second → per minute). */
    private final double loadFactor;
    private final String loadUnit;

    /** Without a forecast yet (too little history) it looks again this often, not only every hour. */
    static final int RETRY_SECONDS = 60;

    private long forecastHour = Long.MIN_VALUE;
    private Instant updatedAt = Instant.MIN;
    private Forecast forecast;
    private NavigableMap<Long, Double> loads = new TreeMap<>();

    PredictiveScalingPolicy(Predictive c, AutoScalingGroupConfig group) {
        String where = "autoScalingGroups[" + group.name() + "].policies[" + c.name() + "].predictiveScalingConfiguration";
        this.name = c.name();
        if (!(c.targetValue() > 0) || !Double.isFinite(c.targetValue())) {
            throw new IllegalArgumentException(where + ".metricSpecifications[0].targetValue: " + c.targetValue()
                    + " (expected: a number > 0)");
        }
        if (c.schedulingBufferTimeSeconds() < 0 || c.schedulingBufferTimeSeconds() >= 3600) {
            throw new IllegalArgumentException(where + ".schedulingBufferTime: " + c.schedulingBufferTimeSeconds()
                    + " (expected: 0..3599 seconds)");
        }
        boolean increase = c.maxCapacityBreachBehavior() == MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY;
        if (increase != (c.maxCapacityBuffer() != null)) {
            throw new IllegalArgumentException(where + ".maxCapacityBuffer: " + (increase
                    ? "missing (expected: 0..100, required with maxCapacityBreachBehavior IncreaseMaxCapacity)"
                    : "only allowed with maxCapacityBreachBehavior IncreaseMaxCapacity"));
        }
        if (increase && (c.maxCapacityBuffer() < 0 || c.maxCapacityBuffer() > 100)) {
            throw new IllegalArgumentException(where + ".maxCapacityBuffer: " + c.maxCapacityBuffer()
                    + " (expected: 0..100)");
        }
        this.target = c.targetValue();
        this.mode = c.mode() == null ? PredictiveMode.FORECAST_ONLY : c.mode();
        this.bufferSeconds = c.schedulingBufferTimeSeconds();
        this.breach = c.maxCapacityBreachBehavior() == null ? MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY
                : c.maxCapacityBreachBehavior();
        this.maxCapacityBuffer = increase ? c.maxCapacityBuffer() : 0;
        PredictiveMetricPair pair = c.metricPair() == null ? PredictiveMetricPair.ASG_CPU_UTILIZATION : c.metricPair();
        switch (pair) {
            case ASG_NETWORK_IN, ASG_NETWORK_OUT -> {
                String total = pair == PredictiveMetricPair.ASG_NETWORK_IN ? TOTAL_NETWORK_IN : TOTAL_NETWORK_OUT;
                this.loadKey = MetricKey.of(total, Dimensions.of(MetricNames.ASG, group.name()));
                this.loadFactor = 60; // bytes per second -> per minute, as the target (and target tracking's) is
                this.loadUnit = "bytes per minute, summed over instances";
            }
            case ALB_REQUEST_COUNT -> {
                String tg = c.resourceLabel() != null && !c.resourceLabel().isBlank()
                        ? c.resourceLabel() : MetricNames.firstTargetGroup(group, where);
                this.loadKey = MetricKey.of("RequestCount", Dimensions.of(MetricNames.TARGET_GROUP, tg));
                this.loadFactor = 60;
                this.loadUnit = "requests per minute";
            }
            default -> {
                this.loadKey = MetricKey.of(TOTAL_CPU, Dimensions.of(MetricNames.ASG, group.name()));
                this.loadFactor = 1;
                this.loadUnit = "percent CPU, summed over instances";
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Forecast> forecast() {
        return Optional.ofNullable(forecast);
    }

    @Override
    public ScalingDecision evaluate(MetricStore metrics, GroupState g, Instant now) {
        long hour = Math.floorDiv(now.getEpochSecond(), HOUR) * HOUR;
        if (hour != forecastHour || (loads.isEmpty() && !now.isBefore(updatedAt.plusSeconds(RETRY_SECONDS)))) {
            update(metrics, hour, now);
        }
        if (loads.isEmpty()) {
            return ScalingDecision.none(name, forecast.status());
        }
        long ahead = Math.floorDiv(now.getEpochSecond() + bufferSeconds, HOUR) * HOUR;
        int current = capacity(loads.getOrDefault(hour, 0.0));
        int next = capacity(loads.getOrDefault(ahead, 0.0));
        int wanted = Math.max(current, next);
        long forHour = next > current ? ahead : hour;
        String cause = "the predictive scaling policy " + name + " forecast a load of "
                + Format.number(loads.getOrDefault(forHour, 0.0)) + " (" + loadUnit + ") for the hour from "
                + Instant.ofEpochSecond(forHour) + ", which needs " + wanted + " instance" + (wanted == 1 ? "" : "s")
                + " at the target " + Format.number(target);
        if (mode == PredictiveMode.FORECAST_ONLY) {
            return ScalingDecision.none(name, "forecast only: " + cause);
        }
        OptionalInt raise = OptionalInt.empty();
        if (breach == MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY) {
            int upper = (int) Math.ceil(wanted * (100 + maxCapacityBuffer) / 100.0 - 1e-9);
            if (upper > g.maxSize()) {
                raise = OptionalInt.of(upper);
            }
        }
        return ScalingDecision.atLeast(name, wanted, cause, raise);
    }

    int capacity(double load) {
        return Adjustments.ceil(load / target);
    }

    private void update(MetricStore metrics, long hour, Instant now) {
        // One day more than the forecast uses: the past day's forecasts are made from the 14 days before each hour.
        Instant from = Instant.ofEpochSecond(hour - (LoadForecaster.HISTORY_DAYS + 1) * 24 * HOUR);
        Map<Long, Double> history = new HashMap<>();
        for (Datapoint d : metrics.query(loadKey, from, Instant.ofEpochSecond(hour), (int) HOUR, Statistic.AVERAGE)) {
            history.put(d.timestamp().getEpochSecond(), d.value() * loadFactor);
        }
        long since = hour - LoadForecaster.HISTORY_DAYS * 24 * HOUR;
        int historyHours = (int) history.keySet().stream().filter(h -> h >= since).count();
        loads = LoadForecaster.forecast(history, hour);
        forecastHour = hour;
        updatedAt = now;
        List<Forecast.Point> points = new ArrayList<>(loads.size());
        loads.forEach((h, load) -> points.add(new Forecast.Point(Instant.ofEpochSecond(h), load, capacity(load))));
        List<Forecast.Past> past = new ArrayList<>();
        for (long h = hour - 24 * HOUR; h < hour; h += HOUR) {
            Double actual = history.get(h);
            if (actual != null) {
                Double then = LoadForecaster.firstHour(history, h);
                past.add(new Forecast.Past(Instant.ofEpochSecond(h), actual, then == null ? Double.NaN : then));
            }
        }
        String status = loads.isEmpty()
                ? "no forecast yet: " + historyHours + " of the " + LoadForecaster.MIN_HISTORY_HOURS
                        + " hours of " + loadKey + " history it needs"
                : "forecast from " + historyHours + " hours of history";
        forecast = new Forecast(name, mode == PredictiveMode.FORECAST_ONLY ? "ForecastOnly" : "ForecastAndScale",
                loadKey.toString(), loadUnit, target, now, historyHours, status, points, past);
    }

    @Override
    public String toString() {
        return "PredictiveScaling " + name + " target " + Format.number(target) + " on " + loadKey;
    }
}
