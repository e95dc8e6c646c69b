package io.headroom.scaling;

/**
 * The processes of an auto scaling group that can be suspended and resumed (AWS's SuspendProcesses and
 * ResumeProcesses), with what suspending each stops in Headroom.
 */
public enum ScalingProcess {
    /** No instance is launched: neither for scale out nor to replace one. */
    Launch,
    /** No instance is terminated for scale in, for an unhealthy one, or by an instance refresh (a user's still is). */
    Terminate,
    /** Instances launched meanwhile are not registered in the group's target groups; resuming registers them. */
    AddToLoadBalancer,
    /** Scaling policies are still evaluated (their alarms change state) but change no capacity. */
    AlarmNotification,
    /** An unbalanced group is not rebalanced across its zones (launches still go to the zone with the fewest). */
    AZRebalance,
    /** Instances are not marked unhealthy (a Pending instance still goes InService once it passes). */
    HealthCheck,
    /** The active instance refresh starts no new batch. */
    InstanceRefresh,
    /** Unhealthy instances are neither terminated nor replaced. */
    ReplaceUnhealthy,
    /** Scheduled actions do not run; those due meanwhile are skipped, not run on resume. */
    ScheduledActions
}
