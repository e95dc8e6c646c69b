package io.headroom.core.scaling;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting for cause texts. */
final class Format {
    private Format() {}

    /** At most two decimals, no trailing zeros: 50, 62.5, 33.33. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
