package io.headroom.core.scaling;

import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;

/** The arithmetic of AWS's scaling adjustment types (pure functions). */
final class Adjustments {
    private Adjustments() {}

    /**
     * The capacity that {@code adjustment} of {@code type} gives from {@code current} (unclamped, never
     * negative). PercentChangeInCapacity rounds as AWS documents: a change above 1 is rounded down (12.7 → 12),
     * one between 0 and 1 becomes 1, one between -1 and 0 becomes -1, one below -1 is rounded up (-6.67 → -6);
     * then, when {@code minAdjustmentMagnitude} is set and the change is smaller in size, the change is that
     * magnitude in the same direction.
     */
    static int apply(AdjustmentType type, int current, int adjustment, Integer minAdjustmentMagnitude) {
        int result = switch (type) {
            case CHANGE_IN_CAPACITY -> current + adjustment;
            case EXACT_CAPACITY -> adjustment;
            case PERCENT_CHANGE_IN_CAPACITY -> current + percentChange(current, adjustment, minAdjustmentMagnitude);
        };
        return Math.max(0, result);
    }

    static int percentChange(int current, int percent, Integer minAdjustmentMagnitude) {
        double raw = current * percent / 100.0;
        int change;
        if (raw == 0) {
            change = 0;
        } else if (raw >= 1) {
            change = (int) Math.floor(raw);
        } else if (raw > 0) {
            change = 1;
        } else if (raw > -1) {
            change = -1;
        } else {
            change = (int) Math.ceil(raw);
        }
        if (minAdjustmentMagnitude != null && change != 0 && Math.abs(change) < minAdjustmentMagnitude) {
            change = Integer.signum(change) * minAdjustmentMagnitude;
        }
        return change;
    }

    /** Whether applying the adjustment moves capacity up from {@code current} (scale-out direction). */
    static boolean isScaleOut(AdjustmentType type, int current, int adjustment) {
        return type == AdjustmentType.EXACT_CAPACITY ? adjustment > current : adjustment > 0;
    }

    /** ceil(x) tolerant of floating-point noise (2 × 75 / 50 must give 3, not 4). */
    static int ceil(double x) {
        return (int) Math.ceil(x - 1e-9);
    }
}
