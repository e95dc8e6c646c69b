package io.headroom.scaling;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.provider.ProcessProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller against real child processes (the real {@link ProcessProvider}), a real HTTP health-checking target
 * registry and an in-memory metric store, for the controller tests. Time is a {@link ManualClock} at {@link #T0}
 * that each tick moves one second, so the controller sees a minute of its time pass in a few real seconds while the
 * processes run in real time. Everything is closed after each test.
 */
abstract class ControllerHarness {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** A cheap instance for tests that need no HTTP: a process that just runs. */
    static final LaunchTemplateConfig SLEEPER = Fixtures.template("sleeper", List.of("sleep", "300"));

    @TempDir
    Path stateDir;

    final ManualClock clock = new ManualClock(T0);
    ProcessProvider provider;
    HttpHealthRegistry registry;
    MetricStore store;
    AutoScalingController controller;

    @BeforeEach
    void startHarness() {
        provider = new ProcessProvider(stateDir, clock);
        registry = new HttpHealthRegistry("web");
        store = MetricStore.inMemory(Duration.ofHours(1));
    }

    @AfterEach
    void closeHarness() throws Exception {
        Fixtures.closeAll(controller, registry, provider);
    }

    AutoScalingGroup start(HeadroomConfig config, String group) {
        return start(config, group, registry);
    }

    /** As above, with another target registry (the test closes it). */
    AutoScalingGroup start(HeadroomConfig config, String group, TargetRegistry targets) {
        controller = new AutoScalingController(config, provider, targets, store, clock);
        return controller.group(group);
    }

    /** Ticks (one second of controller time per poll) until the condition holds; 30 s of real time at most. */
    void tickUntil(Callable<Boolean> condition) {
        Fixtures.tickUntil(controller, clock, condition);
    }

    /** {@code seconds} ticks, one second apart. */
    void tick(int seconds) {
        for (int i = 0; i < seconds; i++) {
            controller.tick(clock.advanceSeconds(1));
        }
    }
}
