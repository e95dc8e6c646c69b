package io.headroom.core.config;

/** A listener rule: conditions ANDed together, then an action. Lower priority numbers are evaluated first. */
public record RuleConfig(int priority, ConditionsConfig conditions, ActionConfig action) {}
