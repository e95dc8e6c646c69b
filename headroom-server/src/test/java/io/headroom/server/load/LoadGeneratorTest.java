package io.headroom.server.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.headroom.server.Main;
import io.headroom.server.demo.DemoApp;
import io.headroom.sim.LoadProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadGeneratorTest {
    private DemoApp app;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static Run load(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("load"));
        all.addAll(List.of(args));
        return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + app.port() + "/");
    }

    private static LoadGenerator.Options following(URI url, String profile, double speed, Duration cap) {
        return LoadGenerator.Options.following(url, LoadProfile.parse(profile), speed, cap, 100, Duration.ofSeconds(5), false);
    }

    @BeforeEach
    void start() throws Exception {
        app = DemoApp.start("127.0.0.1", 0, "i-00000000000000001", 8);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void sendsTheOfferedRateAndReportsEachSecond() throws Exception {
        List<LoadGenerator.Second> seconds = new ArrayList<>();
        LoadGenerator.Summary s = LoadGenerator.run(new LoadGenerator.Options(
                URI.create("http://127.0.0.1:" + app.port() + "/"), 200, Duration.ofSeconds(2), 100,
                Duration.ofSeconds(5), false), seconds::add);
        assertThat(s.sent()).isBetween(390L, 410L);
        assertThat(s.ok()).isEqualTo(s.sent());
        assertThat(s.errors()).isZero();
        assertThat(app.requestCount()).isEqualTo(s.sent());
        assertThat(seconds).hasSizeGreaterThanOrEqualTo(2);
        assertThat(s.p99()).isGreaterThan(0);
    }

    @Test
    void countsNon2xxAsErrors() throws Exception {
        LoadGenerator.Summary s = LoadGenerator.run(new LoadGenerator.Options(
                URI.create("http://127.0.0.1:" + app.port() + "/missing"), 50, Duration.ofSeconds(1), 100,
                Duration.ofSeconds(5), false), x -> { });
        assertThat(s.non2xx()).isEqualTo(s.sent());
        assertThat(s.statusCounts()).containsKey(404);
    }

    @Test
    void countsConnectionFailures() throws Exception {
        int port = app.port();
        app.close();
        LoadGenerator.Summary s = LoadGenerator.run(new LoadGenerator.Options(
                URI.create("http://127.0.0.1:" + port + "/"), 20, Duration.ofSeconds(1), 100,
                Duration.ofSeconds(2), false), x -> { });
        assertThat(s.failed()).isEqualTo(s.sent());
        assertThat(s.ok()).isZero();
    }

    @Test
    void refusesNonLoopbackTargets() {
        assertThatThrownBy(() -> LoadGenerator.run(new LoadGenerator.Options(
                URI.create("http://192.0.2.1:80/"), 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1), false), x -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback address");
    }

    @Test
    void parsesDurations() {
        assertThat(LoadCommand.parseDuration("--duration", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(LoadCommand.parseDuration("--duration", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(LoadCommand.parseDuration("--duration", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> LoadCommand.parseDuration("--duration", "soon"))
                .hasMessageContaining("--duration: \"soon\"");
    }

    @Test
    void schedulesEachRequestWhenTheOfferedRequestsReachIt() {
        LoadGenerator.Schedule s = LoadGenerator.Schedule.of(following(url(), "2s@20,2s@100", 1, null));
        assertThat(s.requests).isEqualTo(240);
        assertThat(s.peak).isEqualTo(100);
        assertThat(s.peakSecond).isEqualTo(2);
        assertThat(s.due(1)).isEqualTo(50_000_000L);
        assertThat(s.due(40)).isEqualTo(2_000_000_000L);
        assertThat(s.due(41)).isEqualTo(2_010_000_000L);
        assertThat(s.due(240)).isEqualTo(4_000_000_000L);
        assertThat(s.offered(1)).isEqualTo(20);
        assertThat(s.offered(4)).isEqualTo(100);
        assertThat(s.offered(5)).isZero();

        // Ten times faster at the same rates: a tenth of the requests, in a tenth of the time.
        LoadGenerator.Schedule fast = LoadGenerator.Schedule.of(following(url(), "20s@20,20s@100", 10, null));
        assertThat(fast.requests).isEqualTo(240);
        assertThat(fast.due(40)).isEqualTo(2_000_000_000L);
        assertThat(fast.offered(3)).isEqualTo(100);

        // A stretch without load is skipped over, and a run cut short by --duration offers only its share.
        LoadGenerator.Schedule idle = LoadGenerator.Schedule.of(following(url(), "1h@0,1m@10", 1, Duration.ofMinutes(61)));
        assertThat(idle.requests).isEqualTo(600);
        assertThat(idle.due(1)).isEqualTo(3600_100_000_000L);
        assertThat(LoadGenerator.Schedule.of(following(url(), "1m@10", 1, Duration.ofMillis(2500))).requests).isEqualTo(25);
    }

    @Test
    void followsAProfileSecondBySecond() throws Exception {
        List<LoadGenerator.Second> seconds = new ArrayList<>();
        LoadGenerator.Summary s = LoadGenerator.run(following(url(), "2s@20,2s@100", 1, null), seconds::add);
        assertThat(s.sent()).isEqualTo(240);
        assertThat(s.ok()).isEqualTo(240);
        assertThat(app.requestCount()).isEqualTo(240);
        // Requests due by the end of a second are counted in it, so the split is exact.
        assertThat(seconds.subList(0, 4)).extracting(LoadGenerator.Second::sent).containsExactly(20L, 20L, 100L, 100L);
        assertThat(seconds.subList(0, 4)).extracting(LoadGenerator.Second::offered).containsExactly(20.0, 20.0, 100.0, 100.0);
        assertThat(LoadGenerator.format(seconds.get(2))).startsWith("   3s  offered    100.0/s  sent    100  ok ");
    }

    @Test
    void playsAProfileFasterAtItsRates() throws Exception {
        List<LoadGenerator.Second> seconds = new ArrayList<>();
        long start = System.nanoTime();
        LoadGenerator.Summary s = LoadGenerator.run(following(url(), "20s@100", 10, null), seconds::add);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(s.sent()).isEqualTo(200);
        assertThat(app.requestCount()).isEqualTo(200);
        assertThat(seconds.get(0).offered()).isCloseTo(100, within(1e-6));
    }

    @Test
    void aDurationCapsAProfile() throws Exception {
        LoadGenerator.Summary s = LoadGenerator.run(following(url(), "1m@10", 1, Duration.ofSeconds(2)), x -> { });
        assertThat(s.sent()).isEqualTo(20);
        assertThat(app.requestCount()).isEqualTo(20);
    }

    @Test
    void followsACsvProfileFromTheCommandLine() throws Exception {
        Path csv = dir.resolve("ramp.csv");
        Files.writeString(csv, "seconds,rps\n0,0\n3,30\n");
        Run r = load(url().toString(), "--profile", csv.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // Seconds 0, 1 and 2 are played, at 0, 10 and 20 req/s; the run starts without load.
        assertThat(r.out()).startsWith("load: " + url() + " following " + csv + " (3s, peak 20 req/s, speed 1)\n");
        assertThat(r.out()).containsPattern("(?m)^   1s  offered      0.0/s  sent      0 ")
                .containsPattern("(?m)^   3s  offered     20.0/s  sent     20 ")
                .contains("total: sent 30, ok 30, non-2xx 0, failed 0, dropped 0");
        assertThat(app.requestCount()).isEqualTo(30);
    }

    @Test
    void scalesAProfilesRates() throws Exception {
        Run r = load(url().toString(), "--profile", "2s@5", "--scale", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("load: " + url() + " following 2s@5 (2s, peak 15 req/s, speed 1)\n")
                .containsPattern("(?m)^   1s  offered     15.0/s  sent     15 ")
                .contains("total: sent 30, ok 30, non-2xx 0, failed 0, dropped 0");
        assertThat(app.requestCount()).isEqualTo(30);
    }

    @Test
    void replaysAccessLogsRequestsPerSecond() throws Exception {
        Path log = dir.resolve("access.log");
        String entry = "127.0.0.1 - - [10/Oct/2026:13:55:%s +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"curl/8.5\"\n";
        Files.writeString(log, entry.formatted("36") + entry.formatted("36") + entry.formatted("36") + entry.formatted("37"));
        Run r = load(url().toString(), "--profile", log.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // The start line names what the profile was read from, as LoadProfile describes it.
        String source = LoadProfile.from(log.toString()).source().orElseThrow();
        assertThat(r.out()).startsWith("load: " + url() + " following " + source + " (2s, peak 3 req/s, speed 1)\n")
                .contains("total: sent 4, ok 4");
        assertThat(app.requestCount()).isEqualTo(4);
    }

    @Test
    void refusesBadProfileOptions() {
        String u = url().toString();
        assertThat(load(u, "--rps", "10", "--profile", "1m@10").err()).isEqualTo("headroom load: --rps and --profile: pick one\n");
        assertThat(load(u, "--speed", "10").err()).isEqualTo("headroom load: --speed: only with --profile\n");
        assertThat(load(u, "--profile", "1m@10", "--speed", "5000").err())
                .contains("--speed: 5000 (expected: 0 < speed <= 3600)");
        assertThat(load(u, "--scale", "2").err())
                .isEqualTo("headroom load: --scale: only with --profile (with --rps, set the rate itself)\n");
        assertThat(load(u, "--profile", "1m@10", "--scale", "0").err()).contains("--scale: 0 (expected: 0 < scale <= 1000)");
        assertThat(load(u, "--profile", "1m@10", "--scale", "1500").err())
                .contains("--scale: 1500 (expected: 0 < scale <= 1000)");
        assertThat(load(u, "--profile", "10s@500", "--scale", "1000").err())
                .contains("--profile: peak 500000 req/s at second 0 (expected: at most 200000 req/s)");
        Run bad = load(u, "--profile", "10m@20,fast");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("headroom load: load profile: 'fast' (expected DURATION@RPS or DURATION@FROM..TO");
        assertThat(load(u, "--profile", dir.resolve("nope.csv").toString()).err()).contains("no such file or directory");
        assertThat(load(u, "--profile", "10s@5,10s@250000").err())
                .contains("--profile: peak 250000 req/s at second 10 (expected: at most 200000 req/s)");
        assertThat(load(u, "--profile", "25h@5").err())
                .contains("--profile: lasts 25h at speed 1 (expected: at most 24h; raise --speed or cap the run with --duration)");
        assertThat(load(u, "--profile", "10s@0").err()).contains("--profile: 0 req/s in every second played");
        assertThat(app.requestCount()).isZero();
    }
}
