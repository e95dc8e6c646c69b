package io.headroom.proxy.tcp;

import static io.headroom.proxy.tcp.UdpEchoBackend.ask;
import static io.headroom.proxy.tcp.UdpEchoBackend.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.ProxyServer;
import io.headroom.proxy.target.TargetGroups;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UDP listeners through {@link ProxyServer}, reloaded the way the program reloads its config. */
class UdpReloadTest {

    /** A network load balancer with a TCP listener on {@code tcpPort}, plus a UDP one on {@code udpPort} if not 0. */
    static String config(int tcpPort, int udpPort, String udpGroup, int aPort, int bPort) {
        String udpListener = udpPort == 0 ? "" : """
                      - { port: %d, protocol: UDP, defaultAction: { forward: { targetGroup: %s } } }
                """.formatted(udpPort, udpGroup);
        return """
                loadBalancers:
                  - name: nlb
                    type: network
                    listeners:
                      - { port: %d, protocol: TCP, defaultAction: { forward: { targetGroup: tcp } } }
                %stargetGroups:
                  - { name: tcp, protocol: TCP, targets: [ { host: 127.0.0.1, port: %d } ] }
                  - { name: udp-a, protocol: UDP, targets: [ { host: 127.0.0.1, port: %d } ] }
                  - { name: udp-b, protocol: TCP_UDP, targets: [ { host: 127.0.0.1, port: %d } ] }
                """.formatted(tcpPort, udpListener, aPort, aPort, bPort);
    }

    /** With two worker threads a UDP listener has a socket per event loop (io_uring, epoll): all come and go together. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void udpListenersAreAddedRetargetedAndRemovedOnReloadAndAFailedReloadKeepsTheOldOne(int workerThreads)
            throws Exception {
        int tcpPort = TcpHarness.freePort();
        int udpPort = TcpHarness.freePort();
        int takenPort = TcpHarness.freePort();
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             DatagramSocket c = client(); DatagramSocket fresh = client();
             DatagramSocket taken = new DatagramSocket(takenPort, InetAddress.getLoopbackAddress())) {
            ProxyServer proxy = new ProxyServer(workerThreads, new MetricRegistry());
            TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofHours(1), null);
            try {
                apply(proxy, groups, config(tcpPort, 0, "", a.port(), b.port()));
                assertThat(proxy.localAddresses()).extracting(InetSocketAddress::getPort).containsExactly(tcpPort);

                // Added: it serves at once.
                apply(proxy, groups, config(tcpPort, udpPort, "udp-a", a.port(), b.port()));
                assertThat(proxy.localAddresses()).extracting(InetSocketAddress::getPort).contains(tcpPort, udpPort);
                assertThat(ask(c, udpPort, "1")).isEqualTo("a:1");

                // Another target group: the open flow keeps its target, new flows go to the new group.
                apply(proxy, groups, config(tcpPort, udpPort, "udp-b", a.port(), b.port()));
                assertThat(ask(c, udpPort, "2")).isEqualTo("a:2");
                assertThat(ask(fresh, udpPort, "3")).isEqualTo("b:3");

                // A reload that cannot bind a new listener changes nothing: the UDP listener still serves.
                String bad = config(tcpPort, udpPort, "udp-a", a.port(), b.port()).replace("targetGroups:",
                        "      - { port: " + takenPort + ", protocol: UDP, defaultAction: { forward: "
                                + "{ targetGroup: udp-a } } }\ntargetGroups:");
                assertThatThrownBy(() -> apply(proxy, groups, bad)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("listener UDP 127.0.0.1:" + takenPort + ": cannot bind");
                assertThat(ask(fresh, udpPort, "4")).isEqualTo("b:4");

                // Removed: its socket closes and the port is free again.
                apply(proxy, groups, config(tcpPort, 0, "", a.port(), b.port()));
                assertThat(proxy.localAddresses()).extracting(InetSocketAddress::getPort).containsExactly(tcpPort);
                await().atMost(Duration.ofSeconds(5)).until(() -> UdpListenerTest.canBind(udpPort));

                // Added again, then the program shuts down: every socket of the listener closes.
                apply(proxy, groups, config(tcpPort, udpPort, "udp-a", a.port(), b.port()));
                assertThat(ask(fresh, udpPort, "5")).isEqualTo("a:5");
                assertThat(UdpListenerTest.canBind(udpPort)).isFalse();
                proxy.shutdown(Duration.ofSeconds(1));
                assertThat(UdpListenerTest.canBind(udpPort)).isTrue();
            } finally {
                groups.close();
                proxy.shutdown(Duration.ofSeconds(1)); // again after a failure; a second call does no harm
            }
        }
    }


    private static void apply(ProxyServer proxy, TargetGroups groups, String yaml) {
        HeadroomConfig cfg = TcpHarness.config(yaml, 0);
        groups.apply(cfg.targetGroups());
        proxy.apply(cfg, groups);
    }
}
