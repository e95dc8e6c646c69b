package io.headroom.scaling;

import java.util.Map;

/**
 * Told what happens in an auto scaling group, for durable state and notifications. Every method is called
 * while the group's lock is held, on the controller's thread or the thread of an admin call: implementations
 * must only hand the event on (to a queue, say) and return at once, never block or do I/O. An exception
 * thrown here is logged and otherwise ignored.
 */
public interface GroupListener {

    /** An activity started, progressed or ended; called again with a new snapshot at every change. */
    default void activity(Activity activity) {
    }

    /**
     * The group's minSize, maxSize or desiredCapacity changed at run time (a user, a policy, a scheduled
     * action, a reload or a restore); not called while the group is being deleted or Headroom shuts down.
     */
    default void capacityChanged(GroupCapacity capacity) {
    }

    /** The group's suspended processes changed (a user's SuspendProcesses or ResumeProcesses): all of them now. */
    default void processesChanged(String groupName, Map<ScalingProcess, String> suspended) {
    }

    /** An instance began to wait on a lifecycle hook: the lifecycle action to complete. */
    default void lifecycleActionStarted(LifecycleAction action) {
    }

    /** An alarm of one of the group's scaling policies changed state; {@code alarm.history()} ends with the change. */
    default void alarmChanged(String groupName, PolicyAlarm alarm) {
    }
}
