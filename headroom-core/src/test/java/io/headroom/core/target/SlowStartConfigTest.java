package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.TargetGroupConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config loader refuses slow start where ALB refuses it: with least outstanding requests. */
class SlowStartConfigTest {

    private static String group(String algorithm, int slowStart) {
        return """
                targetGroups:
                  - name: web
                    algorithm: %s
                    slowStartSeconds: %d
                    targets: [{ host: 127.0.0.1, port: 9001 }]
                """.formatted(algorithm, slowStart);
    }

    @Test
    void slowStartWithLeastOutstandingRequestsIsRefusedNamingThePath() {
        assertThatThrownBy(() -> ConfigLoader.parse(group("least_outstanding_requests", 60), "t.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targetGroups[0].slowStartSeconds: 60 (expected: 0 with algorithm "
                        + "least_outstanding_requests; slow start needs round_robin or weighted_random)");
    }

    @Test
    void slowStartWithRoundRobinOrWeightedRandomIsAccepted() throws Exception {
        for (String algorithm : new String[] {"round_robin", "weighted_random"}) {
            TargetGroupConfig tg = ConfigLoader.parse(group(algorithm, 60), "t.yaml", Map.of()).targetGroups().get(0);
            assertThat(tg.slowStartSeconds()).isEqualTo(60);
        }
        TargetGroupConfig off = ConfigLoader.parse(group("least_outstanding_requests", 0), "t.yaml", Map.of())
                .targetGroups().get(0);
        assertThat(off.slowStartSeconds()).isZero();
    }
}
