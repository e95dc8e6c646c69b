package io.headroom.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.Instance;
import io.headroom.scaling.LifecycleState;
import io.headroom.scaling.ScalingProcess;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A real Headroom, stopped and started again on the same state directory. */
class StateRestartTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HeadroomServer server;
    private HttpServer backend;
    private ListAppender<ILoggingEvent> logs;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
        if (backend != null) {
            backend.stop(0);
        }
        if (logs != null) {
            ((Logger) LoggerFactory.getLogger(StateStore.class)).detachAppender(logs);
        }
    }

    private static int freePort() {
        return io.headroom.server.e2e.Support.freePort();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** An auto scaling group of demo-app processes (EC2 health checks: InService once running). */
    private Path asgConfig(Path stateDir, int port, int desired, String command) throws IOException {
        Path file = dir.resolve("headroom-" + desired + ".yaml");
        Files.writeString(file, """
                stateDir: %s
                admin: { listen: "127.0.0.1:0" }   # any free port: tests run side by side
                loadBalancers:
                  - name: web
                    listeners:
                      - { port: %d, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2 }
                    deregistrationDelaySeconds: 0
                launchTemplates:
                  - name: app
                    versions:
                      - command: %s
                        terminationGracePeriodSeconds: 5
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: app }
                    minSize: 0
                    maxSize: 2
                    desiredCapacity: %d
                    targetGroups: [web]
                    healthCheckType: EC2
                """.formatted(stateDir, port, command, desired));
        return file;
    }

    private static String demoApp() {
        return "[\"" + java() + "\", \"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-Xmx48m\", \"-cp\", "
                + "\"${HEADROOM_CLASSPATH}\", \"io.headroom.server.Main\", \"demo-app\", \"--port\", \"${PORT}\"]";
    }

    private HeadroomServer start(Path config) throws Exception {
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(), Clock.systemUTC());
        return server;
    }

    private static long inService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).count();
    }

    @Test
    void desiredCapacityAndActivitiesComeBackAfterARestart() throws Exception {
        Path config = asgConfig(dir.resolve("state"), freePort(), 0, demoApp());
        AutoScalingGroup g = start(config).controller().group("web");
        Activity change = g.setDesiredCapacity(1, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> inService(g) == 1);
        List<String> before = g.activities().stream().map(Activity::activityId).toList();
        String launch = g.activities().stream().filter(a -> a.description().startsWith("Launching")).findFirst()
                .orElseThrow().activityId();
        server.shutdown(Duration.ofSeconds(1)); // terminates the instance
        server = null;
        // As if the last run had been killed in the middle of an activity.
        try (StateStore s = StateStore.open(dir.resolve("state"), Clock.systemUTC())) {
            java.time.Instant t = java.time.Instant.now();
            s.activity(new Activity("killed-1", "web", "Launching a new EC2 instance: i-0", "cause", t, null,
                    Activity.IN_PROGRESS, null, 50));
        }

        AutoScalingGroup again = start(config).controller().group("web");
        assertThat(again.activities()).filteredOn(a -> a.activityId().equals("killed-1")).singleElement()
                .extracting(Activity::statusCode).isEqualTo(Activity.CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().activities("web", 500).stream()
                .anyMatch(a -> a.activityId().equals("killed-1") && a.statusCode().equals(Activity.CANCELLED)));
        assertThat(again.desiredCapacity()).isEqualTo(1);
        assertThat(again.activities()).extracting(Activity::activityId).contains(change.activityId(), launch)
                .containsAll(before);
        Activity oldLaunch = again.activities().stream().filter(a -> a.activityId().equals(launch)).findFirst().orElseThrow();
        assertThat(oldLaunch.statusCode()).isEqualTo(Activity.SUCCESSFUL);
        assertThat(again.activities()).anySatisfy(a -> assertThat(a.description()).startsWith("Terminating EC2 instance")
                .as("the shutdown's termination was saved too"));
        await().atMost(Duration.ofSeconds(30)).until(() -> inService(again) == 1);
        // Instances registered by the group itself are not runtime targets: they are not saved.
        assertThat(server.state().savedTargets()).isEmpty();
        assertThat(server.state().status().problem()).isNull();
    }

    @Test
    void suspendedProcessesStaySuspendedAcrossARestart() throws Exception {
        Path config = asgConfig(dir.resolve("state"), freePort(), 0, demoApp());
        AutoScalingGroup g = start(config).controller().group("web");
        g.suspendProcesses(List.of(ScalingProcess.ReplaceUnhealthy, ScalingProcess.Launch));
        g.resumeProcesses(List.of(ScalingProcess.Launch));
        g.suspendProcesses(List.of(ScalingProcess.AlarmNotification));
        Map<ScalingProcess, String> suspended = g.suspendedProcesses();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().suspendedProcesses("web").equals(suspended));
        server.shutdown(Duration.ofSeconds(1));
        server = null;

        AutoScalingGroup again = start(config).controller().group("web");
        assertThat(again.suspendedProcesses()).containsExactlyEntriesOf(suspended);
        again.resumeProcesses(List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().suspendedProcesses("web").isEmpty());
        server.shutdown(Duration.ofSeconds(1));
        server = null;
        assertThat(start(config).controller().group("web").suspendedProcesses()).isEmpty();
    }

    @Test
    void theFileWinsWhenItsDesiredCapacityChangedSince() throws Exception {
        Path state = dir.resolve("state");
        int port = freePort();
        String sleep = "[\"sleep\", \"300\"]";
        AutoScalingGroup g = start(asgConfig(state, port, 0, sleep)).controller().group("web");
        g.setDesiredCapacity(2, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().capacity("web")
                .map(SavedCapacity::desiredCapacity).orElse(-1) == 2);
        server.shutdown(Duration.ZERO);
        server = null;

        // Same file: the saved 2. An edited file (desiredCapacity 1): the file's 1.
        assertThat(start(asgConfig(state, port, 0, sleep)).controller().group("web").desiredCapacity()).isEqualTo(2);
        server.shutdown(Duration.ZERO);
        server = null;
        assertThat(start(asgConfig(state, port, 1, sleep)).controller().group("web").desiredCapacity()).isEqualTo(1);
    }

    private void startBackend(String body) throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        backend.start();
    }

    /** A load balancer whose target group has no static targets, optionally with a static one. */
    private Path lbConfig(Path stateDir, int port, String targets) throws IOException {
        Path file = dir.resolve("lb.yaml");
        Files.writeString(file, """
                stateDir: %s
                admin: { listen: "127.0.0.1:0" }   # any free port: tests run side by side
                loadBalancers:
                  - name: web
                    listeners:
                      - { port: %d, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }
                targetGroups:
                  - name: web
                    healthCheck: { path: /, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2 }
                    deregistrationDelaySeconds: 0
                    targets: %s
                """.formatted(stateDir, port, targets));
        return file;
    }

    private static HttpResponse<String> get(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTargetRegisteredAtRunTimeComesBack() throws Exception {
        startBackend("runtime target");
        int port = freePort();
        Path config = lbConfig(dir.resolve("state"), port, "[]");
        TargetAddress target = new TargetAddress("127.0.0.1", backend.getAddress().getPort());
        start(config).runtimeTargets().register("web", target);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().savedTargets().size() == 1);
        server.shutdown(Duration.ZERO);
        server = null;

        start(config);
        assertThat(server.targetGroups().describe("web")).extracting(TargetHealth::target).containsExactly(target);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get(port).body()).isEqualTo("runtime target"));

        // Deregistered at run time: gone after the next restart.
        server.runtimeTargets().deregister("web", target);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().savedTargets().isEmpty());
        server.shutdown(Duration.ZERO);
        server = null;
        start(config);
        assertThat(server.targetGroups().describe("web")).isEmpty();
    }

    private void captureStateLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(StateStore.class)).addAppender(logs);
    }

    private List<String> errorLines() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aCorruptStateFileIsMovedAsideAndHeadroomServes() throws Exception {
        startBackend("still serving");
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Path db = state.resolve("headroom.db");
        Files.write(db, "garbage, not SQLite\n".repeat(500).getBytes(StandardCharsets.UTF_8));
        int port = freePort();
        captureStateLogs();
        start(lbConfig(state, port, "[{ host: 127.0.0.1, port: " + backend.getAddress().getPort() + " }]"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get(port).body()).isEqualTo("still serving"));
        StateStatus status = server.state().status();
        assertThat(status.persisting()).isTrue();
        assertThat(status.problem()).contains(db.toString()).contains("corrupt").contains("moved it aside as");
        assertThat(errorLines()).hasSize(1).first().asString().contains(db.toString()).contains("corrupt");
        try (Stream<Path> files = Files.list(state)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("headroom.db.corrupt-")).toList();
            assertThat(aside).hasSize(1);
            assertThat(Files.readString(aside.get(0))).startsWith("garbage, not SQLite");
        }
        // The fresh file works: a runtime registration is saved.
        server.runtimeTargets().register("web", new TargetAddress("127.0.0.1", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.state().savedTargets().size() == 1);
    }

    @Test
    void anUnwritableStateDirIsReportedAndHeadroomServes() throws Exception {
        startBackend("no state, still serving");
        // Tests run as root, where chmod does not stop writes: a regular file as the parent does.
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "x");
        Path state = blocker.resolve("state");
        int port = freePort();
        captureStateLogs();
        start(lbConfig(state, port, "[{ host: 127.0.0.1, port: " + backend.getAddress().getPort() + " }]"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get(port).body()).isEqualTo("no state, still serving"));
        StateStatus status = server.state().status();
        assertThat(status.persisting()).isFalse();
        assertThat(status.problem()).contains(state.resolve("headroom.db").toString()).contains("running without saving state");
        assertThat(errorLines()).hasSize(1).first().asString().contains(state.resolve("headroom.db").toString());
        server.runtimeTargets().register("web", new TargetAddress("127.0.0.1", 1)); // no error without persistence
        assertThat(server.targetGroups().describe("web")).hasSize(2);
    }
}
