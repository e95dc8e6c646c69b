package io.headroom.core.target;

import java.util.Locale;

/**
 * AWS's target health states. {@link #toString()} gives the name users see ("healthy", "unhealthy.draining").
 * {@link #UNHEALTHY_DRAINING} is NLB's: a target that failed its health checks in a TCP target group with an unhealthy
 * draining interval; it gets no new connections and keeps its open ones until the interval ends.
 */
public enum TargetState {
    INITIAL, HEALTHY, UNHEALTHY, UNHEALTHY_DRAINING, DRAINING, UNUSED;

    @Override
    public String toString() {
        return this == UNHEALTHY_DRAINING ? "unhealthy.draining" : name().toLowerCase(Locale.ROOT);
    }

    /** {@code unhealthy} or {@code unhealthy.draining}: the target failed its health checks. */
    public boolean unhealthy() {
        return this == UNHEALTHY || this == UNHEALTHY_DRAINING;
    }
}
