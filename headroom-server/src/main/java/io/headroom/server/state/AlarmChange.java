package io.headroom.server.state;

import io.headroom.core.alarm.AlarmState;
import java.time.Instant;

/** One saved state change of a scaling policy's alarm. */
public record AlarmChange(
        String groupName,
        String policyName,
        String alarmName,
        Instant at,
        AlarmState from,
        AlarmState to,
        String reason) {}
