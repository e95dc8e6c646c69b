package io.headroom.core.target;

/**
 * The health of one registered target, as AWS's DescribeTargetHealth reports it: a state, a reason code
 * ({@code Elb.RegistrationInProgress}, {@code Target.Timeout}, {@code Target.ResponseCodeMismatch},
 * {@code Target.FailedHealthChecks}, {@code Target.DeregistrationInProgress}, {@code Target.NotRegistered}, ...;
 * null when healthy) and a description in words.
 */
public record TargetHealth(TargetAddress target, TargetState state, String reason, String description) {}
