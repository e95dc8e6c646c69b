package io.headroom.core.target;

import java.util.Locale;
import java.util.Objects;

/**
 * A target's anomaly detection result and whether mitigation is in effect, as AWS's DescribeTargetHealth reports
 * them ({@code AnomalyDetection: {Result: anomalous | normal, MitigationInEffect: yes | no}}). A target can be
 * normal while mitigation is still in effect: its traffic is ramping back up after it recovered.
 */
public record AnomalyDetection(Result result, boolean mitigationInEffect) {
    /** No anomaly, full traffic: every target that is not being evaluated (not healthy, too few targets). */
    public static final AnomalyDetection NORMAL = new AnomalyDetection(Result.NORMAL, false);

    public AnomalyDetection {
        Objects.requireNonNull(result, "result");
    }

    public enum Result {
        ANOMALOUS, NORMAL;

        /** AWS's spelling: {@code anomalous} or {@code normal}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** AWS's spelling of {@link #mitigationInEffect()}: {@code yes} or {@code no}. */
    public String mitigationInEffectText() {
        return mitigationInEffect ? "yes" : "no";
    }
}
