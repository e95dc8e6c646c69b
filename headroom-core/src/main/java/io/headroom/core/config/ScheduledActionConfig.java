package io.headroom.core.config;

import java.time.Instant;

/**
 * A scheduled action: a 5-field cron {@code recurrence} in the IANA {@code timeZone} (UTC by default), or a
 * one-time action at {@code startTime} when recurrence is null. Null sizes are left unchanged.
 */
public record ScheduledActionConfig(
        String name,
        String recurrence,
        String timeZone,
        Instant startTime,
        Instant endTime,
        Integer minSize,
        Integer maxSize,
        Integer desiredCapacity) {}
