package io.headroom.scaling.provider;

/** What a provider sees of an instance. The ASG controller maps these onto its own lifecycle states. */
public enum ProviderState {
    /** Started and not yet exited (it may be shutting down after a terminate request). */
    RUNNING,
    /** The instance's main process exited and every process of the instance is gone. */
    EXITED
}
