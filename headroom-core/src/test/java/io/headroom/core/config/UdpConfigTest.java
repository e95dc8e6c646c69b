package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UDP and TCP_UDP listeners and target groups of network load balancers: AWS's listener / target group pairs, health
 * checks that default to TCP, and errors that name the path.
 */
class UdpConfigTest {
    private static final String L0 = "loadBalancers[0].listeners[0].";

    /** Target groups "udp", "tcp", "both" (TCP_UDP) and a network load balancer with one listener. */
    static String nlb(String listenerProtocol, String group) {
        return """
                targetGroups:
                  - { name: udp, protocol: UDP }
                  - { name: tcp, protocol: TCP }
                  - { name: both, protocol: TCP_UDP }
                loadBalancers:
                  - name: nlb
                    type: network
                    listeners:
                      - { port: 5353, protocol: %s, defaultAction: { forward: { targetGroup: %s } } }
                """.formatted(listenerProtocol, group);
    }

    static Stream<Arguments> awsPairsAreAccepted() {
        return Stream.of(Arguments.of("UDP", "udp"), Arguments.of("UDP", "both"), Arguments.of("TCP_UDP", "both"),
                Arguments.of("TCP", "both"), Arguments.of("TCP", "tcp"));
    }

    @ParameterizedTest
    @MethodSource
    void awsPairsAreAccepted(String listener, String group) throws Exception {
        HeadroomConfig c = ConfigLoader.parse(nlb(listener, group), "test.yaml", ConfigLoaderErrorsTest.VARS);
        assertThat(c.loadBalancers().get(0).listeners().get(0).protocol()).isEqualTo(ListenerConfig.Protocol.valueOf(listener));
    }

    static Stream<Arguments> otherPairsNameThePathAndTheFittingProtocols() {
        String at = L0 + "defaultAction.forward.targetGroup: target group ";
        return Stream.of(
                Arguments.of(nlb("UDP", "tcp"), at + "\"tcp\" has protocol TCP (expected: UDP | TCP_UDP for a UDP listener)"),
                Arguments.of(nlb("TCP_UDP", "udp"), at + "\"udp\" has protocol UDP (expected: TCP_UDP for a TCP_UDP listener)"),
                Arguments.of(nlb("TCP_UDP", "tcp"), at + "\"tcp\" has protocol TCP (expected: TCP_UDP for a TCP_UDP listener)"),
                Arguments.of(nlb("TCP", "udp"), at + "\"udp\" has protocol UDP (expected: TCP | TCP_UDP for a TCP listener)"),
                Arguments.of(nlb("TLS, certificates: [{selfSigned: {commonName: x}}]", "both"),
                        at + "\"both\" has protocol TCP_UDP (expected: TCP for a TLS listener)"),
                Arguments.of(nlb("UDP", "web").replace("type: network", "type: application")
                                .replace("{ name: tcp, protocol: TCP }", "{ name: web }"),
                        L0 + "protocol: \"UDP\" (expected: HTTP | HTTPS for an application load balancer)"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP }]\nloadBalancers: [{name: alb, listeners: "
                        + "[{port: 80, defaultAction: {forward: {targetGroup: udp}}}]}]", L0 + "defaultAction.forward.targetGroup: "
                        + "target group \"udp\" has protocol UDP (expected: HTTP or HTTPS for an application load balancer)"),
                Arguments.of(nlb("UDP, sslPolicy: tls13", "udp"), L0 + "sslPolicy: only allowed for HTTPS and TLS listeners"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP, proxyProtocolV2: true }]",
                        "targetGroups[0].proxyProtocolV2: only allowed for TCP target groups (a PROXY header cannot go ahead "
                                + "of datagrams)"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP, algorithm: round_robin }]",
                        "targetGroups[0].algorithm: only allowed for HTTP and HTTPS target groups (a network load balancer "
                                + "hashes each connection)"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP, healthCheck: { path: /health } }]",
                        "targetGroups[0].healthCheck.path: only allowed for HTTP and HTTPS health checks"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP, healthCheck: { protocol: UDP } }]",
                        "targetGroups[0].healthCheck.protocol: \"UDP\" (expected: HTTP | HTTPS | TCP)"),
                Arguments.of("targetGroups: [{ name: both, protocol: TCP_UDP, stickiness: { enabled: true, type: lb_cookie } }]",
                        "targetGroups[0].stickiness.type: \"lb_cookie\" (expected: source_ip for a TCP, UDP or TCP_UDP "
                                + "target group; lb_cookie and app_cookie need an HTTP or HTTPS target group)"),
                Arguments.of("targetGroups: [{ name: udp, protocol: UDP, targetHealthState: { unhealthy: "
                                + "{ connectionTermination: true } } }]",
                        "targetGroups[0].targetHealthState.unhealthy.connectionTermination: true (expected: false; AWS "
                                + "cannot terminate the connections of unhealthy targets in UDP and TCP_UDP target groups)"),
                Arguments.of("targetGroups: [{ name: both, protocol: TCP_UDP, targetHealthState: { unhealthy: "
                                + "{ connectionTermination: false, drainingIntervalSeconds: 60 } } }]",
                        "targetGroups[0].targetHealthState.unhealthy.drainingIntervalSeconds: only allowed for TCP target "
                                + "groups (AWS has no unhealthy draining for UDP and TCP_UDP target groups)"));
    }

    @ParameterizedTest
    @MethodSource
    void otherPairsNameThePathAndTheFittingProtocols(String yaml, String expected) {
        assertThat(ConfigLoaderErrorsTest.errors(yaml)).containsExactly(expected);
    }

    @Test
    void udpGroupsAreCheckedOverTcpOnTheTrafficPortByDefaultOrAsConfigured() throws Exception {
        HeadroomConfig c = ConfigLoader.parse("""
                targetGroups:
                  - { name: udp, protocol: UDP }
                  - { name: dns, protocol: TCP_UDP, healthCheck: { protocol: HTTP, port: 8080, path: /ready } }
                """, "test.yaml", ConfigLoaderErrorsTest.VARS);
        HealthCheckConfig udp = c.targetGroups().get(0).healthCheck();
        assertThat(udp.protocol()).isEqualTo(HealthCheckConfig.Protocol.TCP);
        assertThat(udp.port()).isZero(); // the traffic port
        assertThat(udp.timeoutSeconds()).isEqualTo(10);
        HealthCheckConfig http = c.targetGroups().get(1).healthCheck();
        assertThat(http.protocol()).isEqualTo(HealthCheckConfig.Protocol.HTTP);
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.path()).isEqualTo("/ready");
        assertThat(c.targetGroups().get(1).protocol().network()).isTrue();
    }
}
