package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.time.ManualClock;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NLB's unhealthy.draining state in the health state machine, and source_ip stickiness's choice. */
class UnhealthyDrainingTest {
    private final ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
    private final HealthStateMachine m = new HealthStateMachine(clock, 3, 2);

    private void healthy() {
        m.onResult(ProbeResult.passed());
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
    }

    @Test
    void withAnIntervalAFailingHealthyTargetIsUnhealthyDrainingThenUnhealthy() {
        m.unhealthyDraining(true);
        healthy();
        m.onResult(ProbeResult.timeout());
        assertThat(m.onResult(ProbeResult.timeout())).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY_DRAINING);
        assertThat(m.state()).hasToString("unhealthy.draining");
        assertThat(m.state().unhealthy()).isTrue();
        assertThat(m.reason()).isEqualTo("Target.Timeout");
        assertThat(m.onResult(ProbeResult.timeout())).isFalse(); // stays while the interval runs
        clock.advanceSeconds(60);
        assertThat(m.drainingIntervalOver()).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(m.reason()).isEqualTo("Target.Timeout");
        assertThat(m.since()).isEqualTo(clock.instant());
        assertThat(m.drainingIntervalOver()).isFalse();
    }

    @Test
    void healthyThresholdPassesWithinTheIntervalMakeItHealthyAgain() {
        m.unhealthyDraining(true);
        healthy();
        m.onResult(ProbeResult.failed("Connection refused"));
        m.onResult(ProbeResult.failed("Connection refused"));
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY_DRAINING);
        m.onResult(ProbeResult.passed());
        m.onResult(ProbeResult.passed());
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY_DRAINING);
        assertThat(m.onResult(ProbeResult.passed())).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
        assertThat(m.drainingIntervalOver()).isFalse();
    }

    @Test
    void withoutAnIntervalAFailingTargetIsUnhealthyAtOnce() {
        healthy();
        m.onResult(ProbeResult.timeout());
        m.onResult(ProbeResult.timeout());
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
    }

    @Test
    void aNewTargetThatFailsGoesStraightToUnhealthy() {
        m.unhealthyDraining(true);
        m.onResult(ProbeResult.timeout());
        m.onResult(ProbeResult.timeout());
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
    }

    @Test
    void turningTheIntervalOffEndsUnhealthyDrainingAtOnce() {
        m.unhealthyDraining(true);
        healthy();
        m.onResult(ProbeResult.timeout());
        m.onResult(ProbeResult.timeout());
        assertThat(m.unhealthyDraining(false)).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
    }

    @Test
    void deregisteringAnUnhealthyDrainingTargetDrainsIt() {
        m.unhealthyDraining(true);
        healthy();
        m.onResult(ProbeResult.timeout());
        m.onResult(ProbeResult.timeout());
        assertThat(m.drain()).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.DRAINING);
        assertThat(m.drainingIntervalOver()).isFalse();
    }

    @Test
    void sourceIpAffinityKeepsAClientOnItsTargetAndMovesOnlyTheClientsOfARemovedOne() throws Exception {
        long[] keys = new long[4];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = SourceIpAffinity.targetKey(new TargetAddress("127.0.0.1", 9000 + i));
        }
        long[] without2 = {keys[0], keys[1], keys[3]};
        Set<Integer> used = new HashSet<>();
        for (int c = 1; c <= 200; c++) {
            long client = SourceIpAffinity.clientKey(InetAddress.getByName("10.0.0." + c));
            int pick = SourceIpAffinity.pick(client, keys);
            assertThat(SourceIpAffinity.pick(client, keys)).isEqualTo(pick);
            used.add(pick);
            long chosen = keys[pick];
            long after = without2[SourceIpAffinity.pick(client, without2)];
            if (pick != 2) {
                assertThat(after).as("client %d stays on its target", c).isEqualTo(chosen);
            }
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(SourceIpAffinity.pick(1, new long[0])).isEqualTo(-1);
    }
}
