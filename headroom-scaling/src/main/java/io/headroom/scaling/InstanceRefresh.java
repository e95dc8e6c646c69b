package io.headroom.scaling;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of an instance refresh of an auto scaling group, as AWS's DescribeInstanceRefreshes gives it: a rolling
 * replacement of the group's instances, a batch at a time, that keeps at least {@code minHealthyPercentage} of the
 * desired capacity InService and healthy (and past {@code instanceWarmupSeconds}) throughout.
 *
 * @param endTime              null while the refresh is active
 * @param percentageComplete   the share of the instances to replace that have been replaced by instances now ready
 *                             (during a rollback: of the instances the rollback replaces)
 * @param instancesToUpdate    the instances still to replace (AWS's InstancesToUpdate)
 * @param launchTemplateVersion the launch template version the refresh rolls out: the desired configuration's, else
 *                             the one the group launched when the refresh started
 * @param maxHealthyPercentage  how far above the desired capacity replacements may be launched ahead, 100..200
 * @param checkpointPercentages the shares of the instances to replace after which the refresh waits (empty: none)
 * @param checkpointDelay       how long it waits at each checkpoint, in seconds
 * @param desiredLaunchTemplateVersion AWS's DesiredConfiguration: the version as asked for ("3", "$Latest",
 *                             "$Default"), which the group launches once the refresh is Successful; null for none
 * @param rollbackLaunchTemplateVersion the version a rollback goes back to (the group's before the refresh), null when
 *                             the refresh cannot be rolled back (no desired configuration, or the group on $Latest or
 *                             $Default)
 * @param rollbackDetails      null unless the refresh is or was rolled back
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
        List<Integer> checkpointPercentages,
        int checkpointDelay,
        String desiredLaunchTemplateVersion,
        Integer rollbackLaunchTemplateVersion,
        boolean autoRollback,
        List<String> alarms,
        RefreshPreferences.ScaleInProtectedInstances scaleInProtectedInstances,
        RefreshPreferences.StandbyInstances standbyInstances,
        RollbackDetails rollbackDetails) {

    /** AWS's statuses, less Cancelling (a cancel takes effect at once) and Baking (no bake time). */
    public enum Status {
        /** Accepted; the group's next tick starts it. */
        Pending,
        InProgress,
        Successful,
        /** Replacement instances kept failing or an alarm went off (see the reason); the instances replaced stay. */
        Failed,
        Cancelled,
        /** Replacing the instances the refresh launched with the group's configuration from before it. */
        RollbackInProgress,
        /** Instances launched during the rollback kept failing (see the reason). */
        RollbackFailed,
        RollbackSuccessful;

        /** Whether the refresh (or its rollback) still replaces instances. */
        public boolean isActive() {
            return this == Pending || this == InProgress || this == RollbackInProgress;
        }
    }

    /**
     * AWS's RollbackDetails.
     *
     * @param rollbackReason              why it was rolled back (a user request, or what made it fail)
     * @param percentageCompleteOnRollback the refresh's percentageComplete when the rollback started
     * @param instancesToUpdateOnRollback  the refresh's instancesToUpdate when the rollback started
     */
    public record RollbackDetails(String rollbackReason, Instant rollbackStartTime, int percentageCompleteOnRollback,
                                  int instancesToUpdateOnRollback) {}
}
