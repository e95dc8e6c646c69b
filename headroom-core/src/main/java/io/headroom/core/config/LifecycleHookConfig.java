package io.headroom.core.config;

/**
 * A lifecycle hook of an auto scaling group (AWS's PutLifecycleHook): instances making the hook's transition wait
 * in {@code Pending:Wait} or {@code Terminating:Wait} until someone completes the lifecycle action, or until
 * {@code heartbeatTimeout} seconds pass without a heartbeat and {@code defaultResult} applies.
 *
 * @param notificationMetadata sent with the hook's notifications; null when not set
 */
public record LifecycleHookConfig(
        String name,
        Transition lifecycleTransition,
        int heartbeatTimeout,
        Result defaultResult,
        String notificationMetadata) {

    /** The transitions a hook can pause, with AWS's names. */
    public enum Transition {
        LAUNCHING("autoscaling:EC2_INSTANCE_LAUNCHING"),
        TERMINATING("autoscaling:EC2_INSTANCE_TERMINATING");

        private final String awsName;

        Transition(String awsName) {
            this.awsName = awsName;
        }

        @Override
        public String toString() {
            return awsName;
        }
    }

    /** What the wait ends with: go on (launch: into service; terminate: terminate) or abandon (launch: terminate it). */
    public enum Result { CONTINUE, ABANDON }
}
