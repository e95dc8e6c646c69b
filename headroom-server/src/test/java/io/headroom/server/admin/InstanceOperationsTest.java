package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.e2e.Support;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SetInstanceHealth, DetachInstances and AttachInstances through the admin API of a real Headroom: load balancer
 * {@code web} in front of target group {@code web} and group {@code web} (min 1, max 3, desired 2, ELB health checks)
 * of demo-app processes, and group {@code spare} (min 0, max 1, desired 0, no target group). What a user sees: the
 * instances answering, the load balancer's traffic, the activities and the errors.
 */
class InstanceOperationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final String WEB = "/api/v1/auto-scaling-groups/web";
    private static final String SPARE = "/api/v1/auto-scaling-groups/spare";

    @TempDir
    Path dir;

    private HeadroomServer server;
    private int lbPort;

    record Response(int status, JsonNode json) {}

    @BeforeEach
    void start() throws Exception {
        lbPort = Support.freePort();
        Path config = dir.resolve("headroom.yaml");
        Files.writeString(config, """
                admin: { listen: "127.0.0.1:0" }
                stateDir: %s
                loadBalancers:
                  - name: web
                    listeners: [{ port: %d, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }]
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    deregistrationDelaySeconds: 2
                launchTemplates:
                  - name: demo
                    versions: [{ command: %s, terminationGracePeriodSeconds: 5 }]
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: demo }
                    minSize: 1
                    maxSize: 3
                    desiredCapacity: 2
                    targetGroups: [web]
                    healthCheckType: ELB
                    healthCheckGracePeriodSeconds: 300
                  - name: spare
                    launchTemplate: { name: demo }
                    minSize: 0
                    maxSize: 1
                    desiredCapacity: 0
                """.formatted(dir.resolve("state"), lbPort, Support.demoAppCommand()));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(), Clock.systemUTC());
        await().atMost(Duration.ofSeconds(60)).until(() -> get(WEB).path("inService").asInt() == 2);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private Response call(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.admin().port()
                        + path)).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return call("GET", path, null).json();
    }

    private static void assertError(Response r, int status, String code, String... messageParts) {
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(status);
        assertThat(r.json().path("code").asText()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).contains(messageParts);
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    private List<JsonNode> instances(String group, String state) throws Exception {
        return list(get(group).path("instances")).stream().filter(i -> i.path("lifecycleState").asText().equals(state))
                .toList();
    }

    private JsonNode listed(String id) throws Exception {
        return list(get("/api/v1/instances").path("instances")).stream()
                .filter(i -> i.path("instanceId").asText().equals(id)).findFirst().orElse(null);
    }

    /** GET / of one instance, straight to its port: "hello from i-... (port N)". */
    private static String direct(JsonNode instance) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + instance.path("host").asText() + ":"
                + instance.path("port").asInt() + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The bodies of {@code n} requests through the load balancer. */
    private List<String> throughLoadBalancer(int n) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbPort + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        return bodies;
    }

    @Test
    void unhealthyFromAUserReplacesTheInstanceOutsideTheGracePeriodOnlyWhenAsked() throws Exception {
        String id = instances(WEB, "InService").get(0).path("instanceId").asText();
        String path = WEB + "/instances/" + id + "/health";
        assertError(call("PUT", path, "{\"healthStatus\": \"Sick\"}"), 400, "ValidationError",
                "healthStatus: 'Sick' (expected: Healthy or Unhealthy)");
        assertError(call("PUT", path, "{}"), 400, "ValidationError", "healthStatus: missing");
        assertError(call("PUT", path, "{\"healthStatus\": \"Unhealthy\", \"shouldRespectGracePeriod\": \"no\"}"), 400,
                "ValidationError", "shouldRespectGracePeriod: \"no\" (expected: true or false)");
        assertError(call("PUT", WEB + "/instances/i-nope/health", "{\"healthStatus\": \"Unhealthy\"}"), 404,
                "NotFound", "i-nope");

        // Within the group's 300 s grace period: ignored by default, as on AWS.
        Response ignored = call("PUT", path, "{\"healthStatus\": \"Unhealthy\"}");
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.json().path("ignored").asBoolean()).isTrue();
        assertThat(ignored.json().path("message").asText()).contains("within the health check grace period")
                .contains("(300 s, until");
        assertThat(ignored.json().path("instance").path("healthStatus").asText()).isEqualTo("Healthy");

        Response set = call("PUT", path, "{\"healthStatus\": \"Unhealthy\", \"shouldRespectGracePeriod\": false}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().path("ignored").asBoolean()).isFalse();
        assertThat(set.json().path("message").isNull()).isTrue();
        assertThat(set.json().path("instance").path("healthStatus").asText()).isEqualTo("Unhealthy");
        // Replaced: a new instance InService (launched first: the group has no instance maintenance policy), the old
        // one terminated, with AWS's cause.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode old = listed(id);
            return (old == null || old.path("lifecycleState").asText().equals("Terminated"))
                    && instances(WEB, "InService").size() == 2;
        });
        assertThat(instances(WEB, "InService")).noneMatch(i -> i.path("instanceId").asText().equals(id));
        assertThat(list(get(WEB + "/activities"))).anySatisfy(a -> {
                    assertThat(a.path("description").asText()).isEqualTo("Terminating EC2 instance: " + id);
                    assertThat(a.path("cause").asText()).matches("At \\S+Z an instance was taken out of service in"
                            + " response to a user health-check\\.");
                });
        if (listed(id) != null) {
            assertError(call("PUT", path, "{\"healthStatus\": \"Healthy\"}"), 409, "Conflict",
                    "is Terminated (expected: Pending or InService)");
        }
    }

    @Test
    void aDetachedInstanceKeepsRunningWithoutTrafficAndServesAgainOnceAttached() throws Exception {
        List<JsonNode> two = instances(WEB, "InService");
        String a = two.get(0).path("instanceId").asText();
        String b = two.get(1).path("instanceId").asText();
        String detach = WEB + "/detach-instances";
        assertError(call("POST", detach, "{\"instanceIds\": [\"" + a + "\"]}"), 400, "ValidationError",
                "shouldDecrementDesiredCapacity: missing (expected: true or false)");
        assertError(call("POST", detach, "{\"shouldDecrementDesiredCapacity\": false}"), 400, "ValidationError",
                "instanceIds: missing");
        assertError(call("POST", detach, "{\"instanceIds\": [\"i-nope\"], \"shouldDecrementDesiredCapacity\": false}"),
                400, "ValidationError", "The instance i-nope is not part of Auto Scaling group 'web'.");
        assertError(call("POST", detach, "{\"instanceIds\": [\"" + a + "\", \"" + b + "\"],"
                + " \"shouldDecrementDesiredCapacity\": true}"), 400, "ValidationError", "from 2 to 0, below its minSize 1");

        Response r = call("POST", detach, "{\"instanceIds\": [\"" + a + "\"], \"shouldDecrementDesiredCapacity\": false}");
        assertThat(r.status()).isEqualTo(202);
        JsonNode activity = r.json().path("activities").get(0);
        assertThat(activity.path("description").asText()).isEqualTo("Detaching EC2 instance: " + a);
        assertThat(activity.path("cause").asText()).matches("At \\S+Z instance " + a + " was detached in response to a"
                + " user request\\.");
        // Detached (after the 2 s deregistration delay), a replacement InService, the desired capacity kept.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode d = listed(a);
            return d != null && d.path("lifecycleState").asText().equals("Detached") && instances(WEB, "InService").size() == 2;
        });
        JsonNode detached = listed(a);
        assertThat(detached.path("autoScalingGroupName").isNull()).isTrue();
        assertThat(detached.path("detachedFrom").asText()).isEqualTo("web");
        assertThat(get(WEB).path("desiredCapacity").asInt()).isEqualTo(2);
        assertThat(get("/api/v1/status").path("detachedInstances").get(0).path("instanceId").asText()).isEqualTo(a);
        // Still running and answering on its port, and the load balancer sends it nothing.
        assertThat(direct(detached)).startsWith("hello from " + a);
        assertThat(throughLoadBalancer(20)).allMatch(body -> body.startsWith("hello from ")).noneMatch(body -> body.contains(a));
        assertThat(list(get("/api/v1/target-groups/web").path("targets")))
                .noneMatch(t -> t.path("port").asInt() == detached.path("port").asInt());

        // Attach it again: beyond maxSize refused; within it the desired capacity grows and it gets traffic once healthy.
        String attach = WEB + "/attach-instances";
        assertError(call("POST", attach, "{\"instanceIds\": [\"i-0123456789abcdef0\"]}"), 400, "ValidationError",
                "The instance i-0123456789abcdef0 is not an instance Headroom can attach");
        assertError(call("POST", attach, "{\"instanceIds\": [\"" + b + "\"]}"), 400, "ValidationError",
                "The instance " + b + " is already part of AutoScalingGroup 'web'");
        assertError(call("POST", SPARE + "/attach-instances", "{\"instanceIds\": []}"), 400, "ValidationError",
                "instanceIds: empty (expected: 1..20 instance ids)");
        r = call("POST", attach, "{\"instanceIds\": [\"" + a + "\"]}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().path("activities").get(0).path("description").asText())
                .isEqualTo("Attaching an existing EC2 instance: " + a);
        assertThat(r.json().path("activities").get(0).path("cause").asText()).matches("At \\S+Z an instance was added in"
                + " response to user request\\. Keeping the capacity at the new 3\\.");
        assertThat(get(WEB).path("desiredCapacity").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(60)).until(() -> instances(WEB, "InService").stream()
                .anyMatch(i -> i.path("instanceId").asText().equals(a)));
        await().atMost(Duration.ofSeconds(20)).until(() -> throughLoadBalancer(12).stream().anyMatch(body -> body.contains(a)));

        // At maxSize 3: detach another, and it cannot come back to web, but the spare group takes it.
        call("POST", detach, "{\"instanceIds\": [\"" + b + "\"], \"shouldDecrementDesiredCapacity\": false}");
        await().atMost(Duration.ofSeconds(60)).until(() -> listed(b) != null
                && listed(b).path("lifecycleState").asText().equals("Detached"));
        assertError(call("POST", attach, "{\"instanceIds\": [\"" + b + "\"]}"), 400, "ValidationError",
                "Attaching 1 instance(s) would raise the desired capacity of auto scaling group 'web' from 3 to 4, above"
                        + " its maxSize 3.");
        r = call("POST", SPARE + "/attach-instances", "{\"instanceIds\": [\"" + b + "\"]}");
        assertThat(r.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> instances(SPARE, "InService").stream()
                .anyMatch(i -> i.path("instanceId").asText().equals(b)));
        assertThat(get(SPARE).path("desiredCapacity").asInt()).isEqualTo(1);

        // Detached from spare (down to its minSize 0), it runs until Headroom stops, and then it is stopped too.
        r = call("POST", SPARE + "/detach-instances", "{\"instanceIds\": [\"" + b + "\"], \"shouldDecrementDesiredCapacity\": true}");
        assertThat(r.json().path("activities").get(0).path("cause").asText()).endsWith("shrinking the capacity from 1 to 0.");
        await().atMost(Duration.ofSeconds(30)).until(() -> listed(b) != null && listed(b).path("detachedFrom").asText()
                .equals("spare"));
        JsonNode last = listed(b);
        assertThat(direct(last)).startsWith("hello from " + b);
        server.shutdown(Duration.ofSeconds(2));
        server = null;
        assertThatThrownBy(() -> direct(last)).isInstanceOf(ConnectException.class);
    }
}
