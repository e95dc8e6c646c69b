package io.headroom.proxy.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.HttpCodeMatcher;
import io.headroom.core.config.StickinessConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.config.TargetGroupConfig.Algorithm;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetState;
import io.headroom.core.time.ManualClock;
import io.headroom.proxy.health.TestBackend;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TargetGroupsTest {
    /** One configured second lasts 30 ms: a 5 s health check interval is 150 ms. */
    private static final Duration SECOND = Duration.ofMillis(30);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<TargetGroup> added = new CopyOnWriteArrayList<>();
    private final List<TargetGroup> removed = new CopyOnWriteArrayList<>();
    private final TargetGroups groups = new TargetGroups(clock, loops, new TargetGroupListener() {
        @Override
        public void groupAdded(TargetGroup g) {
            added.add(g);
        }

        @Override
        public void groupRemoved(TargetGroup g) {
            removed.add(g);
        }
    }, SECOND, new Random(42));
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        groups.close();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TestBackend backend() throws IOException {
        TestBackend b = new TestBackend();
        cleanup.add(b);
        return b;
    }

    /** Interval 5 s (150 ms), timeout 30 s (900 ms, so a busy machine never times out), healthy 3, unhealthy 2. */
    private static TargetGroupConfig config(String name, Algorithm algorithm, int deregistrationDelaySeconds,
                                            TargetAddress... statics) {
        HealthCheckConfig hc = new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/health", 0, 5, 30, 3, 2,
                HttpCodeMatcher.parse("200"));
        List<TargetGroupConfig.TargetConfig> targets = new ArrayList<>();
        for (TargetAddress a : statics) {
            targets.add(new TargetGroupConfig.TargetConfig(a.host(), a.port()));
        }
        return new TargetGroupConfig(name, TargetGroupConfig.Protocol.HTTP, "HTTP1", algorithm, hc,
                deregistrationDelaySeconds, 0, StickinessConfig.disabled(), false, targets);
    }

    private TargetHealth health(String group, TargetAddress a) {
        return groups.health(group, a).orElseThrow();
    }

    private void awaitState(String group, TargetAddress a, TargetState s) {
        // Polls often so that check counts observed right after a transition are exact.
        await().pollInterval(Duration.ofMillis(5)).atMost(WAIT)
                .until(() -> groups.health(group, a).map(TargetHealth::state).orElse(null) == s);
    }

    private Map<TargetAddress, Integer> distribution(TargetGroup g, int n) {
        Map<TargetAddress, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Target t = g.select(null);
            counts.merge(t.address(), 1, Integer::sum);
        }
        return counts;
    }

    /** A group "web" with n healthy backends registered at run time. */
    private TargetGroup healthyGroup(Algorithm algorithm, int deregistrationDelaySeconds, TestBackend... backends) {
        groups.apply(List.of(config("web", algorithm, deregistrationDelaySeconds)));
        for (TestBackend b : backends) {
            groups.register("web", b.address());
        }
        await().atMost(WAIT).until(() -> groups.get("web").healthyCount() == backends.length);
        return groups.get("web");
    }

    @Test
    void roundRobinAlternatesExactlyOverHealthyTargets() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        TargetAddress prev = null;
        for (int i = 0; i < 100; i++) {
            TargetAddress now = g.select(null).address();
            assertThat(now).isNotEqualTo(prev);
            prev = now;
        }
        assertThat(distribution(g, 100)).containsEntry(a.address(), 50).containsEntry(b.address(), 50);
    }

    @Test
    void excludeRetriesOnAnotherTarget() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.WEIGHTED_RANDOM, 300, a, b);
        Target ta = g.target(a.address());
        for (int i = 0; i < 50; i++) {
            assertThat(g.select(ta).address()).isEqualTo(b.address());
        }
    }

    @Test
    void leastOutstandingRequestsPrefersTheTargetWithFewerInFlight() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.LEAST_OUTSTANDING_REQUESTS, 300, a, b);
        Target slow = g.target(a.address());
        slow.requestStarted();
        slow.requestStarted();
        for (int i = 0; i < 20; i++) {
            assertThat(g.select(null).address()).isEqualTo(b.address());
        }
        // Requests that stay in flight even the load out.
        Target picked = g.select(null);
        picked.requestStarted();
        picked = g.select(null);
        picked.requestStarted();
        assertThat(slow.outstanding()).isEqualTo(2);
        assertThat(g.target(b.address()).outstanding()).isEqualTo(2);
        assertThat(distribution(g, 100).values()).containsOnly(50);
    }

    @Test
    void weightedRandomSplitsByWeight() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.WEIGHTED_RANDOM, 300, a, b);
        int n = 20_000;
        assertThat(distribution(g, n).get(a.address()) / (double) n).isCloseTo(0.5, within(0.02));
        g.target(b.address()).weight(3); // e.g. slow start raising a target's share
        assertThat(distribution(g, n).get(a.address()) / (double) n).isCloseTo(0.25, within(0.02));
    }

    @Test
    void aFailingTargetBecomesUnhealthyAfterTheThresholdAndRecovers() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        int failedBefore = b.failedHits();
        b.status(500);
        awaitState("web", b.address(), TargetState.UNHEALTHY);
        // unhealthyThreshold = 2 consecutive failures (a third check may already be on the wire)
        assertThat(b.failedHits() - failedBefore).isBetween(2, 3);
        TargetHealth h = health("web", b.address());
        assertThat(h.reason()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(h.description()).isEqualTo("Health checks failed with these codes: [500]");
        assertThat(g.healthyCount()).isEqualTo(1);
        assertThat(g.unhealthyCount()).isEqualTo(1);
        assertThat(distribution(g, 20)).containsOnlyKeys(a.address());

        int hitsBefore = b.hits();
        b.status(200);
        awaitState("web", b.address(), TargetState.HEALTHY);
        // healthyThreshold = 3 consecutive passes
        assertThat(b.hits() - hitsBefore).isBetween(3, 5);
        assertThat(health("web", b.address()).reason()).isNull();
        assertThat(distribution(g, 20)).containsOnlyKeys(a.address(), b.address());
    }

    @Test
    void timeoutAndRefusedConnectionsHaveTheirReasons() throws Exception {
        HealthCheckConfig shortTimeout = new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/", 0, 5, 4, 3, 2,
                HttpCodeMatcher.parse("200"));
        TargetGroupConfig c = config("web", Algorithm.ROUND_ROBIN, 300);
        groups.apply(List.of(new TargetGroupConfig("web", c.protocol(), c.protocolVersion(), c.algorithm(),
                shortTimeout, 300, 0, c.stickiness(), false, List.of())));
        try (ServerSocket silent = TestBackend.silent()) {
            TargetAddress hung = new TargetAddress("127.0.0.1", silent.getLocalPort());
            TargetAddress refused = new TargetAddress("127.0.0.1", TestBackend.refusedPort());
            groups.register("web", hung);
            groups.register("web", refused);
            assertThat(health("web", hung).state()).isEqualTo(TargetState.INITIAL);
            awaitState("web", hung, TargetState.UNHEALTHY);
            awaitState("web", refused, TargetState.UNHEALTHY);
            assertThat(health("web", hung).reason()).isEqualTo("Target.Timeout");
            assertThat(health("web", hung).description()).isEqualTo("Request timed out");
            assertThat(health("web", refused).reason()).isEqualTo("Target.FailedHealthChecks");
        }
    }

    @Test
    void tcpHealthChecks() throws Exception {
        HealthCheckConfig tcp = new HealthCheckConfig(HealthCheckConfig.Protocol.TCP, null, 0, 5, 30, 3, 2,
                HttpCodeMatcher.parse("200"));
        TargetGroupConfig c = config("nlb", Algorithm.ROUND_ROBIN, 300);
        groups.apply(List.of(new TargetGroupConfig("nlb", TargetGroupConfig.Protocol.TCP, null, c.algorithm(),
                tcp, 300, 0, c.stickiness(), false, List.of())));
        try (ServerSocket listening = TestBackend.silent()) {
            TargetAddress up = new TargetAddress("127.0.0.1", listening.getLocalPort());
            TargetAddress down = new TargetAddress("127.0.0.1", TestBackend.refusedPort());
            groups.register("nlb", up);
            groups.register("nlb", down);
            awaitState("nlb", up, TargetState.HEALTHY);
            awaitState("nlb", down, TargetState.UNHEALTHY);
            assertThat(health("nlb", down).reason()).isEqualTo("Target.FailedHealthChecks");
        }
    }

    @Test
    void whenAllTargetsAreUnhealthyTheGroupFailsOpen() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        a.status(503);
        b.status(503);
        awaitState("web", a.address(), TargetState.UNHEALTHY);
        awaitState("web", b.address(), TargetState.UNHEALTHY);
        assertThat(g.healthyCount()).isZero();
        assertThat(distribution(g, 10)).containsEntry(a.address(), 5).containsEntry(b.address(), 5);
        assertThat(g.requestCountPerTarget(10)).isEqualTo(5.0);
    }

    @Test
    void aNewTargetGetsNoTrafficUntilItIsHealthy() throws Exception {
        TestBackend a = backend();
        TestBackend fresh = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a);
        fresh.status(500); // not ready yet
        groups.register("web", fresh.address());
        assertThat(health("web", fresh.address()).state()).isEqualTo(TargetState.INITIAL);
        assertThat(health("web", fresh.address()).reason()).isIn("Elb.RegistrationInProgress", "Elb.InitialHealthChecking");
        await().atMost(WAIT).until(() -> fresh.hits() >= 1);
        assertThat(distribution(g, 50)).containsOnlyKeys(a.address());
        assertThat(g.registeredCount()).isEqualTo(2);

        fresh.status(200);
        awaitState("web", fresh.address(), TargetState.HEALTHY);
        assertThat(distribution(g, 50)).containsOnlyKeys(a.address(), fresh.address());
    }

    @Test
    void aNewTargetBecomesHealthyAfterOnePassingCheck() throws Exception {
        TestBackend a = backend();
        groups.apply(List.of(config("web", Algorithm.ROUND_ROBIN, 300)));
        groups.register("web", a.address());
        await().atMost(WAIT).until(() -> a.hits() >= 1);
        awaitState("web", a.address(), TargetState.HEALTHY);
        // Healthy threshold is 3, yet one check sufficed (AWS: a new target must pass one health check).
        assertThat(a.hits()).isLessThan(3);
    }

    @Test
    void drainingGetsNoNewRequestsAndCompletesWhenTheLastRequestFinishes() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        Target ta = g.target(a.address());
        ta.requestStarted();
        ta.requestStarted();
        CompletableFuture<Void> done = groups.deregister("web", a.address());
        assertThat(done).isNotDone();
        assertThat(ta.state()).isEqualTo(TargetState.DRAINING);
        assertThat(health("web", a.address()).reason()).isEqualTo("Target.DeregistrationInProgress");
        assertThat(distribution(g, 20)).containsOnlyKeys(b.address());
        assertThat(g.registeredCount()).isEqualTo(1);
        assertThat(groups.deregister("web", a.address())).isSameAs(done);
        ta.requestFinished();
        assertThat(done).isNotDone();
        ta.requestFinished();
        assertThat(done).isCompleted();
        assertThat(groups.health("web", a.address())).isEmpty();
        assertThat(ta.state()).isEqualTo(TargetState.UNUSED);
    }

    @Test
    void drainingCompletesAtTheDeregistrationDelay() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 10, a, b); // 10 s = 300 ms here
        g.target(a.address()).requestStarted(); // never finishes
        long start = System.nanoTime();
        CompletableFuture<Void> done = groups.deregister("web", a.address());
        assertThat(done).isNotDone();
        await().atMost(WAIT).until(done::isDone);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(groups.describe("web")).extracting(TargetHealth::target).containsExactly(b.address());
    }

    @Test
    void deregisteringAnIdleOrUnknownTargetCompletesAtOnce() throws Exception {
        TestBackend a = backend();
        healthyGroup(Algorithm.ROUND_ROBIN, 300, a);
        assertThat(groups.deregister("web", a.address())).isCompleted();
        assertThat(groups.describe("web")).isEmpty();
        assertThat(groups.get("web").select(null)).isNull();
        assertThat(groups.deregister("web", new TargetAddress("127.0.0.1", 1))).isCompleted();
        assertThat(groups.deregister("nope", new TargetAddress("127.0.0.1", 1))).isCompleted();
    }

    @Test
    void registeringADrainingTargetAgainMakesItInitial() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        g.target(a.address()).requestStarted();
        CompletableFuture<Void> done = groups.deregister("web", a.address());
        groups.register("web", a.address());
        assertThat(done).isCompleted(); // the deregistration was superseded
        assertThat(health("web", a.address()).state()).isIn(TargetState.INITIAL, TargetState.HEALTHY);
        awaitState("web", a.address(), TargetState.HEALTHY);
        assertThat(distribution(g, 10)).containsOnlyKeys(a.address(), b.address());
    }

    @Test
    void registeringInAnUnknownGroupIsAnError() {
        groups.apply(List.of(config("web", Algorithm.ROUND_ROBIN, 300)));
        assertThatThrownBy(() -> groups.register("api", new TargetAddress("127.0.0.1", 80)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target group 'api' does not exist (known: [web])");
        assertThat(groups.describe("api")).isEmpty();
        assertThat(groups.get("api")).isNull();
    }

    @Test
    void anEmptyGroupSelectsNothing() {
        groups.apply(List.of(config("web", Algorithm.LEAST_OUTSTANDING_REQUESTS, 300)));
        assertThat(groups.get("web").select(null)).isNull();
        assertThat(groups.get("web").registeredCount()).isZero();
    }

    @Test
    void applyKeepsRuntimeTargetsAndTheirHealthAcrossAReload() throws Exception {
        TestBackend staticOne = backend();
        TestBackend runtime = backend();
        TestBackend newStatic = backend();
        groups.apply(List.of(config("web", Algorithm.ROUND_ROBIN, 300, staticOne.address()),
                config("old", Algorithm.ROUND_ROBIN, 300)));
        assertThat(added).extracting(TargetGroup::name).containsExactlyInAnyOrder("web", "old");
        TargetGroup web = groups.get("web");
        groups.register("web", runtime.address());
        awaitState("web", staticOne.address(), TargetState.HEALTHY);
        awaitState("web", runtime.address(), TargetState.HEALTHY);
        Target runtimeTarget = web.target(runtime.address());

        groups.apply(List.of(config("web", Algorithm.LEAST_OUTSTANDING_REQUESTS, 300, newStatic.address())));

        assertThat(groups.get("web")).isSameAs(web);
        assertThat(web.config().algorithm()).isEqualTo(Algorithm.LEAST_OUTSTANDING_REQUESTS);
        assertThat(web.target(runtime.address())).isSameAs(runtimeTarget);
        assertThat(health("web", runtime.address()).state()).isEqualTo(TargetState.HEALTHY);
        assertThat(groups.health("web", staticOne.address())).isEmpty(); // removed from config, nothing in flight
        assertThat(health("web", newStatic.address()).state()).isIn(TargetState.INITIAL, TargetState.HEALTHY);
        assertThat(groups.get("old")).isNull();
        assertThat(removed).extracting(TargetGroup::name).containsExactly("old");

        // LOR now: the runtime target holds a request, so the new one gets the next (once healthy).
        awaitState("web", newStatic.address(), TargetState.HEALTHY);
        runtimeTarget.requestStarted();
        assertThat(web.select(null).address()).isEqualTo(newStatic.address());
    }

    @Test
    void aStaticTargetAlsoRegisteredAtRunTimeStaysWhenItLeavesTheConfig() throws Exception {
        TestBackend a = backend();
        groups.apply(List.of(config("web", Algorithm.ROUND_ROBIN, 300, a.address())));
        groups.register("web", a.address());
        groups.apply(List.of(config("web", Algorithm.ROUND_ROBIN, 300)));
        assertThat(groups.health("web", a.address())).isPresent();
    }

    @Test
    void requestCountsAreTakenPerPeriod() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.ROUND_ROBIN, 300, a, b);
        for (int i = 0; i < 7; i++) {
            g.countRequest();
        }
        long n = g.takeRequestCount();
        assertThat(n).isEqualTo(7);
        assertThat(g.requestCountPerTarget(n)).isEqualTo(3.5);
        assertThat(g.takeRequestCount()).isZero();
    }

    @Test
    void closeStopsHealthChecks() throws Exception {
        TestBackend a = backend();
        healthyGroup(Algorithm.ROUND_ROBIN, 300, a);
        groups.close();
        assertThat(removed).extracting(TargetGroup::name).containsExactly("web");
        int hits = a.hits();
        await().pollDelay(Duration.ofMillis(450)).atMost(WAIT)
                .untilAsserted(() -> assertThat(a.hits()).isLessThanOrEqualTo(hits + 1));
    }

    @Test
    void concurrentRequestsDuringDeregistrationDrainCleanly() throws Exception {
        TestBackend a = backend();
        TestBackend b = backend();
        TargetGroup g = healthyGroup(Algorithm.LEAST_OUTSTANDING_REQUESTS, 300, a, b);
        Target ta = g.target(a.address());
        Target tb = g.target(b.address());
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean deregistered = new AtomicBoolean();
        AtomicInteger drainingPicksAfter = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                work.add(pool.submit(() -> {
                    go.await();
                    for (int k = 0; k < 20_000; k++) {
                        boolean after = deregistered.get();
                        Target t = g.select(null);
                        if (after && t == ta) {
                            drainingPicksAfter.incrementAndGet();
                        }
                        t.requestStarted();
                        t.requestFinished();
                    }
                    return null;
                }));
            }
            go.countDown();
            CompletableFuture<Void> done = groups.deregister("web", a.address());
            deregistered.set(true);
            for (Future<?> f : work) {
                f.get(20, TimeUnit.SECONDS);
            }
            await().atMost(WAIT).until(done::isDone);
            assertThat(drainingPicksAfter.get()).isZero();
            assertThat(ta.outstanding()).isZero();
            assertThat(tb.outstanding()).isZero();
            assertThat(groups.describe("web")).extracting(TargetHealth::target).containsExactly(b.address());
        } finally {
            pool.shutdownNow();
        }
    }
}
