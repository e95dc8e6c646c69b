package io.headroom.core.target;

import java.util.Locale;

/** AWS's target health states. {@link #toString()} gives the lower-case name users see ("healthy"). */
public enum TargetState {
    INITIAL, HEALTHY, UNHEALTHY, DRAINING, UNUSED;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
