package io.headroom.core.scaling;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The load forecast of predictive scaling: hourly, for the next {@value #HORIZON_HOURS} hours, from up to
 * {@value #HISTORY_DAYS} days of hourly history, and only once there are {@value #MIN_HISTORY_HOURS} hours of it
 * (AWS's limits). AWS does not say how it forecasts; Headroom's method is plain and can be checked by hand: the
 * load of an hour is a weighted average of the load of the same hour on earlier days, where yesterday weighs 1,
 * the day before {@value #DAY_DECAY} and each earlier day {@value #DAY_DECAY} times the one after it, and the same
 * weekday one and two weeks back weigh {@value #SAME_WEEKDAY_FACTOR} times more (a weekly pattern then shows, a
 * daily one still does with a few days of history). An hour of the second day ahead whose earlier days are all
 * missing takes the forecast for the same hour of the first day. Pure: no clock, no I/O.
 */
public final class LoadForecaster {
    public static final int MIN_HISTORY_HOURS = 24;
    public static final int HISTORY_DAYS = 14;
    public static final int HORIZON_HOURS = 48;
    static final double DAY_DECAY = 0.8;
    static final double SAME_WEEKDAY_FACTOR = 3;
    private static final long HOUR = 3600;
    private static final long DAY = 24 * HOUR;

    private LoadForecaster() {}

    /**
     * @param history          hour start (epoch second, a whole hour) → the load in that hour; hours without data
     *                         are absent. Only hours in the {@value #HISTORY_DAYS} days before {@code currentHour}
     *                         count.
     * @param currentHourStart the start of the current hour (epoch second, a whole hour)
     * @return hour start → forecast load for {@code [currentHour, currentHour + 48 h)}; empty when fewer than
     *         {@value #MIN_HISTORY_HOURS} hours of history are there
     */
    public static NavigableMap<Long, Double> forecast(Map<Long, Double> history, long currentHourStart) {
        TreeMap<Long, Double> out = new TreeMap<>();
        TreeMap<Long, Double> past = past(history, currentHourStart);
        if (past == null) {
            return out;
        }
        for (int i = 0; i < HORIZON_HOURS; i++) {
            long hour = currentHourStart + i * HOUR;
            Double v = weighted(past, hour);
            if (v != null) {
                out.put(hour, v);
            } else if (out.containsKey(hour - DAY)) {
                out.put(hour, out.get(hour - DAY));
            }
        }
        return out;
    }

    /**
     * The forecast for {@code hourStart} made at its start: the first hour of {@link #forecast forecast(history,
     * hourStart)}, without the other 47; null when there was too little history then.
     */
    public static Double firstHour(Map<Long, Double> history, long hourStart) {
        TreeMap<Long, Double> past = past(history, hourStart);
        return past == null ? null : weighted(past, hourStart);
    }

    /** The usable history before {@code currentHourStart}: its last 14 days, or null with fewer than 24 hours. */
    private static TreeMap<Long, Double> past(Map<Long, Double> history, long currentHourStart) {
        if (Math.floorMod(currentHourStart, HOUR) != 0) {
            throw new IllegalArgumentException("currentHourStart " + currentHourStart + " is not a whole hour");
        }
        long from = currentHourStart - HISTORY_DAYS * DAY;
        TreeMap<Long, Double> past = new TreeMap<>();
        for (Map.Entry<Long, Double> e : history.entrySet()) {
            long h = e.getKey();
            double v = e.getValue();
            if (h >= from && h < currentHourStart && Double.isFinite(v)) {
                past.put(h, Math.max(0, v));
            }
        }
        return past.size() < MIN_HISTORY_HOURS ? null : past;
    }

    /** The weighted average of {@code hour}'s earlier days in {@code past}; null when none of them has data. */
    private static Double weighted(TreeMap<Long, Double> past, long hour) {
        double sum = 0;
        double weights = 0;
        for (int k = 1; k <= HISTORY_DAYS; k++) {
            Double v = past.get(hour - k * DAY);
            if (v == null) {
                continue;
            }
            double w = Math.pow(DAY_DECAY, k - 1) * (k % 7 == 0 ? SAME_WEEKDAY_FACTOR : 1);
            sum += w * v;
            weights += w;
        }
        return weights > 0 ? Math.round(sum / weights * 1e6) / 1e6 : null; // no 99.99999999999999 for a steady 100
    }
}
