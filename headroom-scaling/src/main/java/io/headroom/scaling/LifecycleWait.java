package io.headroom.scaling;

import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.LifecycleHookConfig.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** The mutable side of a {@link LifecycleAction}: one member's wait on one hook, guarded by its group's lock. */
final class LifecycleWait {
    /** AWS's cap on a lifecycle action, heartbeats or not (or 100 heartbeat timeouts when that is less). */
    static final Duration MAX_WAIT = Duration.ofHours(48);

    final LifecycleHookConfig hook;
    final String token = UUID.randomUUID().toString();
    Instant startTime;
    Instant globalTimeout;
    Instant heartbeatTimeout;
    /** Null while waiting. */
    Result result;
    /** How it ended, for the activity: "completed", "timed out" or "ended by a reload". */
    String how;

    LifecycleWait(LifecycleHookConfig hook, Instant now) {
        this.hook = hook;
        start(now);
    }

    /** The timeouts count from {@code now}: when the instance enters the wait state. */
    void start(Instant now) {
        startTime = now;
        Duration cap = Duration.ofSeconds(hook.heartbeatTimeout()).multipliedBy(100);
        globalTimeout = now.plus(cap.compareTo(MAX_WAIT) < 0 ? cap : MAX_WAIT);
        heartbeatTimeout = now.plusSeconds(hook.heartbeatTimeout());
    }

    boolean waiting() {
        return result == null;
    }

    void heartbeat(Instant now) {
        Instant next = now.plusSeconds(hook.heartbeatTimeout());
        heartbeatTimeout = next.isAfter(globalTimeout) ? globalTimeout : next;
    }

    /** Applies the hook's default result once a timeout has passed; true if it did. */
    boolean timeOut(Instant now) {
        if (waiting() && !now.isBefore(heartbeatTimeout.isBefore(globalTimeout) ? heartbeatTimeout : globalTimeout)) {
            end(hook.defaultResult(), "timed out");
            return true;
        }
        return false;
    }

    void end(Result r, String why) {
        result = r;
        how = why;
    }

    LifecycleAction snapshot(String group, Member m) {
        return new LifecycleAction(token, group, hook.name(), m.id, hook.lifecycleTransition().toString(),
                hook.notificationMetadata(), startTime, heartbeatTimeout, globalTimeout,
                m.address == null ? null : m.address.host(), m.address == null ? 0 : m.address.port());
    }
}
