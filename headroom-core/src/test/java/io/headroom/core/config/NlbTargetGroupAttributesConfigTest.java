package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.TargetGroupConfig.TargetHealthStateConfig;
import org.junit.jupiter.api.Test;

/** AWS's defaults and the binding of NLB's target group attributes for open connections and stickiness. */
class NlbTargetGroupAttributesConfigTest {

    private static HeadroomConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml", ConfigLoaderErrorsTest.VARS);
    }

    @Test
    void awsDefaultsPerProtocol() throws Exception {
        HeadroomConfig c = parse("""
                targetGroups:
                  - { name: tcp, protocol: TCP }
                  - { name: udp, protocol: UDP }
                  - { name: both, protocol: TCP_UDP }
                  - { name: web }
                """);
        TargetGroupConfig tcp = c.targetGroups().get(0);
        assertThat(tcp.targetHealthState()).isEqualTo(new TargetHealthStateConfig(true, 0));
        assertThat(tcp.deregistrationDelayConnectionTermination()).isFalse();
        assertThat(tcp.terminatesConnectionsAfterDeregistration()).isFalse();
        assertThat(tcp.stickiness()).isEqualTo(StickinessConfig.sourceIp(false));
        for (TargetGroupConfig udp : c.targetGroups().subList(1, 3)) {
            assertThat(udp.targetHealthState()).as(udp.name()).isEqualTo(TargetHealthStateConfig.OFF);
            assertThat(udp.deregistrationDelayConnectionTermination()).as(udp.name()).isTrue();
        }
        TargetGroupConfig web = c.targetGroups().get(3);
        assertThat(web.targetHealthState()).isEqualTo(TargetHealthStateConfig.OFF);
        assertThat(web.terminatesConnectionsAfterDeregistration()).as("ALB: WebSockets closed").isTrue();
        assertThat(web.stickiness().type()).isEqualTo(StickinessConfig.Type.LB_COOKIE);
    }

    @Test
    void explicitValuesAreBound() throws Exception {
        HeadroomConfig c = parse("""
                targetGroups:
                  - name: tcp
                    protocol: TCP
                    deregistrationDelayConnectionTermination: true
                    targetHealthState: { unhealthy: { connectionTermination: false, drainingIntervalSeconds: 360000 } }
                    stickiness: { enabled: true, type: source_ip }
                  - name: udp
                    protocol: UDP
                    deregistrationDelayConnectionTermination: false
                    targetHealthState: { unhealthy: { connectionTermination: false } }
                    stickiness: { enabled: true }
                """);
        TargetGroupConfig tcp = c.targetGroups().get(0);
        assertThat(tcp.targetHealthState()).isEqualTo(new TargetHealthStateConfig(false, 360000));
        assertThat(tcp.targetHealthState().terminatesUnhealthy()).isTrue();
        assertThat(tcp.terminatesConnectionsAfterDeregistration()).isTrue();
        assertThat(tcp.stickiness().sourceIpSticky()).isTrue();
        TargetGroupConfig udp = c.targetGroups().get(1);
        assertThat(udp.terminatesConnectionsAfterDeregistration()).isFalse();
        assertThat(udp.targetHealthState().terminatesUnhealthy()).isFalse();
        assertThat(udp.stickiness().sourceIpSticky()).isTrue();
    }

    @Test
    void connectionTerminationOffWithoutAnIntervalKeepsUnhealthyTargetsConnections() throws Exception {
        TargetGroupConfig tcp = parse("""
                targetGroups:
                  - { name: tcp, protocol: TCP, targetHealthState: { unhealthy: { connectionTermination: false } } }
                """).targetGroups().get(0);
        assertThat(tcp.targetHealthState().terminatesUnhealthy()).isFalse();
    }
}
