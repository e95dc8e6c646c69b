package io.headroom.proxy.tcp;

import static io.headroom.proxy.tcp.UdpEchoBackend.ask;
import static io.headroom.proxy.tcp.UdpEchoBackend.client;
import static io.headroom.proxy.tcp.UdpEchoBackend.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.target.TargetState;
import io.headroom.proxy.target.Target;
import io.headroom.proxy.target.TargetGroup;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * NLB's target group attributes for open connections: unhealthy connection termination, the unhealthy draining
 * interval, deregistration connection termination and source_ip stickiness, over real sockets. Health is driven by
 * the echo backends' listening sockets: TCP health checks on the traffic port fail while a backend does not accept
 * (its open connections go on) and pass again when it accepts again.
 */
class NlbTargetGroupAttributesTest {
    /** One configured second lasts 20 ms: checks every 100 ms, two of them change a target's health. */
    private static final Duration SECOND = Duration.ofMillis(20);
    private static final String CHECKS = "healthCheck: { protocol: TCP, intervalSeconds: 5, healthyThreshold: 2, "
            + "unhealthyThreshold: 2 }";

    /** {@link TcpHarness#nlb} with fast health checks ({@link #CHECKS}). */
    private static String nlb(String groupExtra, int... targetPorts) {
        return TcpHarness.nlb(groupExtra, targetPorts).replace("healthCheck: { protocol: TCP }", CHECKS);
    }

    @Test
    void anUnhealthyTargetsOpenConnectionIsResetByDefault() throws Exception {
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb("", a.port(), b.port()), SECOND, l -> { })) {
            assertThat(h.groups.get("tcp").config().targetHealthState().connectionTermination()).isTrue();
            try (Socket s = connectionTo(h, "a")) {
                a.stopAccepting();
                awaitState(h, a, TargetState.UNHEALTHY);
                assertThat(endOfStream(s)).as("the connection to the unhealthy target ends").isTrue();
                await().atMost(Duration.ofSeconds(5)).until(() -> h.lb("TCP_ELB_Reset_Count") >= 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0);
                try (Socket other = h.connect()) {
                    assertThat(TcpHarness.line(other.getInputStream())).isEqualTo("b");
                }
            }
        }
    }

    @Test
    void withoutConnectionTerminationAnUnhealthyTargetKeepsItsConnection() throws Exception {
        String extra = "targetHealthState: { unhealthy: { connectionTermination: false } }";
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb(extra, a.port(), b.port()), SECOND, l -> { });
             Socket s = connectionTo(h, "a")) {
            a.stopAccepting();
            awaitState(h, a, TargetState.UNHEALTHY);
            // Kept across several more failed checks; new connections go to b only.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> TcpHarness.echo(s, "kept").equals("kept"));
            for (int i = 0; i < 5; i++) {
                try (Socket other = h.connect()) {
                    assertThat(TcpHarness.line(other.getInputStream())).isEqualTo("b");
                }
            }
            assertThat(h.lb("TCP_ELB_Reset_Count")).isZero();
        }
    }

    @Test
    void aReloadThatTurnsConnectionTerminationOnResetsAnUnhealthyTargetsKeptConnection() throws Exception {
        String keep = "targetHealthState: { unhealthy: { connectionTermination: false } }";
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb(keep, a.port(), b.port()), SECOND, l -> { });
             Socket s = connectionTo(h, "a")) {
            a.stopAccepting();
            awaitState(h, a, TargetState.UNHEALTHY);
            assertThat(TcpHarness.echo(s, "kept")).isEqualTo("kept");
            h.apply(nlb("", a.port(), b.port()));
            assertThat(endOfStream(s)).as("reset once the reload turned termination on").isTrue();
            assertThat(h.groups.get("tcp").target(a.address()).state()).isEqualTo(TargetState.UNHEALTHY);
        }
    }

    @Test
    void theUnhealthyDrainingIntervalKeepsTheConnectionForItsLengthThenResetsIt() throws Exception {
        // 50 configured seconds of 20 ms: the interval lasts 1 s.
        String extra = "targetHealthState: { unhealthy: { connectionTermination: false, "
                + "drainingIntervalSeconds: 50 } }";
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb(extra, a.port(), b.port()), SECOND, l -> { });
             Socket s = connectionTo(h, "a")) {
            a.stopAccepting();
            awaitState(h, a, TargetState.UNHEALTHY_DRAINING);
            long drainingFrom = System.nanoTime();
            Target ta = h.groups.get("tcp").target(a.address());
            assertThat(ta.describe().state()).hasToString("unhealthy.draining");
            assertThat(h.groups.get("tcp").unhealthyCount()).isEqualTo(1);
            assertThat(TcpHarness.echo(s, "still draining")).isEqualTo("still draining");
            try (Socket other = h.connect()) {
                assertThat(TcpHarness.line(other.getInputStream())).isEqualTo("b");
            }
            assertThat(endOfStream(s)).as("reset when the interval ends").isTrue();
            assertThat(System.nanoTime() - drainingFrom).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
            assertThat(ta.state()).isEqualTo(TargetState.UNHEALTHY);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0);
        }
    }

    @Test
    void aTargetThatRecoversWithinTheDrainingIntervalKeepsItsConnectionForGood() throws Exception {
        // 1000 configured seconds: 20 s, far longer than the test.
        String extra = "targetHealthState: { unhealthy: { connectionTermination: false, "
                + "drainingIntervalSeconds: 1000 } }";
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb(extra, a.port(), b.port()), SECOND, l -> { });
             Socket s = connectionTo(h, "a")) {
            a.stopAccepting();
            awaitState(h, a, TargetState.UNHEALTHY_DRAINING);
            a.resumeAccepting();
            awaitState(h, a, TargetState.HEALTHY);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> TcpHarness.echo(s, "recovered").equals("recovered"));
            assertThat(h.lb("TCP_ELB_Reset_Count")).isZero();
        }
    }

    @Test
    void byDefaultAConnectionOutlivesItsTargetsDeregistrationDelay() throws Exception {
        // 20 configured seconds of 25 ms: the delay lasts 500 ms.
        try (EchoBackend a = new EchoBackend("a");
             TcpHarness h = new TcpHarness(TcpHarness.nlb("deregistrationDelaySeconds: 20", a.port()),
                     Duration.ofMillis(25), l -> { });
             Socket s = h.connect()) {
            assertThat(h.groups.get("tcp").config().deregistrationDelayConnectionTermination()).isFalse();
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");
            long start = System.nanoTime();
            CompletableFuture<Void> deregistered = h.groups.deregister("tcp", a.address());
            deregistered.get(5, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(450));
            assertThat(h.groups.get("tcp").target(a.address())).as("removed from the group").isNull();
            assertThat(TcpHarness.echo(s, "after the delay")).isEqualTo("after the delay");
            assertThat(h.listeners.connections()).isEqualTo(1);
        }
    }

    @Test
    void withDeregistrationConnectionTerminationTheConnectionIsClosedWhenTheDelayEnds() throws Exception {
        String extra = "deregistrationDelaySeconds: 20\n    deregistrationDelayConnectionTermination: true";
        try (EchoBackend a = new EchoBackend("a");
             TcpHarness h = new TcpHarness(TcpHarness.nlb(extra, a.port()), Duration.ofMillis(25), l -> { });
             Socket s = h.connect()) {
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");
            long start = System.nanoTime();
            CompletableFuture<Void> deregistered = h.groups.deregister("tcp", a.address());
            assertThat(TcpHarness.echo(s, "draining")).isEqualTo("draining");
            deregistered.get(5, TimeUnit.SECONDS);
            assertThat(endOfStream(s)).isTrue();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(450));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0 && h.listeners.connections() == 0);
        }
    }

    @Test
    void sourceIpStickinessSendsEveryConnectionOfOneClientToOneTargetUntilItIsUnhealthy() throws Exception {
        String extra = "stickiness: { enabled: true, type: source_ip }";
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             EchoBackend c = new EchoBackend("c");
             TcpHarness h = new TcpHarness(nlb(extra, a.port(), b.port(), c.port()), SECOND, l -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 3);
            String sticky = targetsOf(h, 20);
            EchoBackend stuck = sticky.equals("a") ? a : sticky.equals("b") ? b : c;
            stuck.stopAccepting();
            awaitState(h, stuck, TargetState.UNHEALTHY);
            String next = targetsOf(h, 20);
            assertThat(next).isNotEqualTo(sticky);
        }
    }

    @Test
    void withoutStickinessConnectionsOfOneClientSpreadOverTheTargets() throws Exception {
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b");
             TcpHarness h = new TcpHarness(nlb("", a.port(), b.port()), SECOND, l -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
            Set<String> reached = new HashSet<>();
            for (int i = 0; i < 40 && reached.size() < 2; i++) {
                try (Socket s = h.connect()) {
                    reached.add(TcpHarness.line(s.getInputStream()));
                }
            }
            assertThat(reached).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void sourceIpStickinessSendsEveryUdpFlowOfOneClientToOneTarget() throws Exception {
        try (UdpEchoBackend a = new UdpEchoBackend("a"); UdpEchoBackend b = new UdpEchoBackend("b");
             TcpHarness h = new TcpHarness(UdpListenerTest.udp("stickiness: { enabled: true }", a.port(), b.port()),
                     SECOND, l -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
            Set<String> reached = new HashSet<>();
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    DatagramSocket c = client(); // kept open: 20 source ports, 20 flows
                    clients.add(c);
                    reached.add(target(ask(c, h.port, "hi")));
                }
            } finally {
                clients.forEach(DatagramSocket::close);
            }
            assertThat(reached).as("targets reached from one client IP").hasSize(1);
            // 20 flows (one per client port), all on that target: one upstream socket each.
            assertThat((reached.contains("a") ? a : b).sourcePorts()).hasSize(20);
        }
    }

    @Test
    void aUdpFlowOutlivesTheDeregistrationDelayWithoutConnectionTermination() throws Exception {
        String extra = "deregistrationDelaySeconds: 20\n    deregistrationDelayConnectionTermination: false";
        try (UdpEchoBackend a = new UdpEchoBackend("a");
             TcpHarness h = new TcpHarness(UdpListenerTest.udp(extra, a.port()), Duration.ofMillis(25), l -> { });
             DatagramSocket c = client()) {
            assertThat(ask(c, h.port, "before")).isEqualTo("a:before");
            h.groups.deregister("tcp", a.address()).get(5, TimeUnit.SECONDS);
            assertThat(h.groups.get("tcp").target(a.address())).isNull();
            assertThat(ask(c, h.port, "after")).isEqualTo("a:after");
            assertThat(h.listeners.udpFlows()).isEqualTo(1);
        }
    }

    /** The targets (by greeting) that {@code n} connections from 127.0.0.1 reached; fails unless exactly one. */
    private static String targetsOf(TcpHarness h, int n) throws IOException {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < n; i++) {
            try (Socket s = h.connect()) { // each from a new ephemeral port
                reached.add(TcpHarness.line(s.getInputStream()));
            }
        }
        assertThat(reached).as("targets reached from one client IP").hasSize(1);
        return reached.iterator().next();
    }

    /** Once both targets are healthy: an open connection that the flow hash sent to {@code name}. */
    private static Socket connectionTo(TcpHarness h, String name) throws IOException {
        await().atMost(Duration.ofSeconds(10)).until(() -> h.groups.get("tcp").healthyCount() == 2);
        for (int i = 0; i < 50; i++) {
            Socket s = h.connect();
            if (TcpHarness.line(s.getInputStream()).equals(name)) {
                return s;
            }
            s.close();
        }
        throw new AssertionError("no connection hashed to target " + name + " in 50 tries");
    }

    private static void awaitState(TcpHarness h, EchoBackend backend, TargetState state) {
        TargetGroup g = h.groups.get("tcp");
        await().atMost(Duration.ofSeconds(10)).until(() -> g.target(backend.address()).state() == state);
    }

    /** True when the peer closed (EOF or reset) within the socket timeout. */
    private static boolean endOfStream(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
