package io.headroom.core.config;

import java.util.List;

/**
 * A listener rule: conditions ANDed together, then an action. Lower priority numbers are evaluated first.
 * {@code transforms} (forward actions only) rewrite the request after the rule matched; empty when there are none.
 */
public record RuleConfig(int priority, ConditionsConfig conditions, ActionConfig action,
                         List<RuleTransformConfig> transforms) {

    public RuleConfig {
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
    }

    /** A rule without transforms. */
    public RuleConfig(int priority, ConditionsConfig conditions, ActionConfig action) {
        this(priority, conditions, action, List.of());
    }
}
