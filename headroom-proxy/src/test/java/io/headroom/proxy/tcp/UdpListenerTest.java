package io.headroom.proxy.tcp;

import static io.headroom.proxy.tcp.UdpEchoBackend.ask;
import static io.headroom.proxy.tcp.UdpEchoBackend.client;
import static io.headroom.proxy.tcp.UdpEchoBackend.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.http.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
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
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(transport(name, 2), udp("", a.port(), b.port()), Duration.ofHours(1), l -> { });
             DatagramSocket c = client()) {
            String first = target(ask(c, h.port, "hello"));
            for (int i = 0; i < 20; i++) {
                assertThat(ask(c, h.port, "datagram " + i)).isEqualTo(first + ":datagram " + i);
            }
            // One flow, one upstream socket: the target saw one source port.
            assertThat((first.equals("a") ? a : b).sourcePorts()).hasSize(1);
            assertThat(h.listeners.udpFlows()).isEqualTo(1);
            // io_uring and epoll: a socket per event loop on the listener's port; NIO cannot share a port.
            assertThat(h.listeners.udpFlowsPerSocket()).singleElement().asList().hasSize(name.equals("nio") ? 1 : 2);
        }
    }

    /** A transport of {@code name} with {@code loops} event loops; the test is skipped when it is not available. */
    static Transport transport(String name, int loops) {
        Transport transport = Transport.create(loops, name);
        if (!transport.name().equals(name)) {
            transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            assumeTrue(false, name + " is not available here");
        }
        return transport;
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll"})
    void withTwoEventLoopsTheKernelSpreadsFlowsOverBothSocketsAndEveryClientHearsFromItsOwnTarget(String name)
            throws Exception {
        int port;
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(transport(name, 2), udp("", a.port(), b.port()), Duration.ofHours(1),
                     l -> { })) {
            port = h.port;
            InetSocketAddress listener = new InetSocketAddress(InetAddress.getLoopbackAddress(), h.port);
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    clients.add(client());
                }
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < clients.size(); i++) {
                        DatagramSocket c = clients.get(i);
                        // The target the flow hash picks for this client address and port.
                        int expected = h.groups.get("tcp").selectByHash(FlowHash.of(
                                (InetSocketAddress) c.getLocalSocketAddress(), listener, FlowHash.UDP)).address().port();
                        String reply = ask(c, h.port, "c" + i + "r" + round);
                        assertThat(reply).isEqualTo((expected == a.port() ? "a" : "b") + ":c" + i + "r" + round);
                    }
                }
            } finally {
                clients.forEach(DatagramSocket::close);
            }
            // One flow per client, and the kernel gave each socket some of them (all on one: 2^-39).
            assertThat(h.listeners.udpFlows()).isEqualTo(40);
            List<Integer> perSocket = h.listeners.udpFlowsPerSocket().get(0);
            assertThat(perSocket).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(perSocket.get(0) + perSocket.get(1)).isEqualTo(40);
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(40);
            assertThat(a.sourcePorts().size() + b.sourcePorts().size()).isEqualTo(40);
        }
        // Closed: no socket holds the port any more (a socket without SO_REUSEPORT can take it).
        assertThat(canBind(port)).isTrue();
    }

    static boolean canBind(int port) {
        try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (SocketException inUse) {
            return false;
        }
    }

    @Test
    void aPortThatAnotherSocketOffersToShareIsNotJoined() throws Exception {
        int taken = TcpHarness.freePort();
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(transport2(), udp("", a.port()), Duration.ofHours(1), l -> { });
             DatagramChannel other = DatagramChannel.open(StandardProtocolFamily.INET)) {
            // Say another Headroom of the same user: its sockets have SO_REUSEPORT too, the kernel would let us in.
            other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken));
            assertThatThrownBy(() -> h.apply(udp("", a.port()).replace("${PORT}", Integer.toString(taken))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("listener UDP 127.0.0.1:" + taken + ": cannot bind");
            try (DatagramSocket c = client()) {
                assertThat(ask(c, h.port, "still")).isEqualTo("a:still");
            }
        }
    }

    @Test
    void aDatagramWithNoTargetToRouteToIsDroppedAndCounted() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(transport2(), udp(""), Duration.ofHours(1), l -> { });
             DatagramSocket c = client()) {
            byte[] hi = "hi".getBytes(StandardCharsets.US_ASCII);
            c.send(new java.net.DatagramPacket(hi, hi.length, InetAddress.getLoopbackAddress(), h.port));
            c.send(new java.net.DatagramPacket(hi, hi.length, InetAddress.getLoopbackAddress(), h.port));
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lb("UnroutableFlowCount_UDP") == 2);
            assertThat(h.listeners.udpFlows()).isZero();
            assertThat(h.lb("NewFlowCount_UDP")).isZero();
            assertThat(h.lb("RejectedFlowCount_UDP")).isZero();
            // A target registers: the same client's next datagram starts a flow.
            h.apply(udp("", a.port()));
            assertThat(ask(c, h.port, "now")).isEqualTo("a:now");
            assertThat(h.lb("UnroutableFlowCount_UDP")).isEqualTo(2);
            assertThat(h.lb("NewFlowCount_UDP")).isEqualTo(1);
        }
    }

    @Test
    void datagramsUpToTheLargestUdpPayloadPassWholeBothWays() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(transport2(), udp("", a.port()), Duration.ofHours(1), l -> { });
             DatagramSocket c = client()) {
            // 65,505 bytes out, "a:" + those 65,505 = 65,507 bytes (the largest UDP payload) back.
            StringBuilder big = new StringBuilder();
            for (int i = 0; big.length() < UdpListener.MAX_DATAGRAM - 2; i++) {
                big.append((char) ('a' + i % 26));
            }
            big.setLength(UdpListener.MAX_DATAGRAM - 2);
            String reply = ask(c, h.port, big.toString());
            assertThat(reply).hasSize(UdpListener.MAX_DATAGRAM).isEqualTo("a:" + big);
            // 65,507 bytes out (too big for the backend to echo with its prefix: it only records it).
            byte[] max = new byte[UdpListener.MAX_DATAGRAM];
            c.send(new java.net.DatagramPacket(max, max.length, InetAddress.getLoopbackAddress(), h.port));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.lengths().contains(UdpListener.MAX_DATAGRAM));
            // Small ones go on after the big ones.
            assertThat(ask(c, h.port, "small")).isEqualTo("a:small");
            assertThat(a.lengths()).containsExactly(UdpListener.MAX_DATAGRAM - 2, UdpListener.MAX_DATAGRAM, 5);
            assertThat(h.lb("ProcessedBytes_UDP")).isEqualTo(2L * UdpListener.MAX_DATAGRAM + "small".length()
                    + "a:small".length() + UdpListener.MAX_DATAGRAM - 2);
        }
    }

    @Test
    void aSmallDatagramIsCopiedOutOfItsReadBufferAndALargeOneIsNot() {
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        ByteBuf read = alloc.ioBuffer(UdpListener.MAX_DATAGRAM).writeBytes(new byte[] {1, 2, 3, 4, 5});
        ByteBuf small = UdpListener.compact(read, alloc);
        try {
            assertThat(read.refCnt()).as("the read buffer is back in the pool").isZero();
            assertThat(small.capacity()).isEqualTo(5);
            assertThat(ByteBufUtil.getBytes(small)).containsExactly(1, 2, 3, 4, 5);
        } finally {
            small.release();
        }
        ByteBuf read2 = alloc.ioBuffer(UdpListener.MAX_DATAGRAM).writeZero(40_000);
        ByteBuf large = UdpListener.compact(read2, alloc);
        try {
            assertThat(large).isSameAs(read2);
            assertThat(large.readableBytes()).isEqualTo(40_000);
        } finally {
            large.release();
        }
    }

    /** Two event loops of the best transport here: a UDP listener has two sockets (one with NIO). */
    static Transport transport2() {
        return Transport.create(2);
    }

    @Test
    void manyClientsSpreadOverTheTargetsAndEveryFlowIsCounted() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(transport2(), udp("", a.port(), b.port()), Duration.ofHours(1), l -> { })) {
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
             TcpHarness h = new TcpHarness(transport2(), udp("", a.port()), Duration.ofHours(1),
                     l -> l.second(Duration.ofMillis(10)));
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
             TcpHarness h = new TcpHarness(transport2(), udp("deregistrationDelaySeconds: 20\n    healthCheck: { intervalSeconds: 5, healthyThreshold: 2 }",
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
             TcpHarness h = new TcpHarness(transport2(), udp("healthCheck: { intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 }",
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
             TcpHarness h = new TcpHarness(transport2(), udp("", a.port()), Duration.ofHours(1), l -> l.maxUdpFlows(2));
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
             TcpHarness h = new TcpHarness(transport2(), udp("TCP_UDP", "TCP_UDP", "", a.port()), Duration.ofHours(1), l -> { });
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
             TcpHarness h = new TcpHarness(transport2(), udp("UDP", "TCP_UDP", "", a.port()), Duration.ofHours(1), l -> { });
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
