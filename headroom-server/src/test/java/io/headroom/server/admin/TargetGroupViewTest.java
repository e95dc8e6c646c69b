package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.TargetGroupConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the API says of a target group's health check matcher: AWS's Matcher has HttpCode or GrpcCode. */
class TargetGroupViewTest {
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
