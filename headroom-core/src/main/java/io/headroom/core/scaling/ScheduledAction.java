package io.headroom.core.scaling;

import io.headroom.core.config.Cron;
import io.headroom.core.config.ScheduledActionConfig;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import org.quartz.CronExpression;

/**
 * A scheduled action, as in EC2 Auto Scaling: a 5-field cron {@code recurrence} evaluated in its IANA time zone
 * (UTC by default; "0 8 * * MON-FRI" in Europe/Berlin fires at 08:00 local time, 07:00Z in winter and 06:00Z in
 * summer), or, without recurrence, once at {@code startTime}. A recurring action fires only within
 * [startTime, endTime] when those are set.
 *
 * <p>Pure: the controller asks what is {@link #due} between its previous tick and now, so a slow or skipped
 * tick never loses an update and never applies one twice.
 */
public final class ScheduledAction {
    /** Guards {@link #due} against walking a huge range fire by fire (a minute-level cron over years). */
    private static final int MAX_FIRES_WALKED = 100_000;

    private final String name;
    private final CronExpression cron; // null: one-time action at startTime
    private final Instant startTime;
    private final Instant endTime;
    private final Integer minSize;
    private final Integer maxSize;
    private final Integer desiredCapacity;

    private ScheduledAction(ScheduledActionConfig c, CronExpression cron) {
        this.name = c.name();
        this.cron = cron;
        this.startTime = c.startTime();
        this.endTime = c.endTime();
        this.minSize = c.minSize();
        this.maxSize = c.maxSize();
        this.desiredCapacity = c.desiredCapacity();
    }

    /**
     * @throws IllegalArgumentException naming the action and field when the config is invalid
     */
    public static ScheduledAction of(ScheduledActionConfig config) {
        String where = "scheduledActions[" + config.name() + "]";
        if (config.name() == null || config.name().isBlank()) {
            throw new IllegalArgumentException("scheduledActions: an action without name");
        }
        if (config.minSize() == null && config.maxSize() == null && config.desiredCapacity() == null) {
            throw new IllegalArgumentException(where + ": sets none of minSize, maxSize, desiredCapacity"
                    + " (expected: at least one)");
        }
        if (config.startTime() != null && config.endTime() != null && !config.endTime().isAfter(config.startTime())) {
            throw new IllegalArgumentException(where + ".endTime: " + config.endTime() + " (expected: after startTime "
                    + config.startTime() + ")");
        }
        if (config.recurrence() == null || config.recurrence().isBlank()) {
            if (config.startTime() == null) {
                throw new IllegalArgumentException(where + ": neither recurrence nor startTime is set"
                        + " (expected: a cron recurrence, or a startTime for a one-time action)");
            }
            return new ScheduledAction(config, null);
        }
        ZoneId zone;
        try {
            zone = config.timeZone() == null || config.timeZone().isBlank() ? ZoneOffset.UTC : ZoneId.of(config.timeZone());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(where + ".timeZone: " + config.timeZone()
                    + " (expected: an IANA time zone such as Europe/Berlin)", e);
        }
        try {
            return new ScheduledAction(config, Cron.parse(config.recurrence(), zone));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".recurrence: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The update due in (fromExclusive, toInclusive], honouring startTime/endTime; the latest one if several. */
    public Optional<ScheduledUpdate> due(Instant fromExclusive, Instant toInclusive) {
        if (!toInclusive.isAfter(fromExclusive)) {
            return Optional.empty();
        }
        Instant latest = null;
        Instant t = fromExclusive;
        for (int i = 0; i < MAX_FIRES_WALKED; i++) {
            Optional<Instant> next = nextFireAfter(t);
            if (next.isEmpty() || next.get().isAfter(toInclusive)) {
                break;
            }
            latest = next.get();
            t = latest;
        }
        return latest == null ? Optional.empty() : Optional.of(update(latest));
    }

    /** The first time the action fires strictly after {@code t}; empty when it never does again. */
    public Optional<Instant> nextFireAfter(Instant t) {
        if (cron == null) {
            return startTime.isAfter(t) ? Optional.of(startTime) : Optional.empty();
        }
        Instant from = t;
        if (startTime != null && startTime.isAfter(from)) {
            from = startTime.minusMillis(1); // so a fire exactly at startTime counts
        }
        Date next = cron.getNextValidTimeAfter(Date.from(from));
        if (next == null) {
            return Optional.empty();
        }
        Instant fire = next.toInstant();
        if (endTime != null && fire.isAfter(endTime)) {
            return Optional.empty();
        }
        return Optional.of(fire);
    }

    private ScheduledUpdate update(Instant at) {
        return new ScheduledUpdate(name, at, minSize, maxSize, desiredCapacity);
    }

    @Override
    public String toString() {
        return "ScheduledAction " + name + (cron == null ? " at " + startTime : " " + cron.getCronExpression()
                + " " + cron.getTimeZone().getID());
    }
}
