package io.headroom.scaling;

import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.target.TargetAddress;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The controller's mutable record of one instance. Only its group touches it, under the group's lock; the
 * outside world sees {@link Instance} snapshots.
 */
final class Member {
    final String id;
    final String zone;
    final int launchTemplateVersion;
    final Instant launchTime;
    /** Since when it is Pending: its launch, or its return from standby (the health check grace period counts from here). */
    Instant pendingSince;
    final MetricKey cpuKey;
    final MetricKey memoryKey;
    final MetricKey networkInKey;
    final MetricKey networkOutKey;

    LifecycleState state = LifecycleState.Pending;
    HealthStatus health = HealthStatus.Healthy;
    boolean protectedFromScaleIn;
    /** Set once the provider has started it; null while launching or when the launch failed. */
    TargetAddress address;
    boolean launched;
    /** The provider reported that its process exited (EC2 health check failure unless we were stopping it). */
    boolean exited;
    Instant inServiceTime;
    /** When it became Terminated, or Detached: it is listed for a while after leaving the group. */
    Instant terminatedTime;
    /**
     * Why it is taken out of service, in AWS's words: the health check failure when Unhealthy ("an ELB system health
     * check failure"), or the maximum instance lifetime or zone rebalancing when retiring.
     */
    String unhealthyCause;
    /** Target groups it is registered in, so that it is deregistered from exactly those. */
    final Set<String> registeredIn = new LinkedHashSet<>();
    ActivityLog.Entry launchActivity;
    ActivityLog.Entry terminateActivity;
    ActivityLog.Entry standbyActivity;
    ActivityLog.Entry detachActivity;
    /** Past the group's maxInstanceLifetime: not counted as capacity, terminated once its replacement is InService. */
    boolean retiring;
    /** Retiring to move to another zone ({@code AZRebalance}): its replacement may go above maxSize. */
    boolean rebalancing;
    /** A check that a warm pool instance listens is under way (see AutoScalingGroup#maintainWarmPool). */
    boolean probing;
    /** Terminated from the warm pool: never in service, so its termination skips the lifecycle hooks. */
    boolean fromWarmPool;
    /** Its lifecycle hook waits while Pending:Wait or Terminating:Wait (empty otherwise). */
    final java.util.List<LifecycleWait> waits = new java.util.ArrayList<>();

    Member(String id, String zone, int launchTemplateVersion, Instant launchTime, boolean protectedFromScaleIn) {
        this.id = id;
        this.zone = zone;
        this.launchTemplateVersion = launchTemplateVersion;
        this.launchTime = launchTime;
        this.pendingSince = launchTime;
        this.protectedFromScaleIn = protectedFromScaleIn;
        Dimensions d = Dimensions.of("InstanceId", id);
        this.cpuKey = MetricKey.of("CPUUtilization", d);
        this.memoryKey = MetricKey.of("MemoryUtilization", d);
        this.networkInKey = MetricKey.of("NetworkIn", d);
        this.networkOutKey = MetricKey.of("NetworkOut", d);
    }

    /** Pending (past its launch hooks) or InService: what belongs in the group's target groups. */
    boolean registrable() {
        return state == LifecycleState.Pending || state == LifecycleState.InService;
    }

    boolean isActiveHealthy() {
        return state.isActive() && health == HealthStatus.Healthy && !retiring;
    }

    Instance snapshot() {
        return new Instance(id, state, health, zone, launchTemplateVersion, launchTime, protectedFromScaleIn,
                address == null ? null : address.host(), address == null ? 0 : address.port(), retiring);
    }

    @Override
    public String toString() {
        return id + "(" + state + ", " + health + ", " + zone + ")";
    }
}
