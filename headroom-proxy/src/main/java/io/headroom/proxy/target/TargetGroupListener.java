package io.headroom.proxy.target;

/**
 * Told when target groups appear and disappear (start, reload), e.g. to register the HealthyHostCount,
 * UnHealthyHostCount and RequestCountPerTarget metrics of each group with {@code TargetGroup=name}. Called on
 * the thread that calls {@link TargetGroups#apply}; must not block.
 */
public interface TargetGroupListener {
    TargetGroupListener NONE = new TargetGroupListener() {
    };

    default void groupAdded(TargetGroup group) {
    }

    default void groupRemoved(TargetGroup group) {
    }
}
