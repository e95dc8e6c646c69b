package io.headroom.core.metrics;

import java.time.Instant;

/**
 * One statistic over one period, as CloudWatch returns it.
 *
 * @param timestamp   the start of the period (epoch-aligned to the period length)
 * @param value       the statistic's value
 * @param sampleCount how many samples the period held
 */
public record Datapoint(Instant timestamp, double value, long sampleCount) {
}
