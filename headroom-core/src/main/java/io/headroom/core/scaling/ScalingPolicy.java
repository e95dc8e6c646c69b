package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.metrics.MetricStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A scaling policy: a function of (metric store, group state, time) to a wanted capacity. Implementations keep
 * only the small state AWS's semantics need (cooldown end, last scaling time) and take time from the caller,
 * never from the system clock, so tests and the simulator drive them without waiting. Not thread-safe: the
 * controller calls them from its one thread.
 */
public interface ScalingPolicy {
    String name();

    ScalingDecision evaluate(MetricStore metrics, GroupState group, Instant now);

    /** Told after the controller applied a capacity change caused by this policy (starts cooldowns). */
    default void scaled(int fromCapacity, int toCapacity, Instant now) {}

    /** The alarms this policy owns and evaluates (for display: state, reason, history). */
    default List<Alarm> alarms() {
        return List.of();
    }

    /** The forecast of a predictive scaling policy (as of its last evaluation); empty for every other kind. */
    default Optional<Forecast> forecast() {
        return Optional.empty();
    }
}
