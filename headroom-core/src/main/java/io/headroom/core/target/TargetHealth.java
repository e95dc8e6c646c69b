package io.headroom.core.target;

import java.util.Objects;

/**
 * The health of one registered target, as AWS's DescribeTargetHealth reports it: a state, a reason code
 * ({@code Elb.RegistrationInProgress}, {@code Target.Timeout}, {@code Target.ResponseCodeMismatch},
 * {@code Target.FailedHealthChecks}, {@code Target.DeregistrationInProgress}, {@code Target.NotRegistered}, ...;
 * null when healthy), a description in words, and the anomaly detection result (automatic target weights), which
 * is separate from health: an anomalous target can be healthy.
 */
public record TargetHealth(TargetAddress target, TargetState state, String reason, String description,
                           AnomalyDetection anomalyDetection) {

    public TargetHealth {
        Objects.requireNonNull(anomalyDetection, "anomalyDetection");
    }

    /** A target without anomalies: result normal, no mitigation. */
    public TargetHealth(TargetAddress target, TargetState state, String reason, String description) {
        this(target, state, reason, description, AnomalyDetection.NORMAL);
    }

    /** The same health with this anomaly detection result. */
    public TargetHealth withAnomalyDetection(AnomalyDetection a) {
        return new TargetHealth(target, state, reason, description, a);
    }
}
