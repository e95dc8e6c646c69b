package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.proxy.target.TargetGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the API says of a target group: its health check matcher (AWS's Matcher has HttpCode or GrpcCode), and its
 * routing failover thresholds and whether failover is in effect.
 */
class TargetGroupViewTest {
    @Test
    @SuppressWarnings("unchecked")
    void theRoutingFailoverThresholdsAndWhetherFailoverIsInEffectAreShown() throws Exception {
        List<TargetGroupConfig> configs = ConfigLoader.parse("""
                targetGroups:
                  - name: web
                    targetGroupHealth:
                      unhealthyStateRouting: { minimumHealthyTargetsCount: 3, minimumHealthyTargetsPercentage: 50 }
                    targets: [{ host: 127.0.0.1, port: 9 }]
                  - name: plain
                """, "t.yaml", Map.of()).targetGroups();
        Map<String, Object> plain = (Map<String, Object>) Views.targetGroup(configs.get(1), null).get("targetGroupHealth");
        assertThat(plain).isEqualTo(Map.of("unhealthyStateRouting", Map.of("minimumHealthyTargetsCount", 1,
                "minimumHealthyTargetsPercentage", "off", "failOpen", false)));

        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // Health checks effectively off (a configured second lasts an hour): the target stays initial, so no target
        // is healthy and the group is in routing failover.
        TargetGroups groups = new TargetGroups(Clock.systemUTC(), loops, null, Duration.ofHours(1), null);
        try {
            groups.apply(configs);
            Map<String, Object> web = (Map<String, Object>) Views.targetGroup(configs.get(0), groups.get("web"))
                    .get("targetGroupHealth");
            assertThat(web).isEqualTo(Map.of("unhealthyStateRouting", Map.of("minimumHealthyTargetsCount", 3,
                    "minimumHealthyTargetsPercentage", 50, "failOpen", true)));
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aGrpcGroupsMatcherIsGrpcCodes() throws Exception {
        TargetGroupConfig grpc = ConfigLoader.parse("""
                targetGroups:
                  - name: rpc
                    protocol: HTTPS
                    protocolVersion: GRPC
                """, "t.yaml", Map.of()).targetGroups().get(0);
        Map<String, Object> view = Views.targetGroup(grpc, null);
        assertThat(view).containsEntry("protocolVersion", "GRPC");
        @SuppressWarnings("unchecked")
        Map<String, Object> check = (Map<String, Object>) view.get("healthCheck");
        assertThat(check).containsEntry("matcher", "12").containsEntry("matcherCodes", "grpcCode")
                .containsEntry("path", "/AWS.ALB/healthcheck");
    }
}
