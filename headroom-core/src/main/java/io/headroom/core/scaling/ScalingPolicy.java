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

    /**
     * What executing the policy at a user's request wants (AWS's ExecutePolicy), applied to {@code desiredCapacity}
     * (unclamped): {@link ScalingDecision#none} with the reason when it does nothing (a simple policy in its cooldown
     * with {@code honorCooldown}, or an adjustment that leaves the capacity as it is). The caller reports a change
     * through {@link #scaled}, as for an alarm's. Only simple and step policies can be executed, as on AWS.
     *
     * @param metricValue     step policies only (required there): the metric value to compare with {@code breachThreshold}
     * @param breachThreshold step policies only (required there)
     * @throws UnsupportedOperationException for the kinds AWS does not execute (target tracking, predictive)
     * @throws IllegalArgumentException      naming the parameter that is missing, or given where it does not apply
     */
    default ScalingDecision execute(int desiredCapacity, Instant now, boolean honorCooldown, Double metricValue,
                                    Double breachThreshold) {
        throw new UnsupportedOperationException("policy " + name() + " cannot be executed");
    }

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
