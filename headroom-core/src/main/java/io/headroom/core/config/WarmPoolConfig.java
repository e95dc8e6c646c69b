package io.headroom.core.config;

/**
 * A group's warm pool (AWS's PutWarmPool): instances launched ahead of need and kept out of service, so that a
 * scale out takes one of them instead of launching (seconds, not a cold start).
 *
 * @param minSize                  instances kept in the pool at least
 * @param maxGroupPreparedCapacity the group's instances plus the pool's at most; null: the group's maxSize. The
 *                                 pool holds {@code max(minSize, maxGroupPreparedCapacity - desiredCapacity)}
 * @param poolState                Stopped (the process is stopped: memory kept, no CPU) or Running (running, in
 *                                 no target group); AWS's Hibernated reads as Stopped
 * @param reuseOnScaleIn           scale in returns instances to the pool (drained, then stopped) instead of
 *                                 terminating them, while the pool has room
 */
public record WarmPoolConfig(int minSize, Integer maxGroupPreparedCapacity, PoolState poolState, boolean reuseOnScaleIn) {

    public enum PoolState { Stopped, Running, Hibernated }

    /** The pool's size for a group at {@code desiredCapacity} with {@code maxSize}. */
    public int size(int desiredCapacity, int maxSize) {
        int prepared = maxGroupPreparedCapacity != null ? maxGroupPreparedCapacity : maxSize;
        return Math.max(minSize, prepared - desiredCapacity);
    }

    /** Whether pool instances are stopped (Stopped or Hibernated). */
    public boolean stopped() {
        return poolState != PoolState.Running;
    }
}
