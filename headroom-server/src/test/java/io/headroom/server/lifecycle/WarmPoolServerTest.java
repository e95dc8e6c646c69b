package io.headroom.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.e2e.Support;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm pool through a real Headroom: demo-app instances launched into the pool complete their launch hook once
 * they listen and are then stopped; a scale out takes one, which answers through the load balancer; the API's
 * group view and /metrics show the pool.
 */
class WarmPoolServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HeadroomServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode group() throws Exception {
        return JSON.readTree(get("http://127.0.0.1:" + server.admin().port() + "/api/v1/auto-scaling-groups/web").body());
    }

    @Test
    void aScaleOutTakesAWarmedInstanceThatAnswersThroughTheLoadBalancer() throws Exception {
        int lbPort = Support.freePort();
        Path config = dir.resolve("headroom.yaml");
        Files.writeString(config, HookedGroup.config(dir, lbPort, "warm", 3, "", """
                    lifecycleHooks:
                      - { name: warm, lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", heartbeatTimeout: 300 }
                    warmPool: { maxGroupPreparedCapacity: 2 }
                """, ""));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(config), Variables.forConfig(), Clock.systemUTC());

        // One in service, one warmed (it completed its hook itself, then was stopped).
        await().atMost(Duration.ofSeconds(60)).until(() -> group().path("inService").asInt() == 1
                && group().path("warmPool").path("warmed").asInt() == 1);
        JsonNode pool = group().path("warmPool");
        assertThat(pool.path("poolState").asText()).isEqualTo("Stopped");
        assertThat(pool.path("desiredCapacity").asInt()).isEqualTo(1);
        String warmed = null;
        for (JsonNode i : group().path("instances")) {
            if (i.path("lifecycleState").asText().equals("Warmed:Stopped")) {
                warmed = i.path("instanceId").asText();
            }
        }
        assertThat(warmed).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("http://127.0.0.1:" + server.admin().port() + "/metrics")
                .body().contains("warm_pool_warmed_capacity{auto_scaling_group=\"web\"} 1"));

        // Scale out: the warmed instance is started and put in service; the pool (2 - 2 = 0) is not refilled.
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.admin().port()
                        + "/api/v1/auto-scaling-groups/web/desired-capacity")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"desiredCapacity\": 2}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String taken = warmed;
        await().atMost(Duration.ofSeconds(60)).until(() -> group().path("inService").asInt() == 2);
        boolean found = false;
        for (JsonNode i : group().path("instances")) {
            found |= i.path("instanceId").asText().equals(taken) && i.path("lifecycleState").asText().equals("InService");
        }
        assertThat(found).as("the warmed instance went InService").isTrue();
        assertThat(group().path("instances")).hasSize(2);
        assertThat(group().path("warmPool").path("desiredCapacity").asInt()).isZero();
        // Both answer through the load balancer (the demo app names its instance).
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40 && seen.size() < 2; i++) {
            HttpResponse<String> r = get("http://127.0.0.1:" + lbPort + "/");
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(r.body().contains(taken) ? taken : "other");
        }
        assertThat(seen).contains(taken);
    }
}
