package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.headroom.server.admin.AdminFixture.Response;
import io.headroom.server.demo.DemoApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's contract (docs/api.md) against a real Headroom: every endpoint, its JSON shape, its errors and
 * the bearer token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
    private static final String TOKEN = "s3cret-admin-token";

    private AdminFixture h;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        h = new AdminFixture(dir, TOKEN);
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/auto-scaling-groups/demo").json()
                .path("inService").asInt() == 1);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    private static void assertError(Response r, int status, String code, String... messageParts) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.json().path("code").asText()).isEqualTo(code);
        if (messageParts.length > 0) {
            assertThat(r.json().path("message").asText()).contains(messageParts);
        }
        assertThat(r.raw().body()).doesNotContain("\tat ", "Exception");
    }

    // ---- auth

    @Test
    void everyRequestNeedsTheBearerTokenWhenOneIsConfigured() throws Exception {
        for (String path : List.of("/api/v1/status", "/metrics", "/healthz", "/api/v1/nope")) {
            Response none = h.call("GET", path, null, null);
            assertError(none, 401, "Unauthorized", "Authorization");
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"headroom\"");
            assertError(h.call("GET", path, null, "wrong-token"), 401, "Unauthorized", "wrong admin token");
            assertError(h.call("GET", path, null, TOKEN + "x"), 401, "Unauthorized");
        }
        assertThat(h.call("GET", "/api/v1/status", null, TOKEN).status()).isEqualTo(200);
        // The write endpoints are refused too, and nothing changes.
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 3}", null),
                401, "Unauthorized");
        assertThat(h.server.controller().group("demo").desiredCapacity()).isNotEqualTo(3);
    }

    @Test
    void aBrowserSignsInOnceWithTheTokenInTheUrlAndThenUsesACookie() throws Exception {
        Response signIn = h.call("GET", "/?token=" + TOKEN, null, null);
        assertThat(signIn.status()).isEqualTo(200);
        String setCookie = signIn.raw().headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("headroom_admin=").contains("HttpOnly", "SameSite=Strict")
                .doesNotContain(TOKEN);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        var withCookie = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(h.adminUrl() + "/api/v1/status")).header("Cookie", cookie).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(withCookie.statusCode()).isEqualTo(200);
        var forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(h.adminUrl() + "/api/v1/status")).header("Cookie", "headroom_admin=" + TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertError(h.call("GET", "/?token=wrong", null, null), 401, "Unauthorized", "open /?token=");
    }

    @Test
    void theDashboardNeedsTheTokenToo() throws Exception {
        assertThat(h.call("GET", "/", null, null).status()).isEqualTo(401);
        Response r = h.call("GET", "/", null, TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).isEqualToIgnoringWhitespace("text/html;charset=utf-8");
        assertThat(r.raw().body()).containsIgnoringCase("<html");
    }

    @Test
    void statusSaysWhetherStateIsPersisted() throws Exception {
        Response r = h.get("/api/v1/status");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("state").path("persisting").asBoolean()).isTrue();
        assertThat(r.json().path("state").path("file").asText()).endsWith("headroom.db");
    }

    @Test
    void noCorsHeaders() throws Exception {
        Response r = h.get("/api/v1/status");
        assertThat(r.raw().headers().map().keySet()).noneMatch(k -> k.toLowerCase().startsWith("access-control"));
    }

    // ---- load balancers

    @Test
    void loadBalancersListListenersRulesByPriorityAndActions() throws Exception {
        Response all = h.get("/api/v1/load-balancers");
        assertThat(all.status()).isEqualTo(200);
        assertThat(list(all.json())).extracting(n -> n.path("name").asText()).containsExactly("web");

        JsonNode lb = h.get("/api/v1/load-balancers/web").json();
        assertThat(lb.path("type").asText()).isEqualTo("application");
        assertThat(lb.path("xffHeaderProcessingMode").asText()).isEqualTo("append");
        assertThat(lb.path("xffClientPortEnabled").asBoolean()).isFalse();
        assertThat(lb.path("xAmznTlsVersionAndCipherSuiteEnabled").asBoolean()).isFalse();
        assertThat(lb.path("http2Enabled").asBoolean()).isTrue();
        assertThat(lb.path("clientKeepAliveSeconds").asInt()).isEqualTo(3600);
        assertThat(lb.path("accessLog").path("enabled").asBoolean()).isFalse();
        assertThat(lb.path("accessLog").path("format").asText()).isEqualTo("alb");
        assertThat(lb.path("connectionLog").path("enabled").asBoolean()).isFalse();
        assertThat(lb.path("connectionLog").path("path").asText()).isEqualTo("connection.log");
        JsonNode l = lb.path("listeners").get(0);
        assertThat(l.path("mutualAuthentication").path("mode").asText()).isEqualTo("off");
        assertThat(l.path("responseHeaders").isObject()).isTrue();
        assertThat(l.path("responseHeaders").size()).isZero();
        assertThat(l.path("requestHeaderNames").isObject()).isTrue();
        assertThat(l.path("requestHeaderNames").size()).isZero();
        assertThat(l.path("mutualAuthentication").path("revocationLists").isArray()).isTrue();
        assertThat(l.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(l.path("port").asInt()).isEqualTo(h.lbPort);
        assertThat(l.path("protocol").asText()).isEqualTo("HTTP");
        assertThat(l.path("defaultAction").path("type").asText()).isEqualTo("forward");
        assertThat(l.path("defaultAction").path("forward").path("targetGroups").get(0).path("name").asText()).isEqualTo("web");
        List<JsonNode> rules = list(l.path("rules"));
        assertThat(rules).extracting(r -> r.path("priority").asInt()).containsExactly(10, 20, 30);
        assertThat(rules.get(0).path("transforms").size()).isZero();
        JsonNode transform = rules.get(2).path("transforms").get(0);
        assertThat(transform.path("type").asText()).isEqualTo("url-rewrite");
        assertThat(transform.path("urlRewriteConfig").path("rewrites").get(0).path("regex").asText()).isEqualTo("^/v1/(.*)$");
        assertThat(transform.path("urlRewriteConfig").path("rewrites").get(0).path("replace").asText()).isEqualTo("/$1");
        assertThat(rules.get(0).path("conditions").path("pathPattern").get(0).asText()).isEqualTo("/admin/*");
        assertThat(rules.get(2).path("conditions").path("hostHeader").path("regexValues").get(0).asText()).isEqualTo("^api\\.");
        assertThat(rules.get(2).path("conditions").path("pathPattern").get(0).asText()).isEqualTo("/v1/*");
        assertThat(rules.get(0).path("conditions").path("httpRequestMethod").get(0).asText()).isEqualTo("GET");
        assertThat(rules.get(0).path("action").path("type").asText()).isEqualTo("fixed-response");
        assertThat(rules.get(0).path("action").path("fixedResponse").path("statusCode").asInt()).isEqualTo(403);
        assertThat(rules.get(1).path("action").path("type").asText()).isEqualTo("redirect");
        assertThat(rules.get(1).path("action").path("redirect").path("path").asText()).isEqualTo("/new/#{path}");
        assertThat(rules.get(1).path("action").path("redirect").path("statusCode").asText()).isEqualTo("HTTP_301");

        assertError(h.get("/api/v1/load-balancers/nope"), 404, "NotFound", "nope", "web");
    }

    // ---- target groups

    @Test
    void targetGroupsShowSettingsAndTargetHealth() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/target-groups/web").json().path("healthyCount").asInt() >= 2);
        JsonNode tg = h.get("/api/v1/target-groups/web").json();
        assertThat(tg.path("protocol").asText()).isEqualTo("HTTP");
        assertThat(tg.path("algorithm").asText()).isEqualTo("round_robin");
        assertThat(tg.path("healthCheck").path("path").asText()).isEqualTo("/health");
        assertThat(tg.path("healthCheck").path("intervalSeconds").asInt()).isEqualTo(5);
        assertThat(tg.path("healthCheck").path("matcher").asText()).isEqualTo("200");
        assertThat(tg.path("healthCheck").path("matcherCodes").asText()).isEqualTo("httpCode");
        assertThat(tg.path("protocolVersion").asText()).isEqualTo("HTTP1");
        assertThat(tg.path("deregistrationDelaySeconds").asInt()).isEqualTo(5);
        JsonNode target = list(tg.path("targets")).stream()
                .filter(t -> t.path("port").asInt() == h.backends.get(0).port()).findFirst().orElseThrow();
        assertThat(target.path("id").asText()).isEqualTo("127.0.0.1:" + h.backends.get(0).port());
        assertThat(target.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(target.path("state").asText()).isEqualTo("healthy");
        assertThat(target.has("reason")).isTrue();
        assertThat(target.has("description")).isTrue();
        assertThat(target.path("anomalyDetection").path("result").asText()).isEqualTo("normal");
        assertThat(target.path("anomalyDetection").path("mitigationInEffect").asText()).isEqualTo("no");
        assertThat(tg.path("anomalyMitigation").asText()).isEqualTo("off");
        JsonNode routing = tg.path("targetGroupHealth").path("unhealthyStateRouting");
        assertThat(routing.path("minimumHealthyTargetsCount").asInt()).isEqualTo(1);
        assertThat(routing.path("minimumHealthyTargetsPercentage").asText()).isEqualTo("off");
        assertThat(routing.path("failOpen").isBoolean()).isTrue();
        assertThat(routing.path("failOpen").asBoolean()).as("two healthy targets").isFalse();
        assertThat(tg.path("anomalousCount").asInt()).isZero();
        assertThat(tg.path("totalCount").asInt()).isGreaterThanOrEqualTo(2);

        assertThat(list(h.get("/api/v1/target-groups").json())).extracting(n -> n.path("name").asText()).containsExactly("web");
        assertError(h.get("/api/v1/target-groups/nope"), 404, "NotFound", "nope");
    }

    @Test
    void registerThenDeregisterATarget() throws Exception {
        try (DemoApp extra = DemoApp.start("127.0.0.1", 0, "i-extra00000000001", 2)) {
            String id = "127.0.0.1:" + extra.port();
            Response reg = h.call("POST", "/api/v1/target-groups/web/targets",
                    "{\"host\": \"127.0.0.1\", \"port\": " + extra.port() + "}");
            assertThat(reg.status()).isEqualTo(201);
            assertThat(reg.json().path("id").asText()).isEqualTo(id);
            assertThat(reg.json().path("state").asText()).isEqualTo("initial");
            assertThat(reg.raw().headers().firstValue("Location")).hasValue("/api/v1/target-groups/web/targets/" + id);
            await().atMost(Duration.ofSeconds(30)).until(() -> targetState(id).equals("healthy"));

            Response dereg = h.call("DELETE", "/api/v1/target-groups/web/targets/" + id, null);
            assertThat(dereg.status()).isEqualTo(202);
            assertThat(dereg.json().path("state").asText()).isIn("draining", "unused");
            await().atMost(Duration.ofSeconds(30)).until(() -> targetState(id).equals("gone"));
        }
    }

    private String targetState(String id) throws Exception {
        return list(h.get("/api/v1/target-groups/web").json().path("targets")).stream()
                .filter(t -> t.path("id").asText().equals(id)).map(t -> t.path("state").asText()).findFirst().orElse("gone");
    }

    @Test
    void badTargetRequestsNameTheField() throws Exception {
        assertError(h.call("POST", "/api/v1/target-groups/web/targets", "{\"port\": 8080}"), 400, "ValidationError", "host");
        assertError(h.call("POST", "/api/v1/target-groups/web/targets", "{\"host\": \"127.0.0.1\", \"port\": 70000}"),
                400, "ValidationError", "port", "1..65535");
        assertError(h.call("POST", "/api/v1/target-groups/web/targets", "{\"host\": \"127.0.0.1\", \"port\": \"80\"}"),
                400, "ValidationError", "port");
        assertError(h.call("POST", "/api/v1/target-groups/web/targets", "{not json"), 400, "ValidationError",
                "request body", "not valid JSON");
        assertError(h.call("POST", "/api/v1/target-groups/web/targets", "[1, 2]"), 400, "ValidationError", "JSON object");
        assertError(h.call("POST", "/api/v1/target-groups/nope/targets", "{\"host\": \"127.0.0.1\", \"port\": 80}"),
                404, "NotFound", "nope");
        assertError(h.call("DELETE", "/api/v1/target-groups/web/targets/127.0.0.1:1", null), 404, "NotFound",
                "127.0.0.1:1", "not registered");
        assertError(h.call("DELETE", "/api/v1/target-groups/web/targets/no-port", null), 400, "ValidationError", "host:port");
    }

    // ---- auto scaling groups

    @Test
    void autoScalingGroupShowsCapacityInstancesPoliciesAlarmsAndScheduledActions() throws Exception {
        assertThat(list(h.get("/api/v1/auto-scaling-groups").json())).extracting(n -> n.path("name").asText())
                .containsExactly("demo");
        JsonNode g = h.get("/api/v1/auto-scaling-groups/demo").json();
        assertThat(g.path("minSize").asInt()).isEqualTo(1);
        assertThat(g.path("maxSize").asInt()).isEqualTo(3);
        assertThat(g.path("desiredCapacity").asInt()).isBetween(1, 3);
        assertThat(g.has("inService") && g.has("pending") && g.has("terminating")).isTrue();
        assertThat(g.path("instanceMaintenancePolicy").path("minHealthyPercentage").asInt()).isEqualTo(90);
        assertThat(g.path("instanceMaintenancePolicy").path("maxHealthyPercentage").asInt()).isEqualTo(100);
        JsonNode i = list(g.path("instances")).stream()
                .filter(x -> x.path("lifecycleState").asText().equals("InService")).findFirst().orElseThrow();
        assertThat(i.path("instanceId").asText()).startsWith("i-");
        assertThat(i.path("healthStatus").asText()).isEqualTo("Healthy");
        assertThat(i.path("availabilityZone").asText()).isEqualTo("zone-a");
        assertThat(i.path("launchTemplateVersion").asInt()).isEqualTo(1);
        assertThat(Instant.parse(i.path("launchTime").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(i.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(i.path("port").asInt()).isPositive();
        assertThat(i.has("protectedFromScaleIn")).isTrue();

        JsonNode p = g.path("policies").get(0);
        assertThat(p.path("name").asText()).isEqualTo("burst");
        assertThat(p.path("policyType").asText()).isEqualTo("StepScaling");
        assertThat(p.path("adjustmentType").asText()).isEqualTo("ChangeInCapacity");
        assertThat(p.path("alarm").path("comparisonOperator").asText()).isEqualTo("GreaterThanThreshold");
        JsonNode pp = g.path("policies").get(1);
        assertThat(pp.path("policyType").asText()).isEqualTo("PredictiveScaling");
        JsonNode pc = pp.path("predictiveScalingConfiguration");
        assertThat(pc.path("mode").asText()).isEqualTo("ForecastOnly");
        assertThat(pc.path("schedulingBufferTime").asInt()).isEqualTo(300);
        assertThat(pc.path("maxCapacityBreachBehavior").asText()).isEqualTo("HonorMaxCapacity");
        assertThat(pc.path("metricSpecifications").get(0).path("predefinedMetricPairSpecification")
                .path("predefinedMetricType").asText()).isEqualTo("ASGCPUUtilization");
        // A new group has no day of history: the forecast says what it waits for (the controller evaluates each tick).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.get("/api/v1/auto-scaling-groups/demo").json().path("forecasts").size() == 1);
        JsonNode f = h.get("/api/v1/auto-scaling-groups/demo").json().path("forecasts").get(0);
        assertThat(f.path("policyName").asText()).isEqualTo("forecast");
        assertThat(f.path("mode").asText()).isEqualTo("ForecastOnly");
        assertThat(f.path("loadMetric").asText()).isEqualTo("TotalCPUUtilization{AutoScalingGroupName=demo}");
        assertThat(f.path("status").asText()).startsWith("no forecast yet: ").endsWith(" of the 24 hours of "
                + "TotalCPUUtilization{AutoScalingGroupName=demo} history it needs");
        assertThat(f.path("capacityForecast").path("values").isArray()).isTrue();
        assertThat(f.path("capacityForecast").path("values").size()).isZero();
        assertThat(f.path("pastLoad").path("actual").isArray()).isTrue();
        assertThat(f.path("meanAbsolutePercentError").isNull()).isTrue();
        JsonNode a = g.path("alarms").get(0);
        assertThat(a.path("policyName").asText()).isEqualTo("burst");
        assertThat(a.path("state").asText()).isIn("OK", "ALARM", "INSUFFICIENT_DATA");
        assertThat(a.path("name").asText()).isNotBlank();
        assertThat(a.has("reason") && a.has("since")).isTrue();
        JsonNode s = g.path("scheduledActions").get(0);
        assertThat(s.path("name").asText()).isEqualTo("nightly");
        assertThat(s.path("recurrence").asText()).isEqualTo("0 3 * * *");
        assertThat(s.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        Instant next = Instant.parse(s.path("nextRun").asText());
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));
        assertThat(next.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(3);

        assertError(h.get("/api/v1/auto-scaling-groups/nope"), 404, "NotFound", "nope", "demo");
        assertError(h.get("/api/v1/auto-scaling-groups/nope/activities"), 404, "NotFound", "nope");
    }

    @Test
    void setDesiredCapacityRecordsAnActivityAndHonoursMinAndMax() throws Exception {
        int before = h.server.controller().group("demo").desiredCapacity();
        int after = before == 1 ? 2 : 1;
        Response r = h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": " + after + "}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("cause").asText()).startsWith("At ")
                .contains("a user request", "changing the desired capacity from " + before + " to " + after);
        assertThat(r.json().path("groupName").asText()).isEqualTo("demo");
        assertThat(h.get("/api/v1/auto-scaling-groups/demo").json().path("desiredCapacity").asInt()).isEqualTo(after);
        String id = r.json().path("activityId").asText();
        assertThat(list(h.get("/api/v1/auto-scaling-groups/demo/activities").json()))
                .anyMatch(x -> x.path("activityId").asText().equals(id));

        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 4}"),
                400, "ValidationError", "desiredCapacity", "maxSize 3", "1..3");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 0}"),
                400, "ValidationError", "desiredCapacity", "minSize 1", "1..3");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": \"two\"}"),
                400, "ValidationError", "desiredCapacity", "1..3");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{}"),
                400, "ValidationError", "desiredCapacity", "missing");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": "),
                400, "ValidationError", "not valid JSON");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", null),
                400, "ValidationError", "request body", "missing");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/nope/desired-capacity", "{\"desiredCapacity\": 1}"),
                404, "NotFound", "nope");
        assertThat(h.server.controller().group("demo").desiredCapacity()).isEqualTo(after);
    }

    @Test
    void activitiesAreNewestFirstAndLimited() throws Exception {
        h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 1}");
        h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 1}");
        List<JsonNode> all = list(h.get("/api/v1/auto-scaling-groups/demo/activities").json());
        assertThat(all.size()).isGreaterThanOrEqualTo(2);
        List<Instant> starts = new ArrayList<>(all.stream().map(a -> Instant.parse(a.path("startTime").asText())).toList());
        assertThat(starts).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        JsonNode a = all.get(0);
        for (String f : List.of("activityId", "groupName", "description", "cause", "startTime", "endTime", "statusCode",
                "statusMessage", "progress")) {
            assertThat(a.has(f)).as(f).isTrue();
        }
        assertThat(list(h.get("/api/v1/auto-scaling-groups/demo/activities?limit=1").json())).hasSize(1);
        assertError(h.get("/api/v1/auto-scaling-groups/demo/activities?limit=0"), 400, "ValidationError", "limit", "1..500");
        assertError(h.get("/api/v1/auto-scaling-groups/demo/activities?limit=x"), 400, "ValidationError", "limit");
    }

    @Test
    void protectAnInstanceFromScaleIn() throws Exception {
        String id = inServiceInstance();
        Response r = h.call("PUT", "/api/v1/auto-scaling-groups/demo/instances/" + id + "/protection",
                "{\"protectedFromScaleIn\": true}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("instanceId").asText()).isEqualTo(id);
        assertThat(r.json().path("protectedFromScaleIn").asBoolean()).isTrue();
        assertThat(list(h.get("/api/v1/auto-scaling-groups/demo").json().path("instances")))
                .anyMatch(i -> i.path("instanceId").asText().equals(id) && i.path("protectedFromScaleIn").asBoolean());
        r = h.call("PUT", "/api/v1/auto-scaling-groups/demo/instances/" + id + "/protection", "{\"protectedFromScaleIn\": false}");
        assertThat(r.json().path("protectedFromScaleIn").asBoolean()).isFalse();

        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/instances/" + id + "/protection", "{\"protectedFromScaleIn\": 1}"),
                400, "ValidationError", "protectedFromScaleIn", "true or false");
        assertError(h.call("PUT", "/api/v1/auto-scaling-groups/demo/instances/i-nope/protection", "{\"protectedFromScaleIn\": true}"),
                404, "NotFound", "i-nope");
    }

    /**
     * Waits until the demo group is settled: as many InService as desired, nothing pending, terminating or in
     * Standby; the tests share one server, so a test that changes the group leaves it so for the next.
     */
    private void settled() {
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            JsonNode g = h.get("/api/v1/auto-scaling-groups/demo").json();
            return g.path("inService").asInt() == g.path("desiredCapacity").asInt() && g.path("pending").asInt() == 0
                    && g.path("terminating").asInt() == 0 && g.path("standby").asInt() == 0;
        });
    }

    private String inServiceInstance() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/auto-scaling-groups/demo").json().path("inService").asInt() >= 1);
        return list(h.get("/api/v1/auto-scaling-groups/demo").json().path("instances")).stream()
                .filter(i -> i.path("lifecycleState").asText().equals("InService"))
                .map(i -> i.path("instanceId").asText()).findFirst().orElseThrow();
    }

    @Test
    void terminateAnInstanceAndTheGroupReplacesIt() throws Exception {
        String id = inServiceInstance();
        assertError(h.call("DELETE", "/api/v1/auto-scaling-groups/demo/instances/" + id, null),
                400, "ValidationError", "decrementDesiredCapacity", "missing");
        assertError(h.call("DELETE", "/api/v1/auto-scaling-groups/demo/instances/" + id + "?decrementDesiredCapacity=maybe", null),
                400, "ValidationError", "decrementDesiredCapacity", "true or false");
        assertError(h.call("DELETE", "/api/v1/auto-scaling-groups/demo/instances/i-nope?decrementDesiredCapacity=false", null),
                404, "NotFound", "i-nope");

        Response r = h.call("DELETE", "/api/v1/auto-scaling-groups/demo/instances/" + id + "?decrementDesiredCapacity=false", null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        assertThat(r.json().path("description").asText()).contains(id);
        assertThat(r.json().path("cause").asText()).contains("taken out of service in response to a user request");
        JsonNode after = list(h.get("/api/v1/auto-scaling-groups/demo").json().path("instances")).stream()
                .filter(i -> i.path("instanceId").asText().equals(id)).findFirst().orElseThrow();
        assertThat(after.path("lifecycleState").asText()).isIn("Terminating:Draining", "Terminating", "Terminated");
        assertError(h.call("DELETE", "/api/v1/auto-scaling-groups/demo/instances/" + id + "?decrementDesiredCapacity=false", null),
                409, "Conflict", id, "already");
        // The group launches a replacement: back to desired InService instances.
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            JsonNode g = h.get("/api/v1/auto-scaling-groups/demo").json();
            return g.path("inService").asInt() == g.path("desiredCapacity").asInt() && list(g.path("instances")).stream()
                    .anyMatch(i -> i.path("lifecycleState").asText().equals("InService") && !i.path("instanceId").asText().equals(id));
        });
    }

    @Test
    void instanceRefreshStartsListsCancelsAndReplacesTheInstances() throws Exception {
        String base = "/api/v1/auto-scaling-groups/demo/instance-refreshes";
        assertError(h.call("POST", base, "{\"preferences\": {\"minHealthyPercentage\": 150}}"),
                400, "ValidationError", "preferences.minHealthyPercentage: 150 (expected: 0..100)");
        assertError(h.call("POST", base, "{\"preferences\": {\"instanceWarmup\": \"soon\"}}"),
                400, "ValidationError", "preferences.instanceWarmup", "seconds");
        assertError(h.call("POST", base, "{\"preferences\": {\"skipMatching\": 1}}"),
                400, "ValidationError", "preferences.skipMatching", "true or false");
        assertError(h.call("POST", base, "{\"preferences\": 3}"), 400, "ValidationError", "preferences");
        assertError(h.call("POST", base, "{\"preferences\": {\"maxHealthyPercentage\": 300}}"),
                400, "ValidationError", "preferences.maxHealthyPercentage: 300 (expected: 100..200)");
        assertError(h.call("POST", base, "{\"preferences\": {\"checkpointPercentages\": [50, 20]}}"),
                400, "ValidationError", "preferences.checkpointPercentages: [50, 20] (expected: ascending, each once, 1..100)");
        assertError(h.call("POST", base, "{\"preferences\": {\"checkpointPercentages\": \"half\"}}"),
                400, "ValidationError", "preferences.checkpointPercentages", "[20, 50, 100]");
        assertError(h.call("POST", base, "{\"preferences\": {\"checkpointDelay\": 60}}"),
                400, "ValidationError", "preferences.checkpointDelay: 60 (expected: only with checkpointPercentages)");
        assertError(h.call("POST", "/api/v1/auto-scaling-groups/nope/instance-refreshes", null), 404, "NotFound", "nope");
        assertError(h.call("DELETE", base, null), 409, "ActiveInstanceRefreshNotFound", "No instance refresh is in progress");

        // Started with AWS's defaults (no body), listed, refused a second time, cancelled.
        Response r = h.call("POST", base, null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String first = r.json().path("instanceRefreshId").asText();
        assertThat(r.json().path("status").asText()).isEqualTo("Pending");
        assertThat(r.json().path("preferences").path("minHealthyPercentage").asInt()).isEqualTo(90);
        assertThat(r.json().path("preferences").path("skipMatching").asBoolean()).isFalse();
        assertThat(r.json().path("preferences").path("maxHealthyPercentage").asInt()).isEqualTo(100);
        assertThat(r.json().path("preferences").path("checkpointPercentages").isEmpty()).isTrue();
        assertThat(r.json().path("preferences").path("checkpointDelay").isNull()).isTrue();
        assertError(h.call("POST", base, null), 409, "InstanceRefreshInProgress", first);
        assertThat(list(h.get(base).json().path("instanceRefreshes"))).extracting(n -> n.path("instanceRefreshId").asText())
                .startsWith(first);
        r = h.call("DELETE", base, null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("Cancelled");
        assertThat(r.json().path("endTime").isNull()).isFalse();

        // A refresh without warmup runs to the end: every instance of the group is new.
        settled();
        java.util.Set<String> before = new java.util.HashSet<>();
        list(h.get("/api/v1/auto-scaling-groups/demo").json().path("instances")).stream()
                .filter(i -> i.path("lifecycleState").asText().equals("InService"))
                .forEach(i -> before.add(i.path("instanceId").asText()));
        r = h.call("POST", base, "{\"preferences\": {\"minHealthyPercentage\": 0, \"instanceWarmup\": 0}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String second = r.json().path("instanceRefreshId").asText();
        await().atMost(Duration.ofSeconds(40)).until(() -> h.get("/api/v1/auto-scaling-groups/demo").json()
                .path("instanceRefresh").path("status").asText().equals("Successful"));
        JsonNode g = h.get("/api/v1/auto-scaling-groups/demo").json();
        assertThat(g.path("instanceRefresh").path("instanceRefreshId").asText()).isEqualTo(second);
        assertThat(g.path("instanceRefresh").path("percentageComplete").asInt()).isEqualTo(100);
        assertThat(list(g.path("instances")).stream().filter(i -> i.path("lifecycleState").asText().equals("InService"))
                .map(i -> i.path("instanceId").asText())).isNotEmpty().doesNotContainAnyElementsOf(before);
        assertThat(list(h.get(base).json().path("instanceRefreshes"))).extracting(n -> n.path("status").asText())
                .startsWith("Successful", "Cancelled");
        settled();
    }

    @Test
    void instanceRefreshWithADesiredConfigurationIsRolledBack() throws Exception {
        String base = "/api/v1/auto-scaling-groups/demo/instance-refreshes";
        String rollback = "/api/v1/auto-scaling-groups/demo/rollback-instance-refresh";
        settled();
        assertError(h.call("POST", base, "{\"desiredConfiguration\": {\"launchTemplateVersion\": \"9\"}}"), 400,
                "ValidationError", "desiredConfiguration.launchTemplateVersion: '9' is not a version of launch template demo"
                        + " (expected: 1..2, $Latest or $Default)");
        assertError(h.call("POST", base, "{\"desiredConfiguration\": \"2\"}"), 400, "ValidationError",
                "desiredConfiguration", "launchTemplateVersion");
        assertError(h.call("POST", base, "{\"preferences\": {\"alarmSpecification\": {\"alarms\": [\"nope\"]}}}"), 400,
                "ValidationError", "preferences.alarmSpecification.alarms: no alarm 'nope' in auto scaling group 'demo'"
                        + " (its alarms: StepScaling-demo-burst)");
        assertError(h.call("POST", base, "{\"preferences\": {\"autoRollback\": true}}"), 400, "ValidationError",
                "preferences.autoRollback: true (expected: only with a desiredConfiguration");
        assertError(h.call("POST", base, "{\"preferences\": {\"scaleInProtectedInstances\": \"Sometimes\"}}"), 400,
                "ValidationError", "preferences.scaleInProtectedInstances: \"Sometimes\" (expected one of: Refresh, Ignore,"
                        + " Wait)");
        assertError(h.call("POST", rollback, null), 409, "ActiveInstanceRefreshNotFound",
                "No instance refresh is in progress for auto scaling group 'demo' to roll back.");
        assertThat(h.get(base).json().path("instanceRefreshes").findValuesAsText("status")).doesNotContain("Pending",
                "InProgress"); // none of those started anything

        // Two instances: version 2 replaces one (launched first: min 100 %), then the refresh waits at its checkpoint.
        assertThat(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 2}")
                .status()).isEqualTo(200);
        settled();
        Response r = h.call("POST", base, "{\"desiredConfiguration\": {\"launchTemplateVersion\": \"2\"}, \"preferences\":"
                + " {\"minHealthyPercentage\": 100, \"instanceWarmup\": 0, \"checkpointPercentages\": [50],"
                + " \"checkpointDelay\": 600, \"autoRollback\": true, \"alarmSpecification\": {\"alarms\":"
                + " [\"StepScaling-demo-burst\"]}, \"standbyInstances\": \"Wait\"}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        assertThat(r.json().path("desiredConfiguration").path("launchTemplateVersion").asText()).isEqualTo("2");
        assertThat(r.json().path("launchTemplateVersion").asInt()).isEqualTo(2);
        assertThat(r.json().path("rollbackLaunchTemplateVersion").asInt()).isEqualTo(1);
        assertThat(r.json().path("rollbackDetails").isNull()).isTrue();
        JsonNode p = r.json().path("preferences");
        assertThat(p.path("autoRollback").asBoolean()).isTrue();
        assertThat(list(p.path("alarmSpecification").path("alarms"))).extracting(JsonNode::asText)
                .containsExactly("StepScaling-demo-burst");
        assertThat(p.path("scaleInProtectedInstances").asText()).isEqualTo("Ignore");
        assertThat(p.path("standbyInstances").asText()).isEqualTo("Wait");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get(base).json().path("instanceRefreshes").get(0)
                .path("statusReason").asText().startsWith("Waiting at checkpoint 1 of 1"));
        assertThat(inServiceVersions()).containsExactlyInAnyOrder(1, 2);

        r = h.call("POST", rollback, null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("RollbackInProgress");
        assertThat(r.json().path("rollbackDetails").path("rollbackReason").asText())
                .isEqualTo("Rollback initiated by a user request.");
        assertThat(r.json().path("rollbackDetails").path("percentageCompleteOnRollback").asInt()).isEqualTo(50);
        assertError(h.call("POST", rollback, null), 409, "ActiveInstanceRefreshNotFound", "rolling back already");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/auto-scaling-groups/demo").json()
                .path("instanceRefresh").path("status").asText().equals("RollbackSuccessful"));
        settled();
        assertThat(inServiceVersions()).containsExactly(1, 1);
        assertThat(h.get("/api/v1/auto-scaling-groups/demo").json().path("launchTemplate").path("version").asText())
                .isEqualTo("1");

        // Without a desired configuration there is nothing to roll back to.
        r = h.call("POST", base, "{\"preferences\": {\"instanceWarmup\": 3600, \"minHealthyPercentage\": 100}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        assertError(h.call("POST", rollback, null), 409, "IrreversibleInstanceRefresh", "cannot be rolled back: it has no"
                + " desired configuration");
        assertThat(h.call("DELETE", base, null).status()).isEqualTo(200);
        assertThat(h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": 1}")
                .status()).isEqualTo(200);
        settled();
    }

    /** The launch template versions of the demo group's InService instances. */
    private List<Integer> inServiceVersions() throws Exception {
        return list(h.get("/api/v1/auto-scaling-groups/demo").json().path("instances")).stream()
                .filter(i -> i.path("lifecycleState").asText().equals("InService"))
                .map(i -> i.path("launchTemplateVersion").asInt()).toList();
    }

    @Test
    void standbyAndBackIntoService() throws Exception {
        String id = inServiceInstance();
        String path = "/api/v1/auto-scaling-groups/demo/instances/" + id + "/standby";
        assertError(h.call("POST", path, null), 400, "ValidationError", "decrementDesiredCapacity", "missing");
        assertError(h.call("DELETE", path, null), 409, "Conflict", id, "(expected: Standby)");
        assertError(h.call("POST", "/api/v1/auto-scaling-groups/demo/instances/i-nope/standby?decrementDesiredCapacity=false",
                null), 404, "NotFound", "i-nope");
        int desired = h.get("/api/v1/auto-scaling-groups/demo").json().path("desiredCapacity").asInt();

        Response r = h.call("POST", path + "?decrementDesiredCapacity=false", null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        assertThat(r.json().path("description").asText()).isEqualTo("Moving EC2 instance to Standby: " + id);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode g = h.get("/api/v1/auto-scaling-groups/demo").json();
            return g.path("standby").asInt() == 1 && g.path("inService").asInt() == desired && list(g.path("instances"))
                    .stream().anyMatch(i -> i.path("instanceId").asText().equals(id)
                            && i.path("lifecycleState").asText().equals("Standby"));
        });
        assertError(h.call("POST", path + "?decrementDesiredCapacity=false", null), 409, "Conflict", "(expected: InService)");

        r = h.call("DELETE", path, null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("cause").asText()).contains("moved out of standby in response to a user request")
                .contains("increasing the capacity from " + desired + " to " + (desired + 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> list(h.get("/api/v1/auto-scaling-groups/demo").json()
                .path("instances")).stream().anyMatch(i -> i.path("instanceId").asText().equals(id)
                        && i.path("lifecycleState").asText().equals("InService")));
        h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": " + desired + "}");
        settled();
    }

    @Test
    void executePolicyRunsAStepPolicyAndRefusesWhatAwsRefuses() throws Exception {
        settled();
        String path = "/api/v1/auto-scaling-groups/demo/execute-policy";
        assertError(h.call("POST", path, "{}"), 400, "ValidationError", "policyName: missing");
        assertError(h.call("POST", path, "{\"policyName\": \"nope\"}"), 400, "ValidationError",
                "policyName: no policy 'nope' in auto scaling group 'demo' (its policies: burst, forecast)");
        assertError(h.call("POST", path, "{\"policyName\": \"forecast\"}"), 400, "ValidationError",
                "policyName: forecast is a PredictiveScaling policy (expected: a SimpleScaling or StepScaling policy");
        assertError(h.call("POST", path, "{\"policyName\": \"burst\"}"), 400, "ValidationError", "metricValue: missing");
        assertError(h.call("POST", path, "{\"policyName\": \"burst\", \"metricValue\": \"high\", \"breachThreshold\": 1000}"),
                400, "ValidationError", "metricValue: \"high\" (expected a number)");
        assertError(h.call("POST", path, "{\"policyName\": \"burst\", \"honorCooldown\": \"yes\"}"), 400,
                "ValidationError", "honorCooldown: \"yes\" (expected: true or false)");
        assertError(h.call("POST", path, "{\"policyName\": \"burst\", \"metricValue\": 900, \"breachThreshold\": 1000}"),
                400, "ValidationError", "is a breach of -100, which no step adjustment of policy burst covers");
        int desired = h.get("/api/v1/auto-scaling-groups/demo").json().path("desiredCapacity").asInt();

        Response r = h.call("POST", path, "{\"policyName\": \"burst\", \"metricValue\": 2000, \"breachThreshold\": 1000}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("executed").asBoolean()).isTrue();
        assertThat(r.json().path("desiredCapacity").asInt()).isEqualTo(desired + 1);
        assertThat(r.json().path("activity").path("cause").asText()).matches("At \\S+Z a user request executed policy"
                + " burst changing the desired capacity from " + desired + " to " + (desired + 1) + "\\.");
        assertThat(h.get("/api/v1/auto-scaling-groups/demo").json().path("desiredCapacity").asInt()).isEqualTo(desired + 1);
        // Every instance Headroom runs, with its group.
        await().atMost(Duration.ofSeconds(30)).until(() -> list(h.get("/api/v1/instances").json().path("instances"))
                .stream().filter(i -> i.path("autoScalingGroupName").asText().equals("demo")
                        && i.path("lifecycleState").asText().equals("InService")).count() == desired + 1);
        h.call("PUT", "/api/v1/auto-scaling-groups/demo/desired-capacity", "{\"desiredCapacity\": " + desired + "}");
        settled();
    }

    @Test
    void suspendAndResumeProcesses() throws Exception {
        String base = "/api/v1/auto-scaling-groups/demo/";
        assertError(h.call("POST", base + "suspend-processes", "{\"scalingProcesses\": [\"Launch\", \"Sleep\"]}"),
                400, "ValidationError", "scalingProcesses[1]: \"Sleep\" (expected: Launch | Terminate |", "ScheduledActions)");
        assertError(h.call("POST", base + "suspend-processes", "{\"scalingProcesses\": \"Launch\"}"),
                400, "ValidationError", "scalingProcesses", "a list of");
        assertThat(h.server.controller().group("demo").suspendedProcesses()).isEmpty(); // nothing half-applied

        Response r = h.call("POST", base + "suspend-processes", "{\"scalingProcesses\": [\"Launch\", \"Terminate\"]}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(list(r.json().path("suspendedProcesses"))).extracting(n -> n.path("processName").asText())
                .containsExactly("Launch", "Terminate");
        assertThat(r.json().path("suspendedProcesses").get(0).path("suspensionReason").asText()).startsWith("User suspended at 20");
        assertThat(list(h.get("/api/v1/auto-scaling-groups/demo").json().path("suspendedProcesses")))
                .extracting(n -> n.path("processName").asText()).containsExactly("Launch", "Terminate");
        assertThat(list(h.get("/api/v1/status").json().path("autoScalingGroups").get(0).path("suspendedProcesses")))
                .extracting(JsonNode::asText).containsExactly("Launch", "Terminate");

        r = h.call("POST", base + "resume-processes", "{\"scalingProcesses\": [\"Launch\"]}");
        assertThat(list(r.json().path("suspendedProcesses"))).extracting(n -> n.path("processName").asText())
                .containsExactly("Terminate");
        r = h.call("POST", base + "suspend-processes", null); // no body: every process
        assertThat(r.json().path("suspendedProcesses").size()).isEqualTo(9);
        r = h.call("POST", base + "resume-processes", null);
        assertThat(r.json().path("suspendedProcesses").isEmpty()).isTrue();
        assertThat(h.server.controller().group("demo").suspendedProcesses()).isEmpty();
    }

    // ---- reload

    @Test
    void reloadAppliesAValidFileAndRefusesABrokenOne() throws Exception {
        Response ok = h.call("POST", "/api/v1/reload", null);
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(200);
        assertThat(ok.json().path("reloaded").asBoolean()).isTrue();
        try {
            Files.writeString(h.configFile, h.config.replace("intervalSeconds: 5", "intervalSeconds: 0"));
            assertError(h.call("POST", "/api/v1/reload", null), 400, "ConfigError", "intervalSeconds", "5..300");
            assertThat(h.get("/api/v1/target-groups/web").json().path("healthCheck").path("intervalSeconds").asInt()).isEqualTo(5);
        } finally {
            Files.writeString(h.configFile, h.config);
        }
    }

    // ---- metrics

    @Test
    void metricsQueryReturnsDatapointsOfTheLoadBalancersRequests() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/target-groups/web").json().path("healthyCount").asInt() >= 2);
        for (int i = 0; i < 10; i++) {
            assertThat(h.throughLoadBalancer("/").statusCode()).isEqualTo(200);
        }
        String q = "/api/v1/metrics?name=RequestCount&dimensions=LoadBalancer=web&statistic=Sum&period=60&start=-5m";
        await().atMost(Duration.ofSeconds(10)).until(() -> list(h.get(q).json().path("datapoints")).stream()
                .mapToDouble(d -> d.path("value").asDouble()).sum() == 10);
        JsonNode r = h.get(q).json();
        assertThat(r.path("name").asText()).isEqualTo("RequestCount");
        assertThat(r.path("dimensions").path("LoadBalancer").asText()).isEqualTo("web");
        assertThat(r.path("statistic").asText()).isEqualTo("Sum");
        assertThat(r.path("period").asInt()).isEqualTo(60);
        JsonNode d = r.path("datapoints").get(0);
        assertThat(Instant.parse(d.path("timestamp").asText()).getEpochSecond() % 60).isZero();
        assertThat(d.path("sampleCount").asLong()).isPositive();

        // Defaults: last 15 minutes, period 60, Average.
        JsonNode def = h.get("/api/v1/metrics?name=RequestCount&dimensions=LoadBalancer%3Dweb").json();
        assertThat(def.path("statistic").asText()).isEqualTo("Average");
        assertThat(def.path("period").asInt()).isEqualTo(60);
        assertThat(Duration.between(Instant.parse(def.path("start").asText()), Instant.parse(def.path("end").asText())))
                .isEqualTo(Duration.ofMinutes(15));
        // ISO-8601 times; an unknown series has no datapoints.
        Instant now = Instant.now();
        JsonNode iso = h.get("/api/v1/metrics?name=NoSuchMetric&start=" + now.minusSeconds(60) + "&end=" + now + "&period=1&statistic=p99").json();
        assertThat(iso.path("statistic").asText()).isEqualTo("p99");
        assertThat(iso.path("datapoints").isEmpty()).isTrue();

        List<JsonNode> series = list(h.get("/api/v1/metrics/series").json());
        assertThat(series).anyMatch(s -> s.path("name").asText().equals("RequestCount")
                && s.path("dimensions").path("LoadBalancer").asText().equals("web"));
        assertThat(series).anyMatch(s -> s.path("name").asText().equals("GroupDesiredCapacity")
                && s.path("dimensions").path("AutoScalingGroupName").asText().equals("demo"));
    }

    @Test
    void badMetricQueryParametersAreNamed() throws Exception {
        assertError(h.get("/api/v1/metrics"), 400, "ValidationError", "name", "missing");
        assertError(h.get("/api/v1/metrics?name=RequestCount&statistic=Median"), 400, "ValidationError", "statistic", "Median");
        assertError(h.get("/api/v1/metrics?name=RequestCount&period=0"), 400, "ValidationError", "period", "1..86400");
        assertError(h.get("/api/v1/metrics?name=RequestCount&period=ten"), 400, "ValidationError", "period");
        assertError(h.get("/api/v1/metrics?name=RequestCount&start=yesterday"), 400, "ValidationError", "start", "yesterday");
        assertError(h.get("/api/v1/metrics?name=RequestCount&end=-15x"), 400, "ValidationError", "end");
        assertError(h.get("/api/v1/metrics?name=RequestCount&start=-1m&end=-5m"), 400, "ValidationError", "end", "before start");
        assertError(h.get("/api/v1/metrics?name=RequestCount&dimensions=LoadBalancer"), 400, "ValidationError", "dimensions");
        assertError(h.get("/api/v1/metrics?name=RequestCount&start=-2d&period=1"), 400, "ValidationError", "period", "datapoints");
    }

    // ---- status, health, errors

    @Test
    void statusIsOneCompactObject() throws Exception {
        JsonNode s = h.get("/api/v1/status").json();
        assertThat(s.path("version").asText()).isEqualTo("0.1.0");
        assertThat(s.path("ready").asBoolean()).isTrue();
        assertThat(s.path("uptimeSeconds").asLong()).isNotNegative();
        assertThat(s.path("config").asText()).endsWith("headroom.yaml");
        JsonNode lb = s.path("loadBalancers").get(0);
        assertThat(lb.path("name").asText()).isEqualTo("web");
        assertThat(lb.path("listeners").get(0).path("port").asInt()).isEqualTo(h.lbPort);
        assertThat(lb.has("requestsPerSecond")).isTrue();
        JsonNode tg = s.path("targetGroups").get(0);
        assertThat(tg.path("name").asText()).isEqualTo("web");
        assertThat(tg.path("totalCount").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode g = s.path("autoScalingGroups").get(0);
        assertThat(g.path("name").asText()).isEqualTo("demo");
        for (String f : List.of("minSize", "maxSize", "desiredCapacity", "inService", "pending", "terminating", "alarmsInAlarm")) {
            assertThat(g.has(f)).as(f).isTrue();
        }
        assertThat(s.path("recentActivities").size()).isBetween(1, 5);
    }

    @Test
    void healthAndReadiness() throws Exception {
        Response alive = h.get("/healthz");
        assertThat(alive.status()).isEqualTo(200);
        assertThat(alive.json().path("status").asText()).isEqualTo("alive");
        Response ready = h.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
    }

    @Test
    void unknownPathsAndMethodsAreJsonErrors() throws Exception {
        assertError(h.get("/api/v1/nope"), 404, "NotFound", "/api/v1/nope");
        assertError(h.call("DELETE", "/api/v1/status", null), 405, "MethodNotAllowed", "DELETE");
        assertError(h.call("POST", "/api/v1/auto-scaling-groups/demo", "{}"), 405, "MethodNotAllowed");
    }
}
