package io.headroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code headroom simulate}: the table a capacity planner reads, and clear errors for bad input. */
class SimulateCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    private Path config() throws Exception {
        Path f = dir.resolve("planner.yaml");
        Files.writeString(f, """
                loadBalancers:
                  - name: web
                    listeners: [{ port: 8080, defaultAction: { forward: { targetGroup: web } } }]
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, healthyThreshold: 2 }
                launchTemplates:
                  - name: app
                    versions: [{ command: ["app"] }]
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: app }
                    minSize: 2
                    maxSize: 10
                    targetGroups: [web]
                    healthCheckType: ELB
                    warmPool: { minSize: 1 }
                    policies:
                      - name: cpu60
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration: { predefinedMetricType: ASGAverageCPUUtilization, targetValue: 60 }
                """);
        return f;
    }

    @Test
    void printsCapacityOverTimeAndASummary() throws Exception {
        Run r = run("simulate", "--config", config().toString(), "--load", "5m@50,10m@500", "--instance-capacity", "80",
                "--start", "2026-12-01T09:00:00Z", "--activities");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Simulated auto scaling group web of " + dir.resolve("planner.yaml") + " for 15 min from"
                + " 2026-12-01T09:00:00Z");
        assertThat(r.out()).contains("instance model: 80 req/s at 100 % CPU, ready 10 s after launch");
        assertThat(r.out()).containsPattern("(?m)^TIME\\s+OFFERED/S\\s+SERVED/S\\s+DROPPED/S\\s+DESIRED\\s+IN SERVICE\\s+PENDING"
                + "\\s+WARM POOL\\s+CPU %$");
        assertThat(r.out()).containsPattern("(?m)^09:00:00\\s+50\\s");
        // 500 req/s at 60 % of 80 req/s: 10 instances, the maximum; the last row serves everything.
        assertThat(r.out()).containsPattern("(?m)^09:14:00\\s+500\\s+500\\s+0\\s+10\\s+10\\s+0\\s+\\d+\\s+\\d+$");
        assertThat(r.out()).containsPattern("requests: [\\d,]+ offered, [\\d,]+ served, [\\d,]+ dropped \\([\\d.]+ %\\)");
        assertThat(r.out()).contains("instances: peak ").contains("desired capacity 2..10");
        assertThat(r.out()).contains("ACTIVITIES").contains("Launching a new EC2 instance from warm pool");

        Run csv = run("simulate", "--config", config().toString(), "--load", "2m@50", "--csv", "--start", "2026-12-01T09:00:00Z");
        assertThat(csv.out()).startsWith("time,offered_rps,served_rps,dropped_rps,desired,in_service,pending,warm_pool,cpu_percent\n"
                + "2026-12-01T09:00:00Z,50.00,");
        assertThat(csv.out().lines()).hasSize(3);

        // --scale multiplies the load: three times the traffic offered.
        Run scaled = run("simulate", "--config", config().toString(), "--load", "2m@50", "--scale", "3", "--csv",
                "--start", "2026-12-01T09:00:00Z");
        assertThat(scaled.exit()).as(scaled.err()).isZero();
        assertThat(scaled.out()).contains("\n2026-12-01T09:00:00Z,150.00,");
    }

    @Test
    void badInputIsNamed() throws Exception {
        Run load = run("simulate", "--config", config().toString(), "--load", "10m@lots");
        assertThat(load.exit()).isEqualTo(2);
        assertThat(load.err()).contains("load profile: '10m@lots' (expected DURATION@RPS");
        Run group = run("simulate", "--config", config().toString(), "--group", "api", "--load", "1m@5");
        assertThat(group.exit()).isEqualTo(1);
        assertThat(group.err()).contains("no auto scaling group 'api' (groups: web)");
        Run scale = run("simulate", "--config", config().toString(), "--scale", "-1");
        assertThat(scale.exit()).isEqualTo(2);
        assertThat(scale.err()).contains("--scale: -1 (expected: 0 < scale <= 1000)");
        Run step = run("simulate", "--config", config().toString(), "--step", "soon");
        assertThat(step.exit()).isEqualTo(2);
        assertThat(step.err()).contains("--step: 'soon' (expected a duration such as 10s, 2m or 1h30m)");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "autoScalingGroups: [{ name: x }]\n");
        Run bad = run("simulate", "--config", broken.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("autoScalingGroups[0].launchTemplate");
    }
}
