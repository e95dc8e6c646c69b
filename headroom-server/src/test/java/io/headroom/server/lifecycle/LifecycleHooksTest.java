package io.headroom.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Main;
import io.headroom.server.Variables;
import io.headroom.server.e2e.Support;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Lifecycle hooks through a real Headroom: demo-app instances that complete their own launch hook through
 * {@code HEADROOM_ADMIN_URL} (as AWS user data calls complete-lifecycle-action), a termination hook completed with
 * the CLI, the admin API's lifecycle endpoints and their errors, and the {@code lifecycle} webhook event.
 */
class LifecycleHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "hooks-test-token";

    @TempDir
    Path dir;

    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private HeadroomServer server;
    private int lbPort;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        lbPort = Support.freePort();
        Path config = dir.resolve("headroom.yaml");
        Files.writeString(config, HookedGroup.config(dir, lbPort, "ready", 2, ", token: \"" + TOKEN + "\"", """
                    lifecycleHooks:
                      - name: ready
                        lifecycleTransition: autoscaling:EC2_INSTANCE_LAUNCHING
                        heartbeatTimeout: 300
                      - name: save-logs
                        lifecycleTransition: autoscaling:EC2_INSTANCE_TERMINATING
                        heartbeatTimeout: 300
                        defaultResult: CONTINUE
                        notificationMetadata: '{"bucket": "logs"}'
                """, """
                notifications:
                  - url: http://127.0.0.1:%d/hook
                    events: [lifecycle]
                """.formatted(receiver.getAddress().getPort())));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        try {
            if (server != null) {
                server.shutdown(Duration.ofSeconds(2));
            }
        } finally {
            receiver.stop(0);
        }
    }

    private String admin() {
        return "http://127.0.0.1:" + server.admin().port();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private JsonNode group() throws Exception {
        return json("GET", "/api/v1/auto-scaling-groups/web", null, 200);
    }

    private String state(String instanceId) throws Exception {
        for (JsonNode i : group().path("instances")) {
            if (i.path("instanceId").asText().equals(instanceId)) {
                return i.path("lifecycleState").asText();
            }
        }
        return "gone";
    }

    private List<JsonNode> events(String transition) {
        return received.stream().filter(j -> j.path("lifecycleAction").path("lifecycleTransition").asText()
                .equals("autoscaling:EC2_INSTANCE_" + transition)).toList();
    }

    private String cli(int expectedExit, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--admin", admin(), "--token", TOKEN)).toArray(String[]::new);
        int exit = cl.execute(all);
        assertThat(exit).as(out + "\n" + err).isEqualTo(expectedExit);
        return out + err.toString();
    }

    @Test
    void anInstanceCompletesItsOwnLaunchHookAndATerminationHookHoldsTheOldOneUntilTheCliContinues() throws Exception {
        // The demo app completes "ready" itself once it listens; then health checks put it in service.
        await().atMost(Duration.ofSeconds(60)).until(() -> group().path("inService").asInt() == 1);
        String first = group().path("instances").get(0).path("instanceId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> events("LAUNCHING").size() == 1);
        JsonNode told = events("LAUNCHING").get(0);
        assertThat(told.path("event").asText()).isEqualTo("lifecycle");
        assertThat(told.path("group").asText()).isEqualTo("web");
        assertThat(told.path("lifecycleAction").path("lifecycleHookName").asText()).isEqualTo("ready");
        assertThat(told.path("lifecycleAction").path("instanceId").asText()).isEqualTo(first);
        assertThat(told.path("lifecycleAction").path("lifecycleActionToken").asText()).hasSize(36);
        assertThat(told.path("lifecycleAction").path("port").asInt()).isPositive();
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbPort + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        JsonNode hooks = json("GET", "/api/v1/auto-scaling-groups/web/lifecycle-hooks", null, 200).path("lifecycleHooks");
        assertThat(hooks).hasSize(2);
        assertThat(hooks.get(0).path("defaultResult").asText()).isEqualTo("ABANDON");
        assertThat(hooks.get(1).path("globalTimeout").asInt()).isEqualTo(30000);

        // Terminate it (the group replaces it): drained, it waits on save-logs, still running.
        json("DELETE", "/api/v1/auto-scaling-groups/web/instances/" + first + "?decrementDesiredCapacity=false", null, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> state(first).equals("Terminating:Wait"));
        // (The replacement may be listed too, for the moment before it completes its own launch hook.)
        List<JsonNode> waiting = new java.util.ArrayList<>();
        json("GET", "/api/v1/auto-scaling-groups/web/lifecycle-actions", null, 200).path("lifecycleActions")
                .forEach(a -> {
                    if (a.path("instanceId").asText().equals(first)) {
                        waiting.add(a);
                    }
                });
        assertThat(waiting).hasSize(1);
        assertThat(waiting.get(0).path("lifecycleHookName").asText()).isEqualTo("save-logs");
        assertThat(waiting.get(0).path("notificationMetadata").asText()).isEqualTo("{\"bucket\": \"logs\"}");
        int oldPort = waiting.get(0).path("port").asInt();
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + oldPort + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(cli(0, "lifecycle", "web")).containsPattern("(?m)^" + first + "\\s+save-logs\\s+TERMINATING\\s+");

        // Bad calls name what is wrong and change nothing.
        assertThat(call("POST", "/api/v1/auto-scaling-groups/web/complete-lifecycle-action",
                "{\"instanceId\": \"" + first + "\", \"lifecycleActionResult\": \"MAYBE\"}").body())
                .contains("lifecycleActionResult: 'MAYBE' (expected: CONTINUE or ABANDON)");
        HttpResponse<String> unknown = call("POST", "/api/v1/auto-scaling-groups/web/complete-lifecycle-action",
                "{\"instanceId\": \"i-00000000000000000\", \"lifecycleActionResult\": \"CONTINUE\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("No active Lifecycle Action found with instance ID i-00000000000000000");
        assertThat(state(first)).isEqualTo("Terminating:Wait");

        JsonNode beat = json("POST", "/api/v1/auto-scaling-groups/web/record-lifecycle-action-heartbeat",
                "{\"lifecycleHookName\": \"save-logs\", \"instanceId\": \"" + first + "\"}", 200);
        assertThat(beat.path("heartbeatTimeoutTime").asText()).isNotEqualTo(waiting.get(0).path("heartbeatTimeoutTime").asText());
        assertThat(cli(0, "lifecycle", "web", first, "--continue")).contains(first + " save-logs: completed with CONTINUE");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(first).equals("Terminated") || state(first).equals("gone"));
        assertThat(events("TERMINATING")).hasSize(1);
        // The replacement passed its own launch hook.
        await().atMost(Duration.ofSeconds(60)).until(() -> group().path("inService").asInt() == 1);
        assertThat(events("LAUNCHING")).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> cli(0, "lifecycle", "web")
                .contains("web: no instance waits on a lifecycle hook"));
        assertThat(cli(2, "lifecycle", "web", first)).contains("say what to do: --continue, --abandon or --heartbeat");
    }
}
