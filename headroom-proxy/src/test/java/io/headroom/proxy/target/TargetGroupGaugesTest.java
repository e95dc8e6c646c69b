package io.headroom.proxy.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.HttpCodeMatcher;
import io.headroom.core.config.StickinessConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetState;
import io.headroom.core.time.ManualClock;
import io.headroom.proxy.health.TestBackend;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TargetGroupGaugesTest {

    @Test
    void healthAndRequestCountPerTargetArePublishedPerGroup() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        MetricStore store = MetricStore.inMemory(Duration.ofMinutes(5));
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TargetGroups groups = new TargetGroups(ManualClock.at("2026-01-01T00:00:00Z"), loops,
                new TargetGroupGauges(registry), Duration.ofMillis(30), null);
        try (TestBackend up = new TestBackend(); TestBackend down = new TestBackend()) {
            down.status(500);
            HealthCheckConfig hc = new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/", 0, 5, 30, 3, 2,
                    HttpCodeMatcher.parse("200"));
            groups.apply(List.of(new TargetGroupConfig("web", TargetGroupConfig.Protocol.HTTP, "HTTP1",
                    TargetGroupConfig.Algorithm.ROUND_ROBIN, hc, 300, 0, StickinessConfig.disabled(), false,
                    List.of(new TargetGroupConfig.TargetConfig("127.0.0.1", up.port()),
                            new TargetGroupConfig.TargetConfig("127.0.0.1", down.port())))));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    groups.health("web", down.address()).orElseThrow().state() == TargetState.UNHEALTHY
                            && groups.health("web", up.address()).orElseThrow().state() == TargetState.HEALTHY);

            Dimensions d = Dimensions.of("TargetGroup", "web");
            // What the data plane does per request forwarded to the group.
            registry.counter(MetricKey.of("RequestCount", d)).add(12);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            registry.publish(store, t0.getEpochSecond());
            registry.counter(MetricKey.of("RequestCount", d)).add(3);
            registry.publish(store, t0.getEpochSecond() + 1);

            Instant end = t0.plusSeconds(2);
            assertThat(store.aggregate(MetricKey.of("HealthyHostCount", d), t0, end, Statistic.MAXIMUM)).hasValue(1);
            assertThat(store.aggregate(MetricKey.of("UnHealthyHostCount", d), t0, end, Statistic.MAXIMUM)).hasValue(1);
            // Two targets, one healthy: too few to compare, nothing anomalous.
            assertThat(store.aggregate(MetricKey.of("AnomalousHostCount", d), t0, end, Statistic.MAXIMUM)).hasValue(0);
            assertThat(store.aggregate(MetricKey.of("MitigatedHostCount", d), t0, end, Statistic.MAXIMUM)).hasValue(0);
            // One healthy target: 12 then 3 requests per target.
            assertThat(store.aggregate(MetricKey.of("RequestCountPerTarget", d), t0, t0.plusSeconds(1), Statistic.SUM))
                    .hasValue(12);
            assertThat(store.aggregate(MetricKey.of("RequestCountPerTarget", d), t0, end, Statistic.SUM)).hasValue(15);

            groups.apply(List.of());
            assertThat(registry.keys()).doesNotContain(MetricKey.of("HealthyHostCount", d),
                    MetricKey.of("RequestCountPerTarget", d), MetricKey.of("AnomalousHostCount", d),
                    MetricKey.of("MitigatedHostCount", d));
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
