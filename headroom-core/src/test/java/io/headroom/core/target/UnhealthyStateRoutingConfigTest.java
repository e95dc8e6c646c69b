package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.UnhealthyStateRoutingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code targetGroupHealth.unhealthyStateRouting} (AWS's routing failover thresholds): parsing, errors naming the
 * path, and the decision.
 */
class UnhealthyStateRoutingConfigTest {

    private static UnhealthyStateRoutingConfig parse(String protocol, String health) throws Exception {
        String yaml = """
                targetGroups:
                  - name: web
                    protocol: %s
                    %s
                    targets: [{ host: 127.0.0.1, port: 9001 }]
                """.formatted(protocol, health == null ? "" : "targetGroupHealth: " + health);
        return ConfigLoader.parse(yaml, "t.yaml", Map.of()).targetGroups().get(0).unhealthyStateRouting();
    }

    private static UnhealthyStateRoutingConfig routing(String thresholds) throws Exception {
        return parse("HTTP", "{ unhealthyStateRouting: " + thresholds + " }");
    }

    @Test
    void defaultsAreAwsCountOneAndPercentageOff() throws Exception {
        assertThat(parse("HTTP", null)).isEqualTo(UnhealthyStateRoutingConfig.DEFAULT)
                .isEqualTo(new UnhealthyStateRoutingConfig(1, UnhealthyStateRoutingConfig.OFF));
        assertThat(parse("HTTP", "{}")).isEqualTo(UnhealthyStateRoutingConfig.DEFAULT);
        assertThat(routing("{}")).isEqualTo(UnhealthyStateRoutingConfig.DEFAULT);
    }

    @Test
    void countAndPercentageAreReadForHttpAndTcpGroups() throws Exception {
        assertThat(routing("{ minimumHealthyTargetsCount: 3, minimumHealthyTargetsPercentage: 50 }"))
                .isEqualTo(new UnhealthyStateRoutingConfig(3, 50));
        assertThat(parse("TCP", "{ unhealthyStateRouting: { minimumHealthyTargetsCount: 2 } }"))
                .isEqualTo(new UnhealthyStateRoutingConfig(2, UnhealthyStateRoutingConfig.OFF));
        // As AWS writes attribute values: strings, and off (which YAML 1.1 readers may turn into false).
        assertThat(routing("{ minimumHealthyTargetsCount: \"4\", minimumHealthyTargetsPercentage: \"100\" }"))
                .isEqualTo(new UnhealthyStateRoutingConfig(4, 100));
        assertThat(routing("{ minimumHealthyTargetsPercentage: off }").minimumHealthyTargetsPercentage())
                .isEqualTo(UnhealthyStateRoutingConfig.OFF);
        assertThat(routing("{ minimumHealthyTargetsPercentage: \"off\" }").minimumHealthyTargetsPercentage())
                .isEqualTo(UnhealthyStateRoutingConfig.OFF);
    }

    @Test
    void outOfRangeValuesAreErrorsNamingThePath() {
        String at = "targetGroups[0].targetGroupHealth.unhealthyStateRouting.";
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsCount: 0 }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(at + "minimumHealthyTargetsCount: 0 (expected: an integer >= 1)");
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsCount: many }"))
                .hasMessageContaining(at + "minimumHealthyTargetsCount: \"many\" (expected: an integer >= 1)");
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsPercentage: 0 }"))
                .hasMessageContaining(at + "minimumHealthyTargetsPercentage: 0 (expected: off or 1..100)");
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsPercentage: 101 }"))
                .hasMessageContaining(at + "minimumHealthyTargetsPercentage: 101 (expected: off or 1..100)");
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsPercentage: \"on\" }"))
                .hasMessageContaining(at + "minimumHealthyTargetsPercentage: \"on\" (expected: off or 1..100)");
        assertThatThrownBy(() -> routing("{ minimumHealthyTargetsPercentage: 50.5 }"))
                .hasMessageContaining(at + "minimumHealthyTargetsPercentage: 50.5 (expected: off or 1..100)");
    }

    @Test
    void unknownKeysAndDnsFailoverAreRefused() {
        assertThatThrownBy(() -> routing("{ minimumHealthyTargets: 2 }"))
                .hasMessageContaining("targetGroups[0].targetGroupHealth.unhealthyStateRouting.minimumHealthyTargets: "
                        + "unknown key (expected one of: minimumHealthyTargetsCount, minimumHealthyTargetsPercentage)");
        assertThatThrownBy(() -> parse("HTTP", "{ dnsFailover: { minimumHealthyTargetsCount: 2 } }"))
                .hasMessageContaining("targetGroups[0].targetGroupHealth.dnsFailover: not supported (Headroom has no "
                        + "DNS to fail over; unhealthyStateRouting sets the routing failover thresholds)");
        assertThatThrownBy(() -> parse("HTTP", "{ unhealthy: 1 }"))
                .hasMessageContaining("targetGroups[0].targetGroupHealth.unhealthy: unknown key");
    }

    @Test
    void theDefaultsFailOpenOnlyWhenNoTargetIsHealthy() {
        UnhealthyStateRoutingConfig d = UnhealthyStateRoutingConfig.DEFAULT;
        assertThat(d.failOpen(0, 0)).isTrue();
        assertThat(d.failOpen(0, 4)).isTrue();
        assertThat(d.failOpen(1, 4)).isFalse();
        assertThat(d.failOpen(1, 100)).isFalse();
    }

    @Test
    void eitherThresholdBreachedFailsOpen() {
        UnhealthyStateRoutingConfig count = new UnhealthyStateRoutingConfig(3, UnhealthyStateRoutingConfig.OFF);
        assertThat(count.failOpen(2, 4)).isTrue();
        assertThat(count.failOpen(3, 4)).isFalse();
        UnhealthyStateRoutingConfig pct = new UnhealthyStateRoutingConfig(1, 75);
        assertThat(pct.failOpen(3, 4)).as("75 % is not below 75 %").isFalse();
        assertThat(pct.failOpen(2, 4)).isTrue();
        assertThat(pct.failOpen(2, 3)).as("66.7 %").isTrue();
        UnhealthyStateRoutingConfig both = new UnhealthyStateRoutingConfig(2, 50);
        assertThat(both.failOpen(2, 4)).isFalse();
        assertThat(both.failOpen(2, 5)).as("40 % breaches the percentage").isTrue();
        assertThat(both.failOpen(1, 2)).as("1 breaches the count").isTrue();
        assertThat(new UnhealthyStateRoutingConfig(1, 100).failOpen(999, 1000)).isTrue();
        assertThat(new UnhealthyStateRoutingConfig(1, 100).failOpen(1000, 1000)).isFalse();
    }
}
