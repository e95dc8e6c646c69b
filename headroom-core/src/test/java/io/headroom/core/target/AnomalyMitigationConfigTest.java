package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.TargetGroupConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code anomalyMitigation}: on | off, off by default, and on only with weighted random (as ALB). */
class AnomalyMitigationConfigTest {

    private static TargetGroupConfig parse(String protocol, String algorithm, String mitigation) throws Exception {
        String yaml = """
                targetGroups:
                  - name: web
                    protocol: %s
                    %s
                    %s
                    targets: [{ host: 127.0.0.1, port: 9001 }]
                """.formatted(protocol, algorithm == null ? "" : "algorithm: " + algorithm,
                mitigation == null ? "" : "anomalyMitigation: " + mitigation);
        return ConfigLoader.parse(yaml, "t.yaml", Map.of()).targetGroups().get(0);
    }

    @Test
    void offByDefaultAndOnWithWeightedRandom() throws Exception {
        assertThat(parse("HTTP", "weighted_random", null).anomalyMitigation()).isFalse();
        assertThat(parse("HTTP", "weighted_random", "\"on\"").anomalyMitigation()).isTrue();
        assertThat(parse("HTTP", "weighted_random", "on").anomalyMitigation()).isTrue();
        assertThat(parse("HTTP", "weighted_random", "\"off\"").anomalyMitigation()).isFalse();
        assertThat(parse("HTTP", "round_robin", "off").anomalyMitigation()).isFalse();
    }

    @Test
    void onWithoutWeightedRandomIsRefusedNamingThePath() {
        assertThatThrownBy(() -> parse("HTTP", "round_robin", "\"on\""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targetGroups[0].anomalyMitigation: on (expected: off unless algorithm is "
                        + "weighted_random; algorithm is round_robin)");
        assertThatThrownBy(() -> parse("HTTP", null, "on"))
                .hasMessageContaining("targetGroups[0].anomalyMitigation: on (expected: off unless algorithm");
    }

    @Test
    void otherValuesAndTcpGroupsAreRefused() {
        assertThatThrownBy(() -> parse("HTTP", "weighted_random", "maybe"))
                .hasMessageContaining("targetGroups[0].anomalyMitigation: \"maybe\" (expected: on | off)");
        assertThatThrownBy(() -> parse("TCP", null, "off"))
                .hasMessageContaining("targetGroups[0].anomalyMitigation");
    }
}
