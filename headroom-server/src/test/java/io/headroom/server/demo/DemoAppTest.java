package io.headroom.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoAppTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private DemoApp app;

    @BeforeEach
    void start() throws Exception {
        app = DemoApp.start("127.0.0.1", 0, "i-0123456789abcdef0", 4);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootAnswersWithInstanceId() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("i-0123456789abcdef0");
    }

    @Test
    void failHealthMakesHealthCheckFailUntilRecovered() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/fail-health").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(get("/").statusCode()).isEqualTo(200);
        get("/recover-health");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void workBurnsTheRequestedCpuTime() throws Exception {
        long before = ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported()
                ? ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
                : 0;
        HttpResponse<String> r = get("/work?cpuMs=200");
        long after = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(after - before).isGreaterThanOrEqualTo(200_000_000L);
    }

    @Test
    void badParameterIsA400NamingIt() throws Exception {
        HttpResponse<String> r = get("/sleep?ms=soon");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("ms: \"soon\"");
    }

    @Test
    void healthIsAnsweredWhileEveryWorkThreadIsBusy() throws Exception {
        // The app under test has 4 work threads; keep all of them (and a queue behind them) sleeping.
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sleeping = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sleeping.add(client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/sleep?ms=3000")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).until(() -> app.inFlight() == 6);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(sleeping).noneMatch(java.util.concurrent.CompletableFuture::isDone);
        for (var f : sleeping) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }
}
