package io.headroom.proxy.tcp;

import static io.headroom.proxy.tcp.UdpEchoBackend.ask;
import static io.headroom.proxy.tcp.UdpEchoBackend.client;
import static io.headroom.proxy.tcp.UdpEchoBackend.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.http.Transport;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UDP and TCP_UDP listeners of a network load balancer, with real datagram sockets on 127.0.0.1. */
class UdpListenerTest {

    /**
     * A network load balancer "nlb" with one {@code listener} listener on ${PORT} forwarding to target group "udp" of
     * protocol {@code group}, with {@code groupExtra} (YAML keys of the group) and these targets.
     */
    static String udp(String listener, String group, String groupExtra, int... targetPorts) {
        return TcpHarness.nlb(groupExtra, targetPorts)
                .replace("protocol: TCP\n        defaultAction: { forward: { targetGroup: tcp } }",
                        "protocol: " + listener + "\n        defaultAction: { forward: { targetGroup: tcp } }")
                .replace("protocol: TCP\n    healthCheck: { protocol: TCP }", "protocol: " + group);
    }

    static String udp(String groupExtra, int... targetPorts) {
        return udp("UDP", "UDP", groupExtra, targetPorts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void repliesComeBackFromTheListenersPortAndAClientsDatagramsStayOnOneTarget(String name) throws Exception {
        Transport transport = Transport.create(1, name);
        if (!transport.name().equals(name)) {
            transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            assumeTrue(false, name + " is not available here");
        }
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(transport, udp("", a.port(), b.port()), Duration.ofHours(1), l -> { });
             DatagramSocket c = client()) {
            String first = target(ask(c, h.port, "hello"));
            for (int i = 0; i < 20; i++) {
                assertThat(ask(c, h.port, "datagram " + i)).isEqualTo(first + ":datagram " + i);
            }
            // One flow, one upstream socket: the target saw one source port.
            assertThat((first.equals("a") ? a : b).sourcePorts()).hasSize(1);
            assertThat(h.listeners.udpFlows()).isEqualTo(1);
        }
    }

    @Test
    void manyClientsSpreadOverTheTargetsAndEveryFlowIsCounted() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(udp("", a.port(), b.port()))) {
            Map<String, Integer> perTarget = new HashMap<>();
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    DatagramSocket c = client();
                    clients.add(c);
                    String reply = ask(c, h.port, "x" + i);
                    assertThat(reply).endsWith(":x" + i);
                    perTarget.merge(target(reply), 1, Integer::sum);
                    // The same client again: the same target.
                    assertThat(target(ask(c, h.port, "y"))).isEqualTo(target(reply));
                }
            } finally {
                clients.forEach(DatagramSocket::close);
            }
            assertThat(perTarget.keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(h.listeners.udpFlows()).isEqualTo(30);
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(30);
            assertThat(h.lb("NewFlowCount")).isEqualTo(30); // NLB's total counts every protocol
            assertThat(h.lb("ProcessedPackets")).isEqualTo(4 * 30); // 2 datagrams each way per client
            // Payload bytes both ways: "xN" + "y" out, "a:xN" + "a:y" back.
            long out = 0;
            for (int i = 0; i < 30; i++) {
                out += ("x" + i).length() + 1;
            }
            assertThat(h.lb("ProcessedBytes_UDP")).isEqualTo(2 * out + 30 * 4);
            assertThat(h.lb("ProcessedBytes")).isEqualTo(h.lb("ProcessedBytes_UDP"));
            // No target has passed a health check yet (checks every hour): every flow was routed fail-open.
            assertThat(h.tg("UnhealthyRoutingFlowCount")).isEqualTo(30);
            assertThat(gauge(h, "ActiveFlowCount_UDP")).isEqualTo(30);
            assertThat(gauge(h, "ActiveFlowCount")).isEqualTo(30);
        }
    }

    @Test
    void aFlowIdleForTheUdpTimeoutEndsAndTheNextDatagramPicksATargetAnew() throws Exception {
        // One configured second lasts 10 ms: the 120 s UDP idle timeout lasts 1.2 s (room for the reload below).
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(udp("", a.port()), Duration.ofHours(1), l -> l.second(Duration.ofMillis(10)));
             DatagramSocket c = client()) {
            assertThat(ask(c, h.port, "one")).isEqualTo("a:one");
            // Target a leaves the config (it drains for an hour), b joins: the flow stays on a while it is busy.
            h.apply(udp("", b.port()));
            assertThat(ask(c, h.port, "two")).isEqualTo("a:two");
            await().atMost(Duration.ofSeconds(5)).until(() -> h.listeners.udpFlows() == 0);
            assertThat(gauge(h, "ActiveFlowCount_UDP")).isZero();
            // The same client address and port is a new flow now, and a's only flow is over: a's drain ends.
            assertThat(ask(c, h.port, "three")).isEqualTo("b:three");
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.groups.get("tcp").target(a.address()) == null);
        }
    }

    @Test
    void aDrainingTargetKeepsItsFlowsUntilTheDeregistrationDelayThenTheyEnd() throws Exception {
        // One configured second of target group time lasts 25 ms: a deregistration delay of 20 s lasts 500 ms.
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(udp("deregistrationDelaySeconds: 20\n    healthCheck: { intervalSeconds: 5, healthyThreshold: 2 }",
                     a.port(), b.port()),
                     Duration.ofMillis(25), l -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
            List<DatagramSocket> others = new ArrayList<>();
            DatagramSocket onA = null;
            try {
                for (int i = 0; i < 50 && onA == null; i++) {
                    DatagramSocket c = client();
                    if (target(ask(c, h.port, "which")).equals("a")) {
                        onA = c;
                    } else {
                        others.add(c);
                    }
                }
                assertThat(onA).as("a client hashed to target a").isNotNull();
                long start = System.nanoTime();
                CompletableFuture<Void> deregistered = h.groups.deregister("tcp", a.address());
                assertThat(h.groups.get("tcp").target(a.address()).state()).isEqualTo(TargetState.DRAINING);
                // The flow goes on; new flows go to b only.
                assertThat(ask(onA, h.port, "still")).isEqualTo("a:still");
                for (int i = 0; i < 10; i++) {
                    try (DatagramSocket fresh = client()) {
                        assertThat(target(ask(fresh, h.port, "new"))).isEqualTo("b");
                    }
                }
                assertThat(ask(onA, h.port, "still")).isEqualTo("a:still");
                // Busy or not, the flow ends with the delay: the deregistration does not end early.
                deregistered.get(5, TimeUnit.SECONDS);
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(450));
                int flowsLeft = others.size() + 10; // the flows on b (their clients closed, the flows not idle yet)
                await().atMost(Duration.ofSeconds(5)).until(() -> h.listeners.udpFlows() == flowsLeft);
                // Its next datagram starts a new flow, on b.
                assertThat(ask(onA, h.port, "after")).isEqualTo("b:after");
            } finally {
                others.forEach(DatagramSocket::close);
                if (onA != null) {
                    onA.close();
                }
            }
        }
    }

    @Test
    void anUnhealthyTargetGetsNoNewFlows() throws Exception {
        // Health checks over TCP on the traffic port (a UDP group's default), one configured second lasting 20 ms.
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(udp("healthCheck: { intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 }",
                     a.port(), b.port()), Duration.ofMillis(20), l -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
            a.stopTcp();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> h.groups.get("tcp").target(a.address()).state() == TargetState.UNHEALTHY);
            for (int i = 0; i < 20; i++) {
                try (DatagramSocket c = client()) {
                    assertThat(target(ask(c, h.port, "hi"))).isEqualTo("b");
                }
            }
            assertThat(a.sourcePorts()).isEmpty();
            assertThat(h.tg("UnhealthyRoutingFlowCount")).isZero(); // b is healthy: no routing failover
        }
    }

    @Test
    void aFullFlowTableDropsNewFlowsAndCountsThemWhileItsFlowsGoOn() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(udp("", a.port()), Duration.ofHours(1), l -> l.maxUdpFlows(2));
             DatagramSocket c1 = client(); DatagramSocket c2 = client(); DatagramSocket c3 = client()) {
            assertThat(ask(c1, h.port, "1")).isEqualTo("a:1");
            assertThat(ask(c2, h.port, "2")).isEqualTo("a:2");
            byte[] third = "3".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            c3.send(new java.net.DatagramPacket(third, third.length, java.net.InetAddress.getLoopbackAddress(), h.port));
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lb("RejectedFlowCount_UDP") == 1);
            assertThat(ask(c1, h.port, "again")).isEqualTo("a:again");
            assertThat(a.sourcePorts()).hasSize(2);
            assertThat(h.listeners.udpFlows()).isEqualTo(2);
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(2);
        }
    }

    @Test
    void aTcpUdpListenerTakesConnectionsAndDatagramsOnOnePort() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(udp("TCP_UDP", "TCP_UDP", "", a.port()));
             DatagramSocket c = client(); Socket s = h.connect()) {
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");
            assertThat(TcpHarness.echo(s, "over TCP")).isEqualTo("over TCP");
            assertThat(ask(c, h.port, "over UDP")).isEqualTo("a:over UDP");
            assertThat(h.listeners.localAddresses()).hasSize(1);
            assertThat(h.lb("NewFlowCount")).isEqualTo(2);
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(1);
        }
    }

    @Test
    void aUdpListenerCanForwardToATcpUdpGroupAndATcpListenerToo() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(udp("UDP", "TCP_UDP", "", a.port()));
             DatagramSocket c = client()) {
            assertThat(ask(c, h.port, "dns?")).isEqualTo("a:dns?");
            h.apply(udp("TCP", "TCP_UDP", "", a.port())); // the same port, now TCP only: the UDP socket closes
            try (Socket s = h.connect()) {
                assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");
            }
            assertThat(h.listeners.udpFlows()).isZero();
        }
    }

    /** The gauge's current value, as the 1-second sampler would publish it. */
    static double gauge(TcpHarness h, String name) {
        MetricKey key = MetricKey.of(name, Dimensions.of("LoadBalancer", "nlb"));
        double[] seen = {Double.NaN};
        h.metrics.publish(new MetricStore() {
            @Override
            public void record(MetricKey k, long epochSecond, double value) {
                if (k.equals(key)) {
                    seen[0] = value;
                }
            }

            @Override
            public List<Datapoint> query(MetricKey k, Instant start, Instant end, int periodSeconds, Statistic stat) {
                return List.of();
            }

            @Override
            public OptionalDouble aggregate(MetricKey k, Instant start, Instant end, Statistic stat) {
                return OptionalDouble.empty();
            }

            @Override
            public Set<MetricKey> keys() {
                return new HashSet<>();
            }
        }, Instant.now().getEpochSecond());
        return seen[0];
    }
}
