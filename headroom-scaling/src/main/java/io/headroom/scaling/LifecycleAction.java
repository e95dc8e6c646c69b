package io.headroom.scaling;

import java.time.Instant;

/**
 * One instance waiting on one lifecycle hook (AWS's lifecycle action): what its notification tells and what
 * CompleteLifecycleAction and RecordLifecycleActionHeartbeat refer to.
 *
 * @param lifecycleTransition  {@code autoscaling:EC2_INSTANCE_LAUNCHING} or {@code autoscaling:EC2_INSTANCE_TERMINATING}
 * @param notificationMetadata the hook's, null when it has none
 * @param heartbeatTimeoutTime when the hook's default result applies unless a heartbeat comes first
 * @param globalTimeoutTime    when it applies at the latest, heartbeats or not: 100 heartbeat timeouts or 48 hours
 * @param host                 the instance's address (null while it has none)
 */
public record LifecycleAction(
        String lifecycleActionToken,
        String groupName,
        String lifecycleHookName,
        String instanceId,
        String lifecycleTransition,
        String notificationMetadata,
        Instant startTime,
        Instant heartbeatTimeoutTime,
        Instant globalTimeoutTime,
        String host,
        int port) {}
