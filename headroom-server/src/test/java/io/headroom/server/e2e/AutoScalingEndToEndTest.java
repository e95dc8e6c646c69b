package io.headroom.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.Instance;
import io.headroom.scaling.LifecycleState;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import io.headroom.server.load.LoadGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headroom's load balancer in front of an auto scaling group of real demo-app processes, driven through real
 * HTTP: health replacement, CPU target tracking and lossless scale-in.
 */
class AutoScalingEndToEndTest {
    @TempDir
    Path dir;

    private HeadroomServer server;
    private int port;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private AutoScalingGroup start(int min, int max, int desired, String policies) throws Exception {
        port = Support.freePort();
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin: { listen: "127.0.0.1:0" }
                stateDir: %s
                loadBalancers:
                  - name: web
                    listeners:
                      - port: %d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    deregistrationDelaySeconds: 20
                launchTemplates:
                  - name: demo
                    versions:
                      - command: %s
                        vcpus: 1
                        terminationGracePeriodSeconds: 5
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: demo }
                    minSize: %d
                    maxSize: %d
                    desiredCapacity: %d
                    availabilityZones: [zone-a, zone-b]
                    targetGroups: [web]
                    healthCheckType: ELB
                    healthCheckGracePeriodSeconds: 10
                    defaultInstanceWarmupSeconds: 5
                %s
                """.formatted(dir.resolve("state"), port, Support.demoAppCommand(), min, max, desired, policies));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
        return server.controller().group("web");
    }

    private static List<Instance> inService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).toList();
    }

    private static long notTerminated(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() != LifecycleState.Terminated).count();
    }

    private Set<String> idsAnsweringThroughTheLoadBalancer(int requests) throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < requests; i++) {
            var r = Support.get("http://127.0.0.1:" + port + "/");
            assertThat(r.statusCode()).isEqualTo(200);
            ids.add(r.body().split(" ")[2]);
        }
        return ids;
    }

    @Test
    void keepsMinSizeAndReplacesKilledAndUnhealthyInstances() throws Exception {
        AutoScalingGroup g = start(2, 4, 2, "");
        await().atMost(Duration.ofSeconds(40)).until(() -> inService(g).size() == 2);
        Set<String> first = inService(g).stream().map(Instance::instanceId).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(15)).until(() -> idsAnsweringThroughTheLoadBalancer(6).equals(first));
        assertThat(inService(g).stream().map(Instance::availabilityZone).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("zone-a", "zone-b");

        // kill -9 one instance: replaced and back to 2 InService within grace (10 s) + two health intervals (10 s).
        Instance victim = inService(g).get(0);
        ProcessHandle process = ProcessHandle.of(server.provider().describe(victim.instanceId()).orElseThrow().pid())
                .orElseThrow();
        Instant killed = Instant.now();
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> inService(g).size() == 2
                && inService(g).stream().noneMatch(i -> i.instanceId().equals(victim.instanceId())));
        assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(25));
        assertThat(g.activities()).anyMatch(a -> a.description().contains(victim.instanceId())
                && a.cause().contains("taken out of service"));

        // /fail-health on one instance: the load balancer finds it unhealthy and the group replaces it.
        Instance sick = inService(g).get(0);
        assertThat(Support.get("http://127.0.0.1:" + sick.port() + "/fail-health").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(45)).until(() -> inService(g).size() == 2
                && inService(g).stream().noneMatch(i -> i.instanceId().equals(sick.instanceId())));
        assertThat(g.activities()).anyMatch(a -> a.description().contains(sick.instanceId())
                && a.cause().contains("ELB"));
    }

    @Test
    void cpuLoadScalesOutWithinFifteenSecondsThenScalesInWithoutFailedRequests() throws Exception {
        AutoScalingGroup g = start(1, 3, 1, """
                    policies:
                      - name: cpu50
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration:
                          predefinedMetricType: ASGAverageCPUUtilization
                          targetValue: 50
                          scaleInWindowSeconds: 20
                """);
        await().atMost(Duration.ofSeconds(40)).until(() -> inService(g).size() == 1);
        // Let the first instance's warmup pass so its CPU counts.
        await().atMost(Duration.ofSeconds(20)).until(() -> server.metrics().aggregate(
                MetricKey.of("CPUUtilization", Dimensions.of("AutoScalingGroupName", "web")),
                Instant.now().minusSeconds(3), Instant.now(), Statistic.AVERAGE).isPresent());

        // A whole core of CPU work offered to one 1-vCPU instance: far above the 50 % target even when other
        // processes compete for the machine's two cores.
        Instant loadStart = Instant.now();
        CompletableFuture<LoadGenerator.Summary> cpuLoad = CompletableFuture.supplyAsync(() -> run(
                "/work?cpuMs=20", 50, Duration.ofSeconds(25)));
        await().atMost(Duration.ofSeconds(15)).until(() -> g.desiredCapacity() >= 2);
        Activity scaleOut = g.activities().stream()
                .filter(a -> a.cause().contains("policy cpu50") && a.cause().contains("changing the desired capacity from 1 to"))
                .findFirst().orElseThrow();
        assertThat(scaleOut.startTime()).isBefore(loadStart.plusSeconds(15));
        // The new capacity is what target tracking asks for: ceil(1 × CPU / 50), at least 2 at >50 % CPU.
        assertThat(g.desiredCapacity()).isBetween(2, 3);
        assertThat(cpuLoad.join().sent()).isGreaterThan(1000);

        // Load stops; a light client keeps running while the group scales back in to 1: nothing fails.
        CompletableFuture<LoadGenerator.Summary> client = CompletableFuture.supplyAsync(() -> run(
                "/sleep?ms=50", 20, Duration.ofSeconds(60)));
        await().atMost(Duration.ofSeconds(60)).until(() -> g.desiredCapacity() == 1 && notTerminated(g) == 1);
        LoadGenerator.Summary s = client.join();
        assertThat(s.errors()).as(LoadGenerator.format(s).toString()).isZero();
        assertThat(s.ok()).isGreaterThan(1000);
        assertThat(g.activities()).anyMatch(a -> a.cause().contains("policy cpu50")
                && (a.cause().contains("changing the desired capacity from 2 to 1")
                    || a.cause().contains("changing the desired capacity from 3 to 2")));
    }

    @Test
    void scalingInFromSixToTwoUnderSteadyLoadFailsNoRequest() throws Exception {
        AutoScalingGroup g = start(1, 6, 6, "");
        await().atMost(Duration.ofSeconds(60)).until(() -> inService(g).size() == 6);
        CompletableFuture<LoadGenerator.Summary> client = CompletableFuture.supplyAsync(() -> run(
                "/sleep?ms=200", 50, Duration.ofSeconds(20)));
        // Scale in only once the load is flowing through all six instances.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().aggregate(
                MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "web")),
                Instant.now().minusSeconds(5), Instant.now(), Statistic.SUM).orElse(0) >= 100);
        g.setDesiredCapacity(2, "test: scale in from 6 to 2");
        await().atMost(Duration.ofSeconds(40)).until(() -> notTerminated(g) == 2 && inService(g).size() == 2);
        LoadGenerator.Summary s = client.join();
        assertThat(s.errors()).as(LoadGenerator.format(s).toString()).isZero();
        assertThat(s.ok()).isGreaterThan(900);
        assertThat(g.activities().stream().filter(a -> a.description().startsWith("Terminating"))).hasSize(4);
    }

    private LoadGenerator.Summary run(String path, double rps, Duration d) {
        try {
            return LoadGenerator.run(new LoadGenerator.Options(URI.create("http://127.0.0.1:" + port + path), rps, d,
                    500, Duration.ofSeconds(20), false), x -> { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
