package io.headroom.scaling;

import java.time.Instant;

/**
 * A scaling activity, as AWS's DescribeScalingActivities gives it: what was done ({@code description}, e.g.
 * "Launching a new EC2 instance: i-0123456789abcdef0"), why ({@code cause}, AWS's sentences starting with
 * "At &lt;time&gt; ..."), and how it went.
 *
 * @param endTime       null while the activity is in progress
 * @param statusCode    {@code InProgress}, {@code WaitingForELBConnectionDraining}, {@code MidLifecycleAction}, {@code Successful},
 *                      {@code Failed} or {@code Cancelled}
 * @param statusMessage why it failed or was cancelled; null otherwise
 * @param progress      0..100
 */
public record Activity(
        String activityId,
        String groupName,
        String description,
        String cause,
        Instant startTime,
        Instant endTime,
        String statusCode,
        String statusMessage,
        int progress) {

    public static final String IN_PROGRESS = "InProgress";
    public static final String WAITING_FOR_DRAINING = "WaitingForELBConnectionDraining";
    /** Waiting for lifecycle hooks' actions to complete. */
    public static final String MID_LIFECYCLE_ACTION = "MidLifecycleAction";
    public static final String SUCCESSFUL = "Successful";
    public static final String FAILED = "Failed";
    public static final String CANCELLED = "Cancelled";
}
