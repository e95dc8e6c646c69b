package io.headroom.proxy.health;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.TargetAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link HealthChecker} for tests on an event loop of its own, where one configured second lasts 30 ms (a 5 s
 * interval is 150 ms). Closing it ends every watch, then the event loop.
 */
final class TestChecker implements AutoCloseable {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final HealthChecker checker = new HealthChecker(loops, Duration.ofMillis(30));
    private final List<AutoCloseable> watches = new CopyOnWriteArrayList<>();

    /** Checks {@code target} until this is closed. */
    void watch(TargetAddress target, Supplier<HealthCheckConfig> config, HealthChecker.Listener listener) {
        watches.add(checker.watch(target, config, listener));
    }

    @Override
    public void close() throws Exception {
        try {
            for (AutoCloseable w : watches) {
                w.close();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
