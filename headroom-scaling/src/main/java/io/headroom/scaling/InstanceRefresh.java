package io.headroom.scaling;

import java.time.Instant;

/**
 * A snapshot of an instance refresh of an auto scaling group, as AWS's DescribeInstanceRefreshes gives it: a rolling
 * replacement of the group's instances, a batch at a time, that keeps at least {@code minHealthyPercentage} of the
 * desired capacity InService and healthy (and past {@code instanceWarmupSeconds}) throughout.
 *
 * @param endTime              null while the refresh is active
 * @param percentageComplete   the share of the instances to replace that have been replaced by instances now ready
 * @param instancesToUpdate    the instances still to replace (AWS's InstancesToUpdate)
 * @param launchTemplateVersion the launch template version the group launched when the refresh started
 * @param maxHealthyPercentage  how far above the desired capacity replacements may be launched ahead, 100..200
 * @param checkpointPercentages the shares of the instances to replace after which the refresh waits (empty: none)
 * @param checkpointDelay       how long it waits at each checkpoint, in seconds
 */
public record InstanceRefresh(
        String instanceRefreshId,
        Status status,
        String statusReason,
        Instant startTime,
        Instant endTime,
        int percentageComplete,
        int instancesToUpdate,
        int minHealthyPercentage,
        int maxHealthyPercentage,
        int instanceWarmupSeconds,
        boolean skipMatching,
        int launchTemplateVersion,
        java.util.List<Integer> checkpointPercentages,
        int checkpointDelay) {

    /** AWS's statuses, less the rollback ones (Headroom does not roll back). */
    public enum Status {
        /** Accepted; the group's next tick starts it. */
        Pending,
        InProgress,
        Successful,
        /** Replacement instances kept failing (see the reason); the instances already replaced stay. */
        Failed,
        Cancelled;

        public boolean isActive() {
            return this == Pending || this == InProgress;
        }
    }
}
