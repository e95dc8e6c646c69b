package io.headroom.scaling;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.alarm.AlarmTransition;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one alarm of a scaling policy, taken under its group's lock (the live alarms belong to the
 * controller thread), for the admin API and the dashboard.
 *
 * @param condition like {@code SimpleScaling-web-burst: CPUUtilization{AutoScalingGroupName=web} Average > 80.0 for 3 of 3 x 10 s}
 * @param history   state changes, oldest first
 */
public record PolicyAlarm(
        String policyName,
        String alarmName,
        String condition,
        AlarmState state,
        String stateReason,
        Instant stateSince,
        List<AlarmTransition> history) {

    public PolicyAlarm {
        history = List.copyOf(history);
    }
}
