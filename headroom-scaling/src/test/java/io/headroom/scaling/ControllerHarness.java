package io.headroom.scaling;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.provider.ProcessProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /**
     * Starts group {@code web} of {@link TestBackend} instances behind target group {@code web} (ELB health checks, a
     * 30 s grace period) and ticks until {@code desired} are InService.
     */
    AutoScalingGroup startWeb(int min, int max, int desired) throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = start(Fixtures.config(List.of(backend), Fixtures.Group.of("web", "backend", min, max, desired)
                .elb("web", 30)), "web");
        tickUntil(() -> inServiceInstances(g).size() == desired);
        return g;
    }

    static List<Instance> inServiceInstances(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).toList();
    }

    static Instance instanceIn(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    /** The targets of target group {@code web}. */
    List<TargetAddress> webTargets() {
        return registry.describe("web").stream().map(TargetHealth::target).toList();
    }

    static TargetAddress address(Instance i) {
        return new TargetAddress(i.host(), i.port());
    }

    /** The status of a GET of {@code path} straight to the instance at {@code a}. */
    static int status(TargetAddress a, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + a.host() + ":" + a.port()
                + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code seconds} ticks, one second apart. */
    void tick(int seconds) {
        for (int i = 0; i < seconds; i++) {
            controller.tick(clock.advanceSeconds(1));
        }
    }
}
