package io.headroom.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.headroom.core.config.NotificationConfig;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.GroupCapacity;
import io.headroom.scaling.LifecycleState;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks received by a real JDK HTTP server on 127.0.0.1. */
class NotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** A receiver that answers {@code statusFor(n)} to the n-th POST (from 1) and keeps every body. */
    private String startReceiver(java.util.function.IntUnaryOperator statusFor) throws IOException {
        AtomicInteger n = new AtomicInteger();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = statusFor.applyAsInt(n.incrementAndGet());
            JsonNode json = JSON.readTree(body);
            ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("_status", status)
                    .put("_contentType", ex.getRequestHeaders().getFirst("Content-Type"));
            received.add(json);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private List<JsonNode> received(String event) {
        return received.stream().filter(j -> j.path("event").asText().equals(event)).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRunningHeadroomPostsAlarmChangesAndScalingActivities() throws Exception {
        String url = startReceiver(n -> 200);
        Path config = dir.resolve("headroom.yaml");
        // Fewer than 1 InService instance sets the alarm off; the policy adds one (a plain process).
        Files.writeString(config, """
                stateDir: %s
                admin: { listen: "127.0.0.1:0" }   # any free port: tests run side by side
                launchTemplates:
                  - name: app
                    versions: [{ command: ["sleep", "300"], terminationGracePeriodSeconds: 2 }]
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: app }
                    minSize: 0
                    maxSize: 1
                    desiredCapacity: 0
                    healthCheckType: EC2
                    policies:
                      - name: floor
                        policyType: SimpleScaling
                        adjustmentType: ChangeInCapacity
                        scalingAdjustment: 1
                        alarm: { metricName: GroupInServiceInstances, statistic: Maximum, periodSeconds: 1,
                                 evaluationPeriods: 1, threshold: 1, comparisonOperator: LessThanThreshold }
                notifications:
                  - url: %s
                    events: [alarm, scaling, launch, activity]
                """.formatted(dir.resolve("state"), url));
        HeadroomServer server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(),
                Clock.systemUTC());
        closeLast.add(() -> server.shutdown(Duration.ZERO));
        AutoScalingGroup g = server.controller().group("web");

        await().atMost(Duration.ofSeconds(20)).until(() -> !received("launch").isEmpty());
        assertThat(g.instances()).anyMatch(i -> i.lifecycleState() == LifecycleState.InService);

        JsonNode alarm = received("alarm").get(0);
        assertThat(alarm.path("group").asText()).isEqualTo("web");
        assertThat(alarm.path("alarm").path("name").asText()).isEqualTo("SimpleScaling-web-floor");
        assertThat(alarm.path("alarm").path("policy").asText()).isEqualTo("floor");
        assertThat(alarm.path("alarm").path("oldState").asText()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(alarm.path("alarm").path("newState").asText()).isEqualTo("ALARM");
        assertThat(alarm.path("alarm").path("reason").asText()).startsWith("Threshold Crossed");
        assertThat(Instant.parse(alarm.path("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(alarm.path("_contentType").asText()).isEqualTo("application/json");

        JsonNode scaling = received("scaling").get(0);
        assertThat(scaling.path("previousDesiredCapacity").asInt()).isZero();
        assertThat(scaling.path("desiredCapacity").asInt()).isEqualTo(1);
        assertThat(scaling.path("maxSize").asInt()).isEqualTo(1);

        assertThat(received("activity")).anySatisfy(a -> {
            assertThat(a.path("activity").path("description").asText()).isEqualTo("Changing the desired capacity from 0 to 1");
            assertThat(a.path("activity").path("cause").asText()).contains("SimpleScaling-web-floor");
            assertThat(a.path("activity").path("statusCode").asText()).isEqualTo(Activity.SUCCESSFUL);
        });
        JsonNode launch = received("launch").get(0);
        assertThat(launch.path("activity").path("description").asText()).startsWith("Launching a new EC2 instance: i-");
        assertThat(launch.path("activity").path("statusCode").asText()).isEqualTo(Activity.SUCCESSFUL);
        assertThat(launch.path("activity").path("endTime").asText()).isNotEmpty();
        assertThat(received("terminate")).as("not subscribed").isEmpty();
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventOnTheThirdAttempt() throws Exception {
        String url = startReceiver(n -> n <= 2 ? 503 : 200);
        Notifier notifier = new Notifier(List.of(new NotificationConfig(url, List.of("scaling"))), Clock.systemUTC(),
                Duration.ofMillis(50), 100);
        closeLast.add(notifier);
        notifier.capacityChanged(new GroupCapacity("web", 1, 4, 3, 2, 2));

        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.stats().sent() == 1);
        assertThat(received).hasSize(3).extracting(j -> j.path("_status").asInt()).containsExactly(503, 503, 200);
        assertThat(received).allSatisfy(j -> {
            assertThat(j.path("event").asText()).isEqualTo("scaling");
            assertThat(j.path("group").asText()).isEqualTo("web");
            assertThat(j.path("desiredCapacity").asInt()).isEqualTo(3);
        });
        assertThat(notifier.stats().failed()).isZero();
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        String url = startReceiver(n -> 404);
        Notifier notifier = new Notifier(List.of(new NotificationConfig(url, List.of("scaling"))), Clock.systemUTC(),
                Duration.ofMillis(50), 100);
        closeLast.add(notifier);
        notifier.capacityChanged(new GroupCapacity("web", 1, 4, 3, 2, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.stats().failed() == 1);
        assertThat(received).hasSize(1);
    }

    @Test
    void deadAndHangingReceiversNeverSlowTheCaller() throws Exception {
        int dead = freePort(); // nothing listens there: connection refused
        ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts, never answers
        closeLast.add(hanging);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(hanging.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        closeLast.add(() -> {
            for (Socket s : accepted) {
                s.close();
            }
        });
        Notifier notifier = new Notifier(List.of(
                new NotificationConfig("http://127.0.0.1:" + dead + "/hook", List.of("activity")),
                new NotificationConfig("http://127.0.0.1:" + hanging.getLocalPort() + "/hook", List.of("activity"))),
                Clock.systemUTC(), Duration.ofMillis(20), 100);
        closeLast.add(0, notifier);

        Instant t0 = Instant.now();
        long start = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            notifier.activity(new Activity("a-" + i, "web", "Changing the desired capacity from 1 to 2", "cause", t0, t0,
                    Activity.SUCCESSFUL, null, 100));
        }
        long took = System.nanoTime() - start;
        assertThat(Duration.ofNanos(took)).as("20000 events handed over").isLessThan(Duration.ofSeconds(2));
        assertThat(notifier.stats().queued()).isLessThanOrEqualTo(100);
        assertThat(notifier.stats().dropped()).isGreaterThan(19_000);
        // The dead receiver's deliveries give up after their retries; the hanging one holds connections open.
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.stats().failed() > 0);
        assertThat(accepted).isNotEmpty();
    }
}
