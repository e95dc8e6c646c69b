package io.headroom.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real policies and controller on a virtual clock: what a capacity planner reads off a simulation. */
class SimulationTest {
    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
    /** 5 min quiet, a 5 min ramp to 400 req/s, 20 min at 400, 20 min quiet again. */
    private static final LoadProfile SURGE = LoadProfile.parse("5m@20,5m@20..400,20m@400,20m@20");

    private static final String CPU50 = """
                      - name: cpu50
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration: { predefinedMetricType: ASGAverageCPUUtilization, targetValue: 50 }
                """;

    private static HeadroomConfig config(String groupExtra) throws Exception {
        return config(CPU50, groupExtra);
    }

    /** The simulated group "web" with these {@code policies} items and more group keys after them. */
    private static HeadroomConfig config(String policies, String groupExtra) throws Exception {
        return ConfigLoader.parse("""
                loadBalancers:
                  - name: web
                    listeners: [{ port: 8080, defaultAction: { forward: { targetGroup: web } } }]
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, healthyThreshold: 2 }
                launchTemplates:
                  - name: app
                    versions: [{ command: ["app", "--port", "${PORT}"] }]
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: app }
                    minSize: 1
                    maxSize: 12
                    targetGroups: [web]
                    healthCheckType: ELB
                    policies:
                %s%s""".formatted(policies, groupExtra), "sim.yaml", Map.of());
    }

    @Test
    void targetTrackingFollowsASurgeAndBack() throws Exception {
        Simulation.Result r = Simulation.run(config(""), "web", SURGE, new Simulation.Model(100, Duration.ofSeconds(10),
                64 << 20), START, Duration.ofMinutes(1));

        assertThat(r.rows()).hasSize(50);
        assertThat(r.rows().get(0).time()).isEqualTo(START);
        // 400 req/s at 50 % CPU of 100 req/s instances: 8 of them; the plateau's last minutes are fully served.
        Simulation.Row plateauEnd = r.rows().get(29);
        assertThat(plateauEnd.offeredRps()).isEqualTo(400);
        assertThat(plateauEnd.inService()).isBetween(8, 9);
        assertThat(plateauEnd.droppedRps()).isZero();
        assertThat(plateauEnd.averageCpuPercent()).isBetween(40.0, 55.0);
        // Back to quiet: scaled in to the minimum, every instance drained first.
        Simulation.Row last = r.rows().get(49);
        assertThat(last.desiredCapacity()).isEqualTo(1);
        assertThat(r.summary().maxDesired()).isBetween(8, 9);
        assertThat(r.summary().scaleOuts()).isPositive();
        assertThat(r.summary().scaleIns()).isPositive();
        assertThat(r.summary().requestsOffered()).isCloseTo(Math.round(20 * 300 + (20 + 400) / 2.0 * 300 + 400 * 1200
                + 20 * 1200) , org.assertj.core.data.Offset.offset(400L));
        // Keeping up with a ramp costs little: under 1 % of the requests dropped.
        assertThat((double) r.summary().requestsDropped() / r.summary().requestsOffered()).isLessThan(0.01);
        assertThat(r.activities()).anyMatch(a -> a.cause().contains("TargetTracking-web-AlarmHigh-cpu50 in state ALARM"));

        // Deterministic: the same inputs give the same run.
        Simulation.Result again = Simulation.run(config(""), "web", SURGE, new Simulation.Model(100, Duration.ofSeconds(10),
                64 << 20), START, Duration.ofMinutes(1));
        assertThat(again.summary()).isEqualTo(r.summary());
        assertThat(again.rows()).isEqualTo(r.rows());
    }

    @Test
    void targetTrackingOnMetricMathFollowsRequestsPerHealthyTarget() throws Exception {
        HeadroomConfig c = config("""
                      - name: perTarget
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration:
                          targetValue: 50
                          customizedMetric:
                            metrics:
                              - { id: requests, returnData: false,
                                  metricStat: { metric: { metricName: RequestCount }, stat: Average } }
                              - { id: healthy, returnData: false,
                                  metricStat: { metric: { metricName: HealthyHostCount }, stat: Average } }
                              - { id: e1, expression: "requests / healthy", label: "Requests per healthy target" }
                """, "");

        Simulation.Result r = Simulation.run(c, "web", SURGE, new Simulation.Model(100, Duration.ofSeconds(10),
                64 << 20), START, Duration.ofMinutes(1));

        // 400 req/s at 50 per healthy target: 8 instances on the plateau, back to 1 when it is quiet again.
        Simulation.Row plateauEnd = r.rows().get(29);
        assertThat(plateauEnd.inService()).isBetween(8, 9);
        assertThat(plateauEnd.droppedRps()).isZero();
        assertThat(r.rows().get(49).desiredCapacity()).isEqualTo(1);
        assertThat(r.activities()).anyMatch(a -> a.cause().contains(
                "a monitor alarm TargetTracking-web-AlarmHigh-perTarget in state ALARM triggered policy perTarget"));
        assertThat(r.activities()).anyMatch(a -> a.cause().contains(
                "a monitor alarm TargetTracking-web-AlarmLow-perTarget in state ALARM triggered policy perTarget"));
    }

    @Test
    void aWarmPoolDropsFewerRequestsWhenInstancesStartSlowly() throws Exception {
        LoadProfile step = LoadProfile.parse("5m@50,15m@600");
        Simulation.Model slow = new Simulation.Model(100, Duration.ofSeconds(90), 64 << 20);
        Simulation.Result cold = Simulation.run(config(""), "web", step, slow, START, Duration.ofMinutes(1));
        Simulation.Result warm = Simulation.run(config("    warmPool: { minSize: 4 }\n"), "web", step, slow, START,
                Duration.ofMinutes(1));
        assertThat(cold.summary().requestsDropped()).isPositive();
        assertThat(warm.summary().requestsDropped()).isLessThan(cold.summary().requestsDropped() / 2);
        assertThat(warm.rows().get(0).warmPool()).isPositive();
        assertThat(warm.activities()).anyMatch(a -> a.description().startsWith("Launching a new EC2 instance from warm pool"));
    }

    @Test
    void aPredictivePolicyLearnsTheFirstDayAndScalesOutBeforeTheSecondDaysPeak() throws Exception {
        // Two days of the same shape: quiet, then 400 req/s from 10:00 to 12:00 (UTC), quiet again.
        LoadProfile days = LoadProfile.parse("10h@20,2h@400,12h@20,10h@20,2h@400,12h@20");
        HeadroomConfig c = config("""
                      - name: daily
                        policyType: PredictiveScaling
                        predictiveScalingConfiguration:
                          metricSpecifications:
                            - targetValue: 3000
                              predefinedMetricPairSpecification: { predefinedMetricType: ALBRequestCount }
                          mode: ForecastAndScale
                          schedulingBufferTime: 300
                """);
        Instant midnight = Instant.parse("2026-12-01T00:00:00Z");
        Simulation.Result r = Simulation.run(c, "web", days, new Simulation.Model(100, Duration.ofSeconds(30), 64 << 20),
                midnight, Duration.ofMinutes(1));
        List<Simulation.Row> rows = r.rows();
        assertThat(rows).hasSize(48 * 60);
        int day1Peak = 10 * 60;
        int day2Peak = 34 * 60;
        // Day 1: no history, so only target tracking acts, after the load has come.
        assertThat(rows.get(day1Peak - 1).desiredCapacity()).isEqualTo(1);
        // Day 2: 400 req/s is 24,000 requests a minute, 8 targets at 3,000: launched at 09:55 (a row's sizes are as at
        // its end), in service by 10:00.
        assertThat(rows.get(day2Peak - 7).desiredCapacity()).isEqualTo(1);
        assertThat(rows.get(day2Peak - 6).desiredCapacity()).isEqualTo(8);
        assertThat(rows.get(day2Peak - 1).offeredRps()).isEqualTo(20);
        assertThat(rows.get(day2Peak - 1).inService()).isEqualTo(8);
        double droppedDay1 = rows.subList(day1Peak, day1Peak + 10).stream().mapToDouble(Simulation.Row::droppedRps).sum();
        double droppedDay2 = rows.subList(day2Peak, day2Peak + 10).stream().mapToDouble(Simulation.Row::droppedRps).sum();
        assertThat(droppedDay1).isPositive();
        assertThat(droppedDay2).isZero();
        assertThat(r.activities()).filteredOn(a -> a.cause().contains("predictive scaling policy daily")).isNotEmpty()
                .allMatch(a -> a.startTime().equals(Instant.parse("2026-12-02T09:55:00Z")));
    }

    @Test
    void anUnknownGroupIsNamed() throws Exception {
        assertThatThrownBy(() -> Simulation.run(config(""), "api", SURGE, new Simulation.Model(100, Duration.ZERO, 0), START,
                Duration.ofMinutes(1))).hasMessage("no auto scaling group 'api' (groups: web)");
    }
}
