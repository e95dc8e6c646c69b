package io.headroom.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadProfileTest {
    @TempDir
    Path dir;

    @Test
    void segmentsHoldOrRampLinearly() {
        LoadProfile p = LoadProfile.parse("10m@20, 5m@20..200,1h30m@200");
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(105));
        assertThat(p.rps(0)).isEqualTo(20);
        assertThat(p.rps(599)).isEqualTo(20);
        assertThat(p.rps(600)).isEqualTo(20);
        assertThat(p.rps(750)).isEqualTo(110);
        assertThat(p.rps(900)).isEqualTo(200);
        assertThat(p.rps(6299)).isEqualTo(200);
        assertThat(p.rps(7000)).isZero();
    }

    @Test
    void badSegmentsSayWhatIsExpected() {
        assertThatThrownBy(() -> LoadProfile.parse("10m@20,fast")).hasMessage("load profile: 'fast' (expected DURATION@RPS"
                + " or DURATION@FROM..TO, e.g. 10m@20 or 5m@20..200; durations in h, m, s)");
        assertThatThrownBy(() -> LoadProfile.parse("0s@5")).hasMessageContaining("lasts 0 s");
        assertThatThrownBy(() -> LoadProfile.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void aCsvIsInterpolatedBetweenItsPoints() throws Exception {
        Path f = dir.resolve("load.csv");
        Files.writeString(f, "seconds,rps\n# a recorded morning\n0,10\n60,70\n120,70\n");
        LoadProfile p = LoadProfile.csv(f);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.rps(30)).isEqualTo(40);
        assertThat(p.rps(90)).isEqualTo(70);
        Files.writeString(f, "0,10\n60,x\n");
        assertThatThrownBy(() -> LoadProfile.csv(f)).hasMessageEndingWith("load.csv:2: '60,x' (expected: seconds,requestsPerSecond)");
        Files.writeString(f, "0,10\n60,20\n30,5\n");
        assertThatThrownBy(() -> LoadProfile.csv(f)).hasMessageContaining(":3: second 30 (expected: after 60");
    }

    // AWS's documented shape of an ALB entry (fields in ALB's order); the request was created 0.2 s before `time`.
    private static String alb(String time, String created) {
        return "https " + time + " app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048"
                + " 0.037 200 200 0 57 \"GET https://www.example.com:443/ HTTP/1.1\" \"curl/7.46.0\""
                + " ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"
                + " \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\""
                + " \"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 " + created
                + " \"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef90";
    }

    @Test
    void anAlbAccessLogGivesTheRequestsOfEachSecondFromItsFirst() throws Exception {
        Path f = dir.resolve("alb.log");
        Files.writeString(f, String.join("\n",
                alb("2026-12-01T10:00:00.300000Z", "2026-12-01T10:00:00.100000Z"),
                alb("2026-12-01T10:00:01.100000Z", "2026-12-01T10:00:00.900000Z"),  // created in second 0, logged in 1
                alb("2026-12-01T10:00:03.500000Z", "2026-12-01T10:00:03.300000Z"),
                alb("2026-12-01T10:00:03.900000Z", "2026-12-01T10:00:03.700000Z"),
                alb("2026-12-01T10:00:03.990000Z", "2026-12-01T10:00:03.950000Z")) + "\n");
        LoadProfile p = LoadProfile.from(f.toString());
        assertThat(p.start()).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(p.duration()).isEqualTo(Duration.ofSeconds(4));
        assertThat(List.of(p.rps(0), p.rps(1), p.rps(2), p.rps(3))).containsExactly(2.0, 0.0, 0.0, 3.0);
        assertThat(p.source()).hasValueSatisfying(s -> assertThat(s).contains("5 requests in 1 access log file")
                .contains("2026-12-01T10:00:00Z to 2026-12-01T10:00:04Z"));
    }

    @Test
    void aDirectoryOfGzippedAlbLogsCombinedAndJsonAndNginxLogsAreReadWholeSkippingOtherFiles() throws Exception {
        Path day = Files.createDirectories(dir.resolve("AWSLogs/123456789012/elasticloadbalancing/us-east-2/2026/12/01"));
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(
                day.resolve("123456789012_elasticloadbalancing_us-east-2_app.my-alb_20261201T1000Z_10.0.0.1_abc.log.gz"))),
                StandardCharsets.UTF_8)) {
            w.write(alb("2026-12-01T10:00:00.300000Z", "2026-12-01T10:00:00.100000Z") + "\n");
            w.write(alb("2026-12-01T10:00:02.300000Z", "2026-12-01T10:00:02.100000Z") + "\n");
        }
        Files.writeString(dir.resolve("AWSLogs/123456789012/ELBAccessLogTestFile"), "Enable AccessLog for ELB: my-alb at 2026-12-01T09:00:00Z\n");
        Files.writeString(dir.resolve("access.json"), "{\"type\":\"http\",\"time\":\"2026-12-01T10:00:02.500000Z\","
                + "\"elb\":\"web\",\"request_creation_time\":\"2026-12-01T10:00:02.400000Z\"}\n");
        Files.writeString(dir.resolve("nginx-access.log"), "127.0.0.1 - - [01/Dec/2026:11:00:01 +0100] \"GET / HTTP/1.1\" 200 6"
                + " \"-\" \"curl/8.0\"\n\n10.1.2.3 - frank [01/Dec/2026:10:00:02 +0000] \"POST /x HTTP/1.1\" 201 -\n");
        LoadProfile p = LoadProfile.from(dir.toString());
        assertThat(p.start()).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(List.of(p.rps(0), p.rps(1), p.rps(2))).containsExactly(1.0, 1.0, 3.0);
        assertThat(p.source()).hasValueSatisfying(s -> assertThat(s).contains("5 requests in 3 access log files"));
    }

    @Test
    void aBadEntryIsNamedByFileAndLineAndAPathThatIsNotThereIsAnError() throws Exception {
        Path f = dir.resolve("alb.log");
        Files.writeString(f, alb("2026-12-01T10:00:00.300000Z", "2026-12-01T10:00:00.100000Z") + "\n"
                + alb("2026-12-01T10:00:01.300000Z", "2026-13-01T10:00:01.100000Z") + "\n");
        assertThatThrownBy(() -> LoadProfile.from(f.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alb.log:2: no request time in 'https 2026-12-01T10:00:01.300000Z")
                .hasMessageEndingWith("(expected: an entry like the file's first, an ALB access log entry)");
        Files.writeString(f, "127.0.0.1 - - [01/Dec/2026:11:00:01 +0100] \"GET / HTTP/1.1\" 200 6\n"
                + "127.0.0.1 - - [yesterday] \"GET / HTTP/1.1\" 200 6\n");
        assertThatThrownBy(() -> LoadProfile.from(f.toString())).hasMessageContaining("alb.log:2: no request time");
        assertThatThrownBy(() -> LoadProfile.from(dir.resolve("nope.log").toString()))
                .hasMessageContaining("nope.log: no such file or directory");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "nothing to see\n");
        assertThatThrownBy(() -> LoadProfile.from(empty.toString())).hasMessageContaining("empty: no access log entries (expected ALB");
        Files.writeString(f, alb("2026-12-01T10:00:00.300000Z", "2026-12-01T10:00:00.100000Z") + "\n"
                + alb("2027-01-05T10:00:00.300000Z", "2027-01-05T10:00:00.100000Z") + "\n");
        assertThatThrownBy(() -> LoadProfile.from(f.toString())).hasMessageContaining("more than 31 days");
    }

    @Test
    void albFieldsAreSplitAtSpacesOutsideQuotes() {
        String line = "h2 t elb \"GET / \\\"x\\\" HTTP/2.0\" \"\" last";
        assertThat(AccessLogs.field(line, 3)).isEqualTo("\"GET / \\\"x\\\" HTTP/2.0\"");
        assertThat(AccessLogs.field(line, 4)).isEqualTo("\"\"");
        assertThat(AccessLogs.field(line, 5)).isEqualTo("last");
        assertThat(AccessLogs.field(line, 6)).isNull();
    }

    @Test
    void segmentsAndCsvFilesStillWorkThroughFrom() throws Exception {
        assertThat(LoadProfile.from("1m@5").duration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(LoadProfile.from("1m@5").start()).isEmpty();
        Path f = dir.resolve("load.csv");
        Files.writeString(f, "0,10\n60,70\n");
        assertThat(LoadProfile.from(f.toString()).rps(30)).isEqualTo(40);
    }
}
