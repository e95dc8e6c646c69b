package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.target.AnomalyDetection;
import io.headroom.core.target.AnomalyDetection.Result;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.target.TargetGroup;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Automatic target weights end to end: four real backends behind a real proxy with weighted random, one of them
 * answering 500 to every second request. It is found anomalous; with mitigation on it then gets a small share of
 * new requests, with mitigation off it keeps its share.
 */
class AnomalyMitigationTest {

    private static String config(int[] ports, String mitigation) {
        return ProxyHarness.oneGroup("algorithm: weighted_random\nanomalyMitigation: " + mitigation + "\nhealthCheck: "
                + CheckedProxy.FAST_CHECK, ports);
    }

    @Test
    void withMitigationOnAnAnomalousTargetGetsAClearlySmallerShare() throws Exception {
        run("on", (bad, healthyMin) -> assertThat(bad).as("mitigated share").isLessThan(healthyMin / 3));
    }

    @Test
    void withMitigationOffAnAnomalousTargetIsReportedButKeepsItsShare() throws Exception {
        run("off", (bad, healthyMin) -> assertThat(bad).as("unmitigated share").isGreaterThan(healthyMin / 2));
    }

    private interface ShareCheck {
        void check(int badServed, int healthyMinServed);
    }

    private static void run(String mitigation, ShareCheck shares) throws Exception {
        boolean on = mitigation.equals("on");
        List<SessionBackend> backends = new ArrayList<>();
        try {
            for (String name : List.of("bad", "a", "b", "c")) {
                backends.add(new SessionBackend(name));
            }
            SessionBackend bad = backends.get(0);
            bad.failEvery.set(2);
            int[] ports = backends.stream().mapToInt(SessionBackend::port).toArray();
            try (CheckedProxy p = new CheckedProxy(config(ports, mitigation))) {
                for (int port : ports) {
                    p.awaitState("web", port, TargetState.HEALTHY);
                }
                TargetGroup g = p.groups.get("web");
                TargetAddress badAddress = new TargetAddress("127.0.0.1", bad.port());
                HttpClient client = CheckedProxy.plain();

                // Enough traffic for the bad target to pass the minimum requests and errors (about 50 of 200).
                send(p, client, 200);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        g.target(badAddress).anomalyDetection().equals(new AnomalyDetection(Result.ANOMALOUS, on)));
                assertThat(g.anomalousCount()).isEqualTo(1);
                assertThat(g.mitigatedCount()).isEqualTo(on ? 1 : 0);
                assertThat(p.groups.describe("web")).filteredOn(t -> !t.target().equals(badAddress))
                        .allSatisfy(t -> assertThat(t.anomalyDetection()).isEqualTo(AnomalyDetection.NORMAL));
                assertThat(g.target(badAddress).state()).as("health is separate").isEqualTo(TargetState.HEALTHY);

                int[] before = backends.stream().mapToInt(b -> b.served.get()).toArray();
                send(p, client, 400);
                int[] served = new int[before.length];
                for (int i = 0; i < before.length; i++) {
                    served[i] = backends.get(i).served.get() - before[i];
                }
                int healthyMin = Math.min(served[1], Math.min(served[2], served[3]));
                shares.check(served[0], healthyMin);
                assertThat(g.target(badAddress).anomalyDetection().result()).isEqualTo(Result.ANOMALOUS);
            }
        } finally {
            backends.forEach(SessionBackend::close);
        }
    }

    private static void send(CheckedProxy p, HttpClient client, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            int status = p.get(client, "/work").statusCode();
            assertThat(status).isIn(200, 500);
        }
    }
}
