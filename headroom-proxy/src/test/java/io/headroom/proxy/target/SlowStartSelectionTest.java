package io.headroom.proxy.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.HttpCodeMatcher;
import io.headroom.core.config.StickinessConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.target.SlowStart;
import io.headroom.core.target.TargetState;
import io.headroom.core.time.ManualClock;
import io.headroom.proxy.health.TestBackend;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slow start in a real target group: real health checks make the targets healthy, an injected clock drives
 * the ramp, and the share of selections a new target gets is measured as the slow start period passes.
 */
class SlowStartSelectionTest {

    private static TargetGroupConfig group(TargetGroupConfig.Algorithm algorithm, int slowStart, int... ports) {
        return groupWithThreshold(algorithm, slowStart, 10, ports);
    }

    /**
     * Checks every 5 configured seconds with a 4 s timeout; {@code unhealthyThreshold} 10 keeps a slow probe on a
     * busy machine from taking a target out in the middle of a measurement.
     */
    private static TargetGroupConfig groupWithThreshold(TargetGroupConfig.Algorithm algorithm, int slowStart,
                                                        int unhealthyThreshold, int... ports) {
        HealthCheckConfig hc = new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/", 0, 5, 4, 2,
                unhealthyThreshold, HttpCodeMatcher.parse("200"));
        return new TargetGroupConfig("web", TargetGroupConfig.Protocol.HTTP, "HTTP1", algorithm, hc, 300, slowStart,
                StickinessConfig.disabled(), false,
                java.util.Arrays.stream(ports).mapToObj(p -> new TargetGroupConfig.TargetConfig("127.0.0.1", p)).toList());
    }

    /** The share of {@code n} selections that went to {@code t}. */
    private static double share(TargetGroup g, Target t, int n) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (g.select(null) == t) {
                hits++;
            }
        }
        return (double) hits / n;
    }

    @Test
    void aNewTargetsRoundRobinShareRisesLinearlyOverTheSlowStartPeriod() throws Exception {
        measure(TargetGroupConfig.Algorithm.ROUND_ROBIN, 0.005);
    }

    @Test
    void weightedRandomHonoursSlowStartToo() throws Exception {
        measure(TargetGroupConfig.Algorithm.WEIGHTED_RANDOM, 0.02);
    }

    private static void measure(TargetGroupConfig.Algorithm algorithm, double tolerance) throws Exception {
        ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // One configured second lasts 20 ms for health checks (and the weight refresh timer).
        TargetGroups groups = new TargetGroups(clock, loops, null, Duration.ofMillis(20), new Random(7));
        try (TestBackend old = new TestBackend(); TestBackend fresh = new TestBackend()) {
            groups.apply(List.of(group(algorithm, 100, old.port())));
            TargetGroup g = groups.get("web");
            await().atMost(Duration.ofSeconds(10)).until(() -> g.target(old.address()).state() == TargetState.HEALTHY);
            Target a = g.target(old.address());
            assertThat(a.weight()).as("the first healthy target does not slow start").isEqualTo(1.0);

            groups.register("web", fresh.address());
            Target b = g.target(fresh.address());
            await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == TargetState.HEALTHY);

            // Healthy at t0: near-zero share (weight MIN against 1).
            double min = SlowStart.MIN_WEIGHT;
            assertThat(b.weight()).isEqualTo(min);
            assertThat(share(g, b, 20_000)).isCloseTo(min / (1 + min), within(tolerance));

            clock.advanceSeconds(25);
            g.refreshSlowStart();
            assertThat(share(g, b, 20_000)).isCloseTo(0.25 / 1.25, within(tolerance));

            // The refresh timer picks the clock up on its own too.
            clock.advanceSeconds(25);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.weight() == 0.5);
            assertThat(share(g, b, 20_000)).isCloseTo(0.5 / 1.5, within(tolerance));

            clock.advanceSeconds(50);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.weight() == 1.0);
            assertThat(share(g, b, 20_000)).isCloseTo(0.5, within(tolerance));
            assertThat(a.weight()).isEqualTo(1.0);
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void targetsRegisteredTogetherIntoAGroupWithNoHealthyTargetDoNotSlowStart() throws Exception {
        ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TargetGroups groups = new TargetGroups(clock, loops, null, Duration.ofMillis(20), null);
        try (TestBackend one = new TestBackend(); TestBackend two = new TestBackend()) {
            groups.apply(List.of(group(TargetGroupConfig.Algorithm.ROUND_ROBIN, 60, one.port(), two.port())));
            TargetGroup g = groups.get("web");
            await().atMost(Duration.ofSeconds(10)).until(() -> g.healthyCount() == 2);
            assertThat(g.target(one.address()).weight()).isEqualTo(1.0);
            assertThat(g.target(two.address()).weight()).isEqualTo(1.0);
            assertThat(share(g, g.target(two.address()), 1000)).isEqualTo(0.5);
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aTargetThatTurnsUnhealthyLeavesSlowStart() throws Exception {
        ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TargetGroups groups = new TargetGroups(clock, loops, null, Duration.ofMillis(20), null);
        try (TestBackend old = new TestBackend(); TestBackend fresh = new TestBackend()) {
            groups.apply(List.of(groupWithThreshold(TargetGroupConfig.Algorithm.ROUND_ROBIN, 60, 2, old.port())));
            TargetGroup g = groups.get("web");
            await().atMost(Duration.ofSeconds(10)).until(() -> g.target(old.address()).state() == TargetState.HEALTHY);
            groups.register("web", fresh.address());
            Target b = g.target(fresh.address());
            await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == TargetState.HEALTHY);
            assertThat(b.weight()).isLessThan(1.0);
            fresh.status(500);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == TargetState.UNHEALTHY);
            assertThat(b.weight()).isEqualTo(1.0);
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
