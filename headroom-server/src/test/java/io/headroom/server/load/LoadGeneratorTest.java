package io.headroom.server.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.server.demo.DemoApp;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    private DemoApp app;

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
}
