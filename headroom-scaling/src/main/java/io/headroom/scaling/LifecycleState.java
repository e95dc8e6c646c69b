package io.headroom.scaling;

/**
 * Where an instance is in its life, with AWS's names ({@link #toString()} gives them, e.g.
 * {@code "Terminating:Draining"}). See {@link AutoScalingGroup} for the diagram.
 */
public enum LifecycleState {
    /** Launching, or launched and waiting for its first passing health check. */
    Pending,
    /** Launched, waiting for its launch lifecycle hooks' actions to complete; in no target group yet. */
    PendingWait("Pending:Wait"),
    /** Counted as capacity; gets traffic from its target groups while healthy. */
    InService,
    /** Being launched into the group's warm pool (or returned to it by a scale in, while drained). */
    WarmedPending("Warmed:Pending"),
    /** Launched into the warm pool, waiting for its launch lifecycle hooks' actions. */
    WarmedPendingWait("Warmed:Pending:Wait"),
    /** In the warm pool, its processes stopped (SIGSTOP): memory kept, no CPU; a scale out starts it. */
    WarmedStopped("Warmed:Stopped"),
    /** In the warm pool, running, in no target group; a scale out registers it. */
    WarmedRunning("Warmed:Running"),
    /** A user moved it to standby: deregistered from its target groups, waiting for their drains to end. */
    EnteringStandby,
    /** Out of service at a user's request: running, in no target group, not health checked, not capacity. */
    Standby,
    /** A user detached it (AWS's DetachInstances): deregistered from its target groups, waiting for their drains to end. */
    Detaching,
    /**
     * Detached: no longer in the group, still running, managed by no group until a user attaches it to one (see
     * {@link DetachedInstance}). Listed by its old group for a short while, as Terminated instances are.
     */
    Detached,
    /** Deregistered from its target groups; waiting until its in-flight requests finish (or the delay ends). */
    TerminatingDraining("Terminating:Draining"),
    /** Drained, waiting for its termination lifecycle hooks' actions to complete; still running. */
    TerminatingWait("Terminating:Wait"),
    /** Its process is being stopped: SIGTERM, then SIGKILL after the termination grace period. */
    Terminating,
    /** Gone. Listed for a short while afterwards, as AWS lists terminated instances. */
    Terminated;

    private final String awsName;

    LifecycleState() {
        this.awsName = name();
    }

    LifecycleState(String awsName) {
        this.awsName = awsName;
    }

    /** Pending (waiting on a lifecycle hook or not) or InService: counted against maxSize and watched by health checks. */
    public boolean isActive() {
        return isPending() || this == InService;
    }

    /** Pending or Pending:Wait. */
    public boolean isPending() {
        return this == Pending || this == PendingWait;
    }

    /** In the warm pool: not capacity, in no target group, not health checked by the load balancer. */
    public boolean isWarm() {
        return this == WarmedPending || this == WarmedPendingWait || this == WarmedStopped || this == WarmedRunning;
    }

    /** Warmed:Stopped or Warmed:Running: ready to be taken by a scale out. */
    public boolean isWarmed() {
        return this == WarmedStopped || this == WarmedRunning;
    }

    /** Waiting on lifecycle hooks: Pending:Wait, Warmed:Pending:Wait or Terminating:Wait. */
    public boolean isWait() {
        return this == PendingWait || this == WarmedPendingWait || this == TerminatingWait;
    }

    /** EnteringStandby or Standby. */
    public boolean isStandby() {
        return this == EnteringStandby || this == Standby;
    }

    /** TerminatingDraining, Terminating:Wait or Terminating. */
    public boolean isTerminating() {
        return this == TerminatingDraining || this == TerminatingWait || this == Terminating;
    }

    @Override
    public String toString() {
        return awsName;
    }
}
