package io.headroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.server.demo.DemoApp;
import io.headroom.server.e2e.Support;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real load balancer's access log, in each of its formats, read back by {@code headroom simulate --load}: the
 * requests it carried become the simulated load, and the simulated clock starts at the first logged second.
 */
class SimulateAccessLogTest {
    private static final int REQUESTS = 25;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"alb", "json", "combined"})
    void theRequestsALoadBalancerLoggedAreTheSimulatedLoad(String format) throws Exception {
        Path logs = dir.resolve("logs");
        Instant before = Instant.now();
        try (DemoApp app = DemoApp.start("127.0.0.1", 0, "i-00000000000000001", 2)) {
            int port = Support.freePort();
            Path config = dir.resolve("headroom.yaml");
            Files.writeString(config, """
                    stateDir: %s
                    admin: { listen: "127.0.0.1:0" }
                    loadBalancers:
                      - name: web
                        accessLog: { enabled: true, format: %s, path: %s }
                        listeners: [{ port: %d, defaultAction: { forward: { targetGroup: web } } }]
                    targetGroups:
                      - name: web
                        targets: [{ host: 127.0.0.1, port: %d }]
                    """.formatted(dir.resolve("state"), format, logs.resolve("access.log"), port, app.port()));
            HeadroomServer server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(),
                    Clock.systemUTC());
            try {
                HttpClient client = HttpClient.newHttpClient();
                for (int i = 0; i < REQUESTS; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                Path log = logs.resolve("access.log");
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> Files.exists(log) && Files.readAllLines(log).size() == REQUESTS);
            } finally {
                server.close();
            }
        }
        Instant after = Instant.now();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("simulate", "--load", logs.toString(), "--step", "1s", "--csv");
        assertThat(exit).as(err.toString()).isZero();
        List<String> rows = out.toString().lines().skip(1).toList();
        // time,offered_rps,...: every logged request is offered once, from the first logged second on.
        double offered = rows.stream().mapToDouble(l -> Double.parseDouble(l.split(",")[1])).sum();
        assertThat(offered).isEqualTo(REQUESTS);
        Instant first = Instant.parse(rows.get(0).split(",")[0]);
        assertThat(first).isBetween(before.minusSeconds(1), after);
        assertThat(rows.get(0).split(",")[1]).isNotEqualTo("0.00");

        StringWriter table = new StringWriter();
        cl.setOut(new PrintWriter(table, true));
        assertThat(cl.execute("simulate", "--load", logs.toString())).isZero();
        Matcher m = Pattern.compile("load: .*logs: " + REQUESTS + " requests in 1 access log file, (\\S+) to (\\S+)")
                .matcher(table.toString());
        assertThat(m.find()).as(table.toString()).isTrue();
        assertThat(table.toString()).contains("for " + Duration.between(Instant.parse(m.group(1)), Instant.parse(m.group(2))).toSeconds() + " s from " + m.group(1));
    }
}
