package io.headroom.core.scaling;

import io.headroom.core.alarm.Alarm;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Wording and number formatting for cause texts, so every policy words its causes as AWS does. */
final class Format {
    private Format() {}

    /** At most two decimals, no trailing zeros: 50, 62.5, 33.33. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** AWS's activity cause for a policy a user executed (ExecutePolicy): "a user request executed policy Y". */
    static String executed(String policy) {
        return "a user request executed policy " + policy;
    }

    /** AWS's activity cause for an alarm that triggered a policy: "a monitor alarm X in state ALARM triggered policy Y". */
    static String triggered(Alarm alarm, String policy) {
        return "a monitor alarm " + alarm.name() + " in state " + alarm.state() + " triggered policy " + policy;
    }
}
