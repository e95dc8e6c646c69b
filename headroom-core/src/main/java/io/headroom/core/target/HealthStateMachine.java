package io.headroom.core.target;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The health state of one registered target, driven by health check results (AWS's rise/fall rules).
 * Not thread-safe: its owner serialises calls.
 *
 * <pre>
 *                register
 *                   |
 *                   v        first probe sent
 *   initial (Elb.RegistrationInProgress) ---> initial (Elb.InitialHealthChecking)
 *                                                 |                     |
 *                          one passing check      |                     | unhealthyThreshold
 *                 +-------------------------------+                     | consecutive failures
 *                 v                                                     v
 *             healthy --- unhealthyThreshold consecutive failures ---> unhealthy (Target.ResponseCodeMismatch |
 *                 ^                                                     |        Target.Timeout |
 *                 +--- healthyThreshold consecutive successes ----------+        Target.FailedHealthChecks)
 *
 *   with an unhealthy draining interval (NLB, TCP target groups), healthy goes to unhealthy through
 *   unhealthy.draining (no new connections, open ones kept):
 *             healthy --- unhealthyThreshold failures ---> unhealthy.draining --- the interval ends ---> unhealthy
 *                 ^                                              |
 *                 +---- healthyThreshold consecutive successes --+
 *
 *   any state --deregister--> draining (Target.DeregistrationInProgress) --drained--> unused (Target.NotRegistered)
 *   draining  --register again--> initial (Elb.RegistrationInProgress)
 * </pre>
 *
 * <p>A new target becomes healthy after <em>one</em> passing check: AWS's ALB guide says "After your target is
 * registered, it must pass one health check to be considered healthy"; {@code healthyThreshold} applies when
 * an unhealthy target comes back. A new target that keeps failing stays {@code initial}
 * (Elb.InitialHealthChecking) until {@code unhealthyThreshold} consecutive failures make it {@code unhealthy}.
 * Results arriving while draining or unused are ignored.
 */
public final class HealthStateMachine {
    public static final String REGISTRATION_IN_PROGRESS = "Elb.RegistrationInProgress";
    public static final String INITIAL_HEALTH_CHECKING = "Elb.InitialHealthChecking";
    public static final String DEREGISTRATION_IN_PROGRESS = "Target.DeregistrationInProgress";
    public static final String NOT_REGISTERED = "Target.NotRegistered";

    private final Clock clock;
    private int healthyThreshold;
    private int unhealthyThreshold;

    private TargetState state = TargetState.INITIAL;
    private String reason = REGISTRATION_IN_PROGRESS;
    private String description = "Target registration is in progress";
    private int successes;
    private int failures;
    private Instant since;
    /** Whether a healthy target that fails goes to unhealthy.draining first (its owner times the interval). */
    private boolean unhealthyDraining;

    /**
     * A target just registered: {@code initial}, reason {@code Elb.RegistrationInProgress}.
     *
     * @param healthyThreshold   consecutive passes that make an unhealthy target healthy (&ge; 1)
     * @param unhealthyThreshold consecutive failures that make a target unhealthy (&ge; 1)
     */
    public HealthStateMachine(Clock clock, int healthyThreshold, int unhealthyThreshold) {
        this.clock = Objects.requireNonNull(clock, "clock");
        setThresholds(healthyThreshold, unhealthyThreshold);
        this.since = clock.instant();
    }

    /** New thresholds (a config reload); counts so far are kept and judged against them at the next result. */
    public void setThresholds(int healthyThreshold, int unhealthyThreshold) {
        if (healthyThreshold < 1) {
            throw new IllegalArgumentException("healthyThreshold: " + healthyThreshold + " (expected: >= 1)");
        }
        if (unhealthyThreshold < 1) {
            throw new IllegalArgumentException("unhealthyThreshold: " + unhealthyThreshold + " (expected: >= 1)");
        }
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
    }

    /**
     * Whether a healthy target that fails its checks goes to {@code unhealthy.draining} (NLB's unhealthy draining
     * interval) rather than straight to {@code unhealthy}. Off: a target in {@code unhealthy.draining} now is
     * {@code unhealthy} at once.
     *
     * @return true when the state changed
     */
    public boolean unhealthyDraining(boolean on) {
        unhealthyDraining = on;
        return !on && drainingIntervalOver();
    }

    /**
     * The unhealthy draining interval ended: {@code unhealthy.draining} becomes {@code unhealthy} (reason and check
     * counts kept). No-op in any other state.
     *
     * @return true when the state changed
     */
    public boolean drainingIntervalOver() {
        if (state != TargetState.UNHEALTHY_DRAINING) {
            return false;
        }
        state = TargetState.UNHEALTHY;
        since = clock.instant();
        return true;
    }

    /** The first health check was sent: reason becomes {@code Elb.InitialHealthChecking}. */
    public void probeStarted() {
        if (state == TargetState.INITIAL && REGISTRATION_IN_PROGRESS.equals(reason)) {
            reason = INITIAL_HEALTH_CHECKING;
            description = "Initial health checks in progress";
        }
    }

    /**
     * Applies one health check result.
     *
     * @return true when the state changed (healthy set membership may have changed)
     */
    public boolean onResult(ProbeResult result) {
        Objects.requireNonNull(result, "result");
        if (state == TargetState.DRAINING || state == TargetState.UNUSED) {
            return false;
        }
        if (result.isPassed()) {
            failures = 0;
            successes++;
            boolean rise = state == TargetState.INITIAL
                    || (state.unhealthy() && successes >= healthyThreshold);
            if (rise) {
                return moveTo(TargetState.HEALTHY, null, null);
            }
            return false;
        }
        successes = 0;
        failures++;
        String failReason = result.outcome().reason();
        String failDescription = describe(result);
        if (state.unhealthy()) {
            // Stays unhealthy (or unhealthy.draining); report the latest way it fails.
            reason = failReason;
            description = failDescription;
            return false;
        }
        if (failures >= unhealthyThreshold) {
            TargetState to = state == TargetState.HEALTHY && unhealthyDraining ? TargetState.UNHEALTHY_DRAINING
                    : TargetState.UNHEALTHY;
            return moveTo(to, failReason, failDescription);
        }
        if (state == TargetState.INITIAL) {
            probeStarted();
        }
        return false;
    }

    /** Deregistration started: {@code draining}; health results are ignored from now on. */
    public boolean drain() {
        if (state == TargetState.DRAINING || state == TargetState.UNUSED) {
            return false;
        }
        return moveTo(TargetState.DRAINING, DEREGISTRATION_IN_PROGRESS, "Target deregistration is in progress");
    }

    /** Deregistration finished: {@code unused}. */
    public boolean unused() {
        if (state == TargetState.UNUSED) {
            return false;
        }
        return moveTo(TargetState.UNUSED, NOT_REGISTERED, "Target is not registered to the target group");
    }

    /** Registered again (e.g. while draining): back to {@code initial}, counts reset. */
    public void reset() {
        successes = 0;
        failures = 0;
        moveTo(TargetState.INITIAL, REGISTRATION_IN_PROGRESS, "Target registration is in progress");
    }

    private boolean moveTo(TargetState s, String r, String d) {
        boolean changed = state != s;
        state = s;
        reason = r;
        description = d;
        if (changed) {
            successes = 0;
            failures = 0;
            since = clock.instant();
        }
        return changed;
    }

    private static String describe(ProbeResult r) {
        return switch (r.outcome()) {
            case RESPONSE_CODE_MISMATCH -> "Health checks failed with these "
                    + (ProbeResult.GRPC.equals(r.detail()) ? "gRPC codes" : "codes") + ": [" + r.statusCode() + "]";
            case TIMEOUT -> "Request timed out";
            case FAILED -> r.detail() == null ? "Health checks failed" : "Health checks failed: " + r.detail();
            case PASSED -> null;
        };
    }

    public TargetState state() {
        return state;
    }

    /** AWS's reason code; null when healthy. */
    public String reason() {
        return reason;
    }

    /** The reason in words; null when healthy. */
    public String description() {
        return description;
    }

    /** When the state last changed (by the injected clock). */
    public Instant since() {
        return since;
    }

    public TargetHealth health(TargetAddress target) {
        return new TargetHealth(target, state, reason, description);
    }
}
