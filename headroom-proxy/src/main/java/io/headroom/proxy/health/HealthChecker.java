package io.headroom.proxy.health;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.TargetAddress;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs active health checks: for each watched target, one probe every {@code intervalSeconds} on one event
 * loop of the given group, never blocking it. Each check is independent and the next one starts an interval
 * after the previous one started, whatever the target's response time (AWS's rule). The first check of a
 * target is jittered within the first second so that many targets registered together are not probed in
 * lock-step. The config is read again before every check, so a reload takes effect at the next one.
 * Thread-safe.
 */
public final class HealthChecker {
    private final EventLoopGroup loops;
    private final Duration second;

    /**
     * @param loops  where probes and their timers run
     * @param second how long one configured second lasts: {@code Duration.ofSeconds(1)} in production; tests
     *               pass a few milliseconds so a 5 s interval takes a fraction of a second
     */
    public HealthChecker(EventLoopGroup loops, Duration second) {
        this.loops = Objects.requireNonNull(loops, "loops");
        this.second = Objects.requireNonNull(second, "second");
        if (second.isNegative() || second.isZero()) {
            throw new IllegalArgumentException("second: " + second + " (expected: > 0)");
        }
    }

    /** Receives the checks of one target, on an event loop; must not block. */
    public interface Listener {
        /** A check was sent (the first one moves a new target to Elb.InitialHealthChecking). */
        void probeStarted();

        void probeCompleted(ProbeResult result);
    }

    /**
     * Starts checking a target until the returned handle is closed. After {@code close()} no further
     * callbacks are made (a probe already on the wire is dropped).
     */
    public AutoCloseable watch(TargetAddress target, Supplier<HealthCheckConfig> config, Listener listener) {
        Watch w = new Watch(loops.next(), target, config, listener);
        long firstNanos = (long) (ThreadLocalRandom.current().nextDouble() * Math.min(
                second.toNanos(), intervalNanos(config.get())));
        w.schedule(firstNanos);
        return w;
    }

    private long intervalNanos(HealthCheckConfig c) {
        return second.toNanos() * Math.max(1, c.intervalSeconds());
    }

    private final class Watch implements AutoCloseable, Runnable {
        private final EventLoop loop;
        private final TargetAddress target;
        private final Supplier<HealthCheckConfig> config;
        private final Listener listener;
        private volatile boolean closed;
        private volatile io.netty.util.concurrent.ScheduledFuture<?> next;

        Watch(EventLoop loop, TargetAddress target, Supplier<HealthCheckConfig> config, Listener listener) {
            this.loop = loop;
            this.target = target;
            this.config = config;
            this.listener = listener;
        }

        void schedule(long delayNanos) {
            if (!closed && !loop.isShuttingDown()) {
                next = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void run() {
            if (closed) {
                return;
            }
            HealthCheckConfig c = config.get();
            schedule(intervalNanos(c));
            listener.probeStarted();
            Duration timeout = second.multipliedBy(Math.max(1, c.timeoutSeconds()));
            HealthProbe.run(loop, target, c, timeout, result -> {
                if (!closed) {
                    listener.probeCompleted(result);
                }
            });
        }

        @Override
        public void close() {
            closed = true;
            io.netty.util.concurrent.ScheduledFuture<?> n = next;
            if (n != null) {
                n.cancel(false);
            }
        }
    }
}
