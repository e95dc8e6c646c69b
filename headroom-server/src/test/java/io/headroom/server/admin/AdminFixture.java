package io.headroom.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.demo.DemoApp;
import io.headroom.server.e2e.Support;
import java.io.IOException;
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

/**
 * A real Headroom started in-process for the admin API and CLI tests: load balancer {@code web} (a listener with
 * a forward default, a redirect and a fixed-response rule) in front of target group {@code web} with two
 * in-process demo-app backends, and auto scaling group {@code demo} (min 1, max 3, desired 1) whose instances are
 * real demo-app processes. The admin API listens on a free loopback port, with {@code token} when not null.
 */
public final class AdminFixture implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Path configFile;
    public final String config;
    public final HeadroomServer server;
    public final int lbPort;
    public final List<DemoApp> backends = new ArrayList<>();
    public final String token;

    /** A response: status, parsed JSON body (null if not JSON), and the raw response. */
    public record Response(int status, JsonNode json, HttpResponse<String> raw) {}

    public AdminFixture(Path dir, String token) throws Exception {
        this.token = token;
        try {
            backends.add(DemoApp.start("127.0.0.1", 0, "i-backend0000000001", 4));
            backends.add(DemoApp.start("127.0.0.1", 0, "i-backend0000000002", 4));
            lbPort = Support.freePort();
            config = """
                    admin: { listen: "127.0.0.1:0"%s }
                    stateDir: %s
                    loadBalancers:
                      - name: web
                        listeners:
                          - port: %d
                            protocol: HTTP
                            defaultAction: { forward: { targetGroup: web } }
                            rules:
                              - priority: 20
                                conditions: { pathPattern: ["/old/*"] }
                                action: { redirect: { path: "/new/#{path}", statusCode: HTTP_301 } }
                              - priority: 10
                                conditions: { pathPattern: ["/admin/*"], httpRequestMethod: [GET] }
                                action: { fixedResponse: { statusCode: 403, contentType: text/plain, messageBody: forbidden } }
                              - priority: 30
                                conditions: { pathPattern: ["/v1/*"], hostHeader: { regexValues: ['^api\\.'] } }
                                action: { forward: { targetGroup: web } }
                                transforms:
                                  - type: url-rewrite
                                    urlRewriteConfig: { rewrites: [{ regex: "^/v1/(.*)$", replace: "/$1" }] }
                    targetGroups:
                      - name: web
                        healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                        deregistrationDelaySeconds: 5
                        targets: [{ host: 127.0.0.1, port: %d }, { host: 127.0.0.1, port: %d }]
                    launchTemplates:
                      - name: demo
                        versions:
                          - command: %s
                            vcpus: 1
                            terminationGracePeriodSeconds: 5
                          - command: %s
                            vcpus: 1
                            terminationGracePeriodSeconds: 5
                            environment: { APP_VERSION: "2" }
                    autoScalingGroups:
                      - name: demo
                        launchTemplate: { name: demo, version: 1 }
                        minSize: 1
                        maxSize: 3
                        desiredCapacity: 1
                        availabilityZones: [zone-a]
                        healthCheckType: EC2
                        instanceMaintenancePolicy: { minHealthyPercentage: 90, maxHealthyPercentage: 100 }
                        policies:
                          - name: burst
                            policyType: StepScaling
                            adjustmentType: ChangeInCapacity
                            stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }]
                            alarm: { metricName: CPUUtilization, statistic: Average, periodSeconds: 10,
                                     evaluationPeriods: 3, threshold: 1000, comparisonOperator: GreaterThanThreshold }
                          - name: forecast
                            policyType: PredictiveScaling
                            predictiveScalingConfiguration:
                              metricSpecifications:
                                - { targetValue: 50, predefinedMetricPairSpecification: { predefinedMetricType: ASGCPUUtilization } }
                        scheduledActions:
                          - name: nightly
                            recurrence: "0 3 * * *"
                            timeZone: Europe/Berlin
                            desiredCapacity: 1
                    """.formatted(token == null ? "" : ", token: \"" + token + "\"", dir.resolve("state"), lbPort,
                    backends.get(0).port(), backends.get(1).port(), Support.demoAppCommand(),
                    Support.demoAppCommand());
            configFile = dir.resolve("headroom.yaml");
            Files.writeString(configFile, config);
            server = HeadroomServer.start(HeadroomServer.ConfigSource.file(configFile), Variables.forConfig(), Clock.systemUTC());
        } catch (Exception | Error e) {
            backends.forEach(DemoApp::close);
            throw e;
        }
    }

    public int adminPort() {
        return server.admin().port();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort();
    }

    /** A request with the fixture's token (if any). */
    public Response call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, token);
    }

    /** A request with {@code bearer} as the token, or no Authorization header when null. */
    public Response call(String method, String path, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = JSON.readTree(r.body());
        }
        return new Response(r.statusCode(), json, r);
    }

    public Response get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    /** A GET through the load balancer. */
    public HttpResponse<String> throughLoadBalancer(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbPort + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            server.shutdown(Duration.ofSeconds(2));
        } finally {
            backends.forEach(DemoApp::close);
        }
    }
}
