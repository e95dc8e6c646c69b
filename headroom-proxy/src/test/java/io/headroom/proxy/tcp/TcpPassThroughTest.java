package io.headroom.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.proxy.target.Target;
import io.headroom.proxy.target.TargetGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class TcpPassThroughTest {
    private static final long MiB = 1024 * 1024;

    @Test
    void a100MiBStreamPassesThroughBothWaysIntactWithHalfClose() throws Exception {
        try (EchoBackend backend = new EchoBackend(null);
             TcpHarness h = new TcpHarness(TcpHarness.nlb("", backend.port()));
             Socket s = h.connect()) {
            long total = 100 * MiB;
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                CRC32 crc = new CRC32();
                SplittableRandom random = new SplittableRandom(42);
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = s.getOutputStream();
                    for (long done = 0; done < total; done += chunk.length) {
                        for (int i = 0; i < chunk.length; i += 8) {
                            long r = random.nextLong();
                            for (int j = 0; j < 8; j++) {
                                chunk[i + j] = (byte) (r >>> (8 * j));
                            }
                        }
                        crc.update(chunk);
                        out.write(chunk);
                    }
                    out.flush();
                    s.shutdownOutput(); // FIN: the proxy must pass it on, and still deliver the echo
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return crc.getValue();
            });
            CRC32 crc = new CRC32();
            long received = 0;
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
                received += n;
            }
            assertThat(received).isEqualTo(total);
            assertThat(crc.getValue()).isEqualTo(sent.get(30, TimeUnit.SECONDS));

            assertThat(h.lb("NewFlowCount")).isEqualTo(1);
            assertThat(h.lb("ProcessedBytes")).isEqualTo(2 * total);
            Target t = h.groups.get("tcp").target(backend.address());
            await().atMost(Duration.ofSeconds(5)).until(() -> t.outstanding() == 0 && h.listeners.connections() == 0);
        }
    }

    @Test
    void eachConnectionSticksToTheTargetItsFlowHashChose() throws Exception {
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b"); EchoBackend c = new EchoBackend("c");
             TcpHarness h = new TcpHarness(TcpHarness.nlb("", a.port(), b.port(), c.port()))) {
            Map<String, Integer> portOf = Map.of("a", a.port(), "b", b.port(), "c", c.port());
            TargetGroup group = h.groups.get("tcp");
            Map<String, Integer> spread = new HashMap<>();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    Socket s = h.connect();
                    open.add(s);
                    String reached = TcpHarness.line(s.getInputStream());
                    spread.merge(reached, 1, Integer::sum);
                    // The target is the one the 5-tuple's hash picks.
                    int hash = FlowHash.of((InetSocketAddress) s.getLocalSocketAddress(),
                            (InetSocketAddress) s.getRemoteSocketAddress());
                    assertThat(group.selectByHash(hash).address().port()).isEqualTo(portOf.get(reached));
                }
                // Every connection keeps its target: the echo comes back through the same one.
                for (int round = 0; round < 3; round++) {
                    for (Socket s : open) {
                        assertThat(TcpHarness.echo(s, "round " + round + ";")).isEqualTo("round " + round + ";");
                    }
                }
                assertThat(a.openConnections() + b.openConnections() + c.openConnections()).isEqualTo(30);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            assertThat(spread.keySet()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void flowHashIsStableForOneTupleAndSpreadsOverSourcePorts() throws Exception {
        InetSocketAddress dst = new InetSocketAddress("127.0.0.1", 9000);
        InetSocketAddress src = new InetSocketAddress("10.1.2.3", 40000);
        assertThat(FlowHash.of(src, dst)).isEqualTo(FlowHash.of(new InetSocketAddress("10.1.2.3", 40000),
                new InetSocketAddress("127.0.0.1", 9000)));
        assertThat(FlowHash.of(src, dst)).isNotEqualTo(FlowHash.of(new InetSocketAddress("10.1.2.4", 40000), dst));
        assertThat(FlowHash.of(src, dst)).isNotEqualTo(FlowHash.of(src, new InetSocketAddress("127.0.0.1", 9001)));
        int[] buckets = new int[3];
        for (int port = 30000; port < 33000; port++) {
            buckets[Math.floorMod(FlowHash.of(new InetSocketAddress("10.1.2.3", port), dst), 3)]++;
        }
        for (int n : buckets) {
            assertThat(n).isBetween(850, 1150);
        }
    }

    @Test
    void aResetFromTheTargetIsPassedOnToTheClient() throws Exception {
        try (java.net.ServerSocket resetting = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> backend = CompletableFuture.runAsync(() -> {
                try (Socket accepted = resetting.accept()) {
                    accepted.getInputStream().read(); // wait for the client's first byte
                    accepted.setSoLinger(true, 0); // close with RST
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (TcpHarness h = new TcpHarness(TcpHarness.nlb("", resetting.getLocalPort())); Socket s = h.connect()) {
                s.getOutputStream().write('x');
                s.getOutputStream().flush();
                backend.get(10, TimeUnit.SECONDS);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.getInputStream().read())
                        .isInstanceOf(java.net.SocketException.class)
                        .hasMessageContaining("reset");
                await().atMost(Duration.ofSeconds(5)).until(() -> h.lb("TCP_Target_Reset_Count") == 1);
                assertThat(h.lb("TCP_Client_Reset_Count")).isZero();
            }
        }
    }

    @Test
    void anUnreachableTargetCountsAConnectionErrorAndResetsTheClient() throws Exception {
        int closedPort = TcpHarness.freePort();
        try (TcpHarness h = new TcpHarness(TcpHarness.nlb("", closedPort)); Socket s = h.connect()) {
            try {
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            } catch (java.net.SocketException reset) {
                assertThat(reset.getMessage()).containsIgnoringCase("reset");
            }
            assertThat(h.tg("TargetConnectionErrorCount")).isEqualTo(1);
            assertThat(h.lb("TCP_ELB_Reset_Count")).isEqualTo(1);
            Target t = h.groups.get("tcp").target(new io.headroom.core.target.TargetAddress("127.0.0.1", closedPort));
            await().atMost(Duration.ofSeconds(5)).until(() -> t.outstanding() == 0);
        }
    }
}
