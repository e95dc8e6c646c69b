package io.headroom.proxy.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One deadline on an event loop (a connection's idle timeout, a request's header or response timeout, a TCP flow's
 * idle timeout), checked by
 * a single timer that is re-armed only when it fires. Setting or clearing the deadline, once or twice per request,
 * is a field write: no schedule and cancel per request, no task-queue churn. The timer is armed anew only when a
 * deadline is set earlier than the pending check.
 *
 * <p>Event loop only; times are the executor's {@link EventExecutor#ticker() ticker}, so tests can drive them.
 */
public final class LazyDeadline implements Runnable {
    private final EventExecutor executor;
    private final Runnable onExpiry;
    /** When to expire (ticker nanos), or 0 for none. */
    private long deadline;
    private long armedFor;
    private ScheduledFuture<?> timer;
    private boolean closed;

    /** @param onExpiry runs on the event loop when the deadline has passed (the deadline is cleared first) */
    public LazyDeadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** The executor's current time, the base for {@link #in}. */
    long now() {
        return executor.ticker().nanoTime();
    }

    /** Expire {@code nanos} from now (replacing any deadline set before). */
    public void in(long nanos) {
        long now = now();
        set(now + nanos, now);
    }

    /**
     * Expire {@code nanos} from now or at {@code latest} ({@link #now()} base), whichever is sooner (replacing any
     * deadline set before): one timer for two deadlines, such as a connection's idle timeout and its lifetime.
     */
    void inAtMost(long nanos, long latest) {
        long now = now();
        long at = now + nanos;
        set(at - latest > 0 ? latest : at, now);
    }

    private void set(long at, long now) {
        deadline = at == 0 ? 1 : at;
        if (closed) {
            return;
        }
        if (timer == null || armedFor - deadline > 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            arm(at - now);
        }
    }

    /** Whether a deadline is set. */
    public boolean isSet() {
        return deadline != 0;
    }

    /** No deadline any more; the pending check, if any, stays armed and finds nothing to do. */
    public void clear() {
        deadline = 0;
    }

    /** Cancels the timer for good (the connection is gone). */
    public void close() {
        closed = true;
        deadline = 0;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void run() {
        timer = null;
        if (deadline == 0 || closed) {
            return;
        }
        long left = deadline - now();
        if (left > 0) {
            arm(left);
            return;
        }
        deadline = 0;
        onExpiry.run();
    }

    private void arm(long nanos) {
        armedFor = now() + nanos;
        timer = executor.schedule(this, nanos, TimeUnit.NANOSECONDS);
    }
}
