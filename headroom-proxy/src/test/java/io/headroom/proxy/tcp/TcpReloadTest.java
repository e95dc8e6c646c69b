package io.headroom.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.ProxyServer;
import io.headroom.proxy.target.TargetGroups;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Network load balancers through {@link ProxyServer}, the way the program runs them. */
class TcpReloadTest {

    @Test
    void reloadKeepsAnOpenConnectionOnItsTargetAndRoutesNewOnesByTheNewConfig() throws Exception {
        int port = TcpHarness.freePort();
        try (EchoBackend a = new EchoBackend("a"); EchoBackend b = new EchoBackend("b")) {
            ProxyServer proxy = new ProxyServer(1, new MetricRegistry());
            TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofHours(1), null);
            try {
                apply(proxy, groups, TcpHarness.nlb("", a.port()), port);
                assertThat(proxy.localAddresses()).extracting(InetSocketAddress::getPort).contains(port);
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(10_000);
                    assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("a");

                    // Target a leaves the config (it drains for 300 s), b joins; the listener stays.
                    apply(proxy, groups, TcpHarness.nlb("", b.port()), port);
                    assertThat(TcpHarness.echo(s, "after reload")).isEqualTo("after reload");
                    try (Socket fresh = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        fresh.setSoTimeout(10_000);
                        assertThat(TcpHarness.line(fresh.getInputStream())).isEqualTo("b");
                    }
                    assertThat(TcpHarness.echo(s, "still on a")).isEqualTo("still on a");
                    assertThat(a.openConnections()).isEqualTo(1);
                }
            } finally {
                groups.close();
                proxy.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aRemovedNetworkLoadBalancerStopsPublishingItsFlowGaugeAndItsListenerDrains() throws Exception {
        int port = TcpHarness.freePort();
        MetricRegistry metrics = new MetricRegistry();
        io.headroom.core.metrics.MetricKey gauge = io.headroom.core.metrics.MetricKey.of("ActiveFlowCount",
                io.headroom.core.metrics.Dimensions.of("LoadBalancer", "nlb"));
        try (EchoBackend a = new EchoBackend("a")) {
            ProxyServer proxy = new ProxyServer(1, metrics);
            TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofHours(1), null);
            try {
                apply(proxy, groups, TcpHarness.nlb("", a.port()), port);
                assertThat(metrics.keys()).contains(gauge);
                apply(proxy, groups, "targetGroups: []\n", port);
                assertThat(metrics.keys()).doesNotContain(gauge);
                assertThat(proxy.localAddresses()).isEmpty();
                // The listener stops accepting (its server socket closes asynchronously).
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        return false;
                    } catch (java.net.ConnectException refused) {
                        return true;
                    }
                });
            } finally {
                groups.close();
                proxy.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    private static void apply(ProxyServer proxy, TargetGroups groups, String yaml, int port) {
        HeadroomConfig cfg = TcpHarness.config(yaml, port);
        groups.apply(cfg.targetGroups());
        proxy.apply(cfg, groups);
    }
}
