package io.headroom.scaling;

import java.util.List;

/**
 * What an instance refresh is asked to do (AWS's StartInstanceRefresh Preferences); checked by
 * {@link AutoScalingGroup#startInstanceRefresh(String, RefreshPreferences)}, where the group's state is known.
 *
 * @param minHealthyPercentage   null for the group's instance maintenance policy's, else AWS's 90
 * @param maxHealthyPercentage   null for the group's instance maintenance policy's, else AWS's 100
 * @param instanceWarmup         seconds, null for the group's defaultInstanceWarmupSeconds
 * @param checkpointPercentages  ascending, each 1..100; empty for none
 * @param checkpointDelay        seconds, null for AWS's default 3600 (only with checkpoints)
 * @param autoRollback           roll back instead of ending Failed (needs a desired configuration)
 * @param alarms                 names of the group's alarms that fail the refresh when in ALARM (AWS's
 *                               AlarmSpecification)
 */
public record RefreshPreferences(
        Integer minHealthyPercentage,
        Integer maxHealthyPercentage,
        Integer instanceWarmup,
        boolean skipMatching,
        List<Integer> checkpointPercentages,
        Integer checkpointDelay,
        boolean autoRollback,
        List<String> alarms,
        ScaleInProtectedInstances scaleInProtectedInstances,
        StandbyInstances standbyInstances) {

    /** AWS's MinHealthyPercentage when neither the refresh nor the group's instance maintenance policy gives one. */
    public static final int DEFAULT_MIN_HEALTHY_PERCENTAGE = 90;
    /** AWS's MaxHealthyPercentage when neither the refresh nor the group's instance maintenance policy gives one. */
    public static final int DEFAULT_MAX_HEALTHY_PERCENTAGE = 100;

    /**
     * AWS's defaults: the group's instance maintenance policy's percentages (else 90 % and 100 %), the group's warmup,
     * no skipping, no checkpoints, no rollback, no alarms.
     */
    public static final RefreshPreferences DEFAULTS = new RefreshPreferences(null, null, null, false, List.of(), null,
            false, List.of(), ScaleInProtectedInstances.Ignore, StandbyInstances.Ignore);

    public RefreshPreferences {
        checkpointPercentages = List.copyOf(checkpointPercentages);
        alarms = List.copyOf(alarms);
        if (scaleInProtectedInstances == null) {
            scaleInProtectedInstances = ScaleInProtectedInstances.Ignore;
        }
        if (standbyInstances == null) {
            standbyInstances = StandbyInstances.Ignore;
        }
    }

    /** AWS's ScaleInProtectedInstances: what the refresh does with instances protected from scale in. */
    public enum ScaleInProtectedInstances {
        /** Replaces them like the others. */
        Refresh,
        /** Leaves them as they are. */
        Ignore,
        /** Replaces them once their protection is removed; fails when that takes more than an hour. */
        Wait
    }

    /** AWS's StandbyInstances: what the refresh does with instances in Standby. */
    public enum StandbyInstances {
        /** Terminates them (they are not capacity: nothing replaces them). */
        Terminate,
        /** Leaves them as they are. */
        Ignore,
        /** Replaces them once they are back InService; fails when that takes more than an hour. */
        Wait
    }
}
