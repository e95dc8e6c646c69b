package io.headroom.core.alarm;

import java.time.Instant;

/** One state change of an alarm, with CloudWatch's reason text. */
public record AlarmTransition(Instant at, AlarmState from, AlarmState to, String reason) {}
