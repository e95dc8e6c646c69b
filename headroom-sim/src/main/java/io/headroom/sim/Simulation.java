package io.headroom.sim;

import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.HistoryMetricStore;
import io.headroom.core.metrics.InMemoryMinuteHistory;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingController;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.GroupCapacity;
import io.headroom.scaling.GroupListener;
import io.headroom.scaling.Instance;
import io.headroom.scaling.LifecycleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one auto scaling group's real controller and policies on a virtual clock against a load profile, a second at
 * a time, and reports what capacity it would have had: a day of scaling in about a second.
 *
 * <pre>
 *   each simulated second:
 *     offered  = the profile's load now
 *     serving  = instances healthy in the group's first target group (InService ones without target groups)
 *     served   = min(offered, serving × instanceCapacity); the rest is dropped (the load balancer's 503s)
 *     metrics  → RequestCount, RequestCountPerTarget, HealthyHostCount (serving) of the target group;
 *                CPUUtilization of each instance
 *                (its share of served ÷ instanceCapacity × 100, at most 100; 50 % while starting)
 *     tick     → the real AutoScalingGroup: alarms, policies, launches, health checks, terminations
 * </pre>
 * The model: an instance serves {@code instanceCapacity} requests per second at 100 % CPU, is ready {@code startup}
 * after its launch, and passes its target group's health checks as configured (probed at registration and every
 * interval; healthy after healthyThreshold passes). Deregistration drains at once. Everything else is the real code:
 * target tracking, step, simple, scheduled and predictive policies (with one, minute rollups of the metrics are kept
 * for 15 days, as the server's state file keeps them, so that it forecasts from the profile's first day), cooldowns,
 * warmup, warm pools, lifecycle hooks (nobody completes them: they time out) and termination policies.
 */
public final class Simulation {
    /** The model of one instance. */
    public record Model(double instanceCapacityRps, Duration startup, long rssBytes) {
        public Model {
            if (!(instanceCapacityRps > 0)) {
                throw new IllegalArgumentException("instance capacity: " + instanceCapacityRps + " req/s (expected: > 0)");
            }
            if (startup.isNegative()) {
                throw new IllegalArgumentException("startup: " + startup + " (expected: >= 0)");
            }
        }
    }

    /** One reporting step: loads are means over the step, sizes as at its end. */
    public record Row(Instant time, double offeredRps, double servedRps, double droppedRps, int desiredCapacity,
                      int inService, int pending, int warmPool, double averageCpuPercent) {}

    /** The whole run. */
    public record Summary(Duration duration, long requestsOffered, long requestsServed, long requestsDropped,
                          long secondsOverloaded, int peakInstances, double instanceHours, int minDesired,
                          int maxDesired, long scaleOuts, long scaleIns) {}

    public record Result(List<Row> rows, Summary summary, List<Activity> activities) {}

    /** The minute rollups kept for predictive policies: the two weeks (and a day) they forecast from. */
    static final Duration HISTORY = Duration.ofDays(15);

    private Simulation() {}

    /**
     * Simulates {@code groupName} of {@code config} (its own config only: other groups are left out).
     *
     * @param start when the simulated clock starts (scheduled actions and predictive forecasts see this time)
     * @param step  how much simulated time one row covers
     * @throws IllegalArgumentException when the group does not exist, or its policies cannot be built
     */
    public static Result run(HeadroomConfig config, String groupName, LoadProfile load, Model model, Instant start,
                             Duration step) {
        AutoScalingGroupConfig gc = config.autoScalingGroups().stream().filter(g -> g.name().equals(groupName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no auto scaling group '" + groupName + "' (groups: "
                        + String.join(", ", config.autoScalingGroups().stream().map(AutoScalingGroupConfig::name).toList())
                        + ")"));
        HeadroomConfig one = new HeadroomConfig(config.admin(), config.stateDir(), config.workerThreads(),
                config.loadBalancers(), config.targetGroups(), config.launchTemplates(), List.of(gc), List.of());
        long stepSeconds = Math.max(1, step.toSeconds());
        ManualClock clock = new ManualClock(start);
        Duration liveRetention = retention(gc).plus(Duration.ofSeconds(stepSeconds));
        MetricStore samples = MetricStore.inMemory(liveRetention);
        // Predictive policies forecast from days of history: minute rollups, as the server keeps in its state file.
        InMemoryMinuteHistory history = gc.policies().stream().anyMatch(p -> p instanceof ScalingPolicyConfig.Predictive)
                ? new InMemoryMinuteHistory(HISTORY) : null;
        MetricStore store = history == null ? samples : new HistoryMetricStore(samples, history, liveRetention);
        SimProvider provider = new SimProvider(clock, model.startup(), model.rssBytes());
        Map<String, HealthCheckConfig> checks = new LinkedHashMap<>();
        for (TargetGroupConfig tg : config.targetGroups()) {
            checks.put(tg.name(), tg.healthCheck());
        }
        SimRegistry registry = new SimRegistry(clock, provider, checks);
        AutoScalingController controller = new AutoScalingController(one, provider, registry, store, clock, Runnable::run);
        AutoScalingGroup group = controller.group(groupName);
        // Every activity as it ends (the group itself keeps only its last 500), and every desired capacity change.
        Map<String, Activity> activities = new LinkedHashMap<>();
        long[] changes = new long[2]; // scale outs, scale ins
        group.addListener(new GroupListener() {
            @Override
            public void activity(Activity a) {
                activities.put(a.activityId(), a);
            }

            @Override
            public void capacityChanged(GroupCapacity c) {
                if (c.desiredCapacity() != c.previousDesiredCapacity()) {
                    changes[c.desiredCapacity() > c.previousDesiredCapacity() ? 0 : 1]++;
                }
            }
        });
        String tg = gc.targetGroups().isEmpty() ? null : gc.targetGroups().get(0);
        MetricKey requests = tg == null ? null : MetricKey.of("RequestCount", Dimensions.of("TargetGroup", tg));
        MetricKey perTarget = tg == null ? null : MetricKey.of("RequestCountPerTarget", Dimensions.of("TargetGroup", tg));
        MetricKey healthy = tg == null ? null : MetricKey.of("HealthyHostCount", Dimensions.of("TargetGroup", tg));

        List<Row> rows = new ArrayList<>();
        double offeredSum = 0;
        double servedSum = 0;
        double droppedSum = 0;
        double cpuSum = 0;
        int cpuN = 0;
        long offeredTotal = 0;
        long servedTotal = 0;
        long overloaded = 0;
        int peak = 0;
        double instanceSeconds = 0;
        int minDesired = group.desiredCapacity();
        int maxDesired = group.desiredCapacity();
        long total = load.duration().toSeconds();
        controller.tick(clock.instant());
        for (long t = 0; t < total; t++) {
            Instant now = clock.instant();
            double offered = load.rps(t);
            List<Instance> instances = group.instances();
            List<Instance> serving = new ArrayList<>();
            for (Instance i : instances) {
                if (i.lifecycleState() == LifecycleState.InService && provider.ready(i.instanceId())
                        && (tg == null || registry.health(tg, new io.headroom.core.target.TargetAddress(i.host(), i.port()))
                                .map(h -> h.state() == io.headroom.core.target.TargetState.HEALTHY).orElse(false))) {
                    serving.add(i);
                }
            }
            double capacity = serving.size() * model.instanceCapacityRps();
            double served = Math.min(offered, capacity);
            double dropped = offered - served;
            double perInstance = serving.isEmpty() ? 0 : served / serving.size();
            double cpu = Math.min(100, perInstance / model.instanceCapacityRps() * 100);
            for (Instance i : instances) {
                if (i.lifecycleState() == LifecycleState.Terminated || i.host() == null) {
                    continue;
                }
                boolean serves = serving.contains(i);
                provider.setCpu(i.instanceId(), serves ? cpu : provider.ready(i.instanceId()) ? 1 : 50);
            }
            if (!serving.isEmpty()) {
                cpuSum += cpu;
                cpuN++;
            }
            long second = now.getEpochSecond();
            if (requests != null) {
                store.record(requests, second, served);
                store.record(perTarget, second, serving.isEmpty() ? served : perInstance);
                store.record(healthy, second, serving.size());
            }
            offeredSum += offered;
            servedSum += served;
            droppedSum += dropped;
            offeredTotal += Math.round(offered);
            servedTotal += Math.round(served);
            if (dropped > 1e-9) {
                overloaded++;
            }
            int live = provider.live().size();
            peak = Math.max(peak, live);
            instanceSeconds += live;

            Instant next = clock.advanceSeconds(1);
            if (history != null && next.getEpochSecond() % 60 == 0) {
                history.rollUp(samples, next);
            }
            controller.tick(next);
            minDesired = Math.min(minDesired, group.desiredCapacity());
            maxDesired = Math.max(maxDesired, group.desiredCapacity());
            if ((t + 1) % stepSeconds == 0 || t + 1 == total) {
                long n = (t % stepSeconds) + 1;
                int inService = 0;
                int pending = 0;
                int warm = 0;
                for (Instance i : group.instances()) {
                    if (i.lifecycleState() == LifecycleState.InService) {
                        inService++;
                    } else if (i.lifecycleState().isPending()) {
                        pending++;
                    } else if (i.lifecycleState().isWarm()) {
                        warm++;
                    }
                }
                rows.add(new Row(now.minusSeconds(n - 1), offeredSum / n, servedSum / n, droppedSum / n,
                        group.desiredCapacity(), inService, pending, warm, cpuN == 0 ? 0 : cpuSum / cpuN));
                offeredSum = 0;
                servedSum = 0;
                droppedSum = 0;
                cpuSum = 0;
                cpuN = 0;
                provider.prune();
            }
        }
        Summary summary = new Summary(load.duration(), offeredTotal, servedTotal, Math.max(0, offeredTotal - servedTotal),
                overloaded, peak, instanceSeconds / 3600.0, minDesired, maxDesired, changes[0], changes[1]);
        List<Activity> all = new ArrayList<>(activities.values());
        all.sort(java.util.Comparator.comparing(Activity::startTime));
        return new Result(rows, summary, all);
    }

    /** How much metric history the group's policies look at: an hour, or the longest alarm's window and 10 minutes. */
    static Duration retention(AutoScalingGroupConfig gc) {
        long longest = 0;
        for (ScalingPolicyConfig p : gc.policies()) {
            AlarmConfig a = p instanceof ScalingPolicyConfig.Step s ? s.alarm()
                    : p instanceof ScalingPolicyConfig.Simple s ? s.alarm() : null;
            if (a != null) {
                longest = Math.max(longest, (long) a.periodSeconds() * a.evaluationPeriods());
            }
        }
        return Duration.ofSeconds(Math.max(3600, longest + 600));
    }
}
