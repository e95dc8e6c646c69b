package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScheduledActionConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetState;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.Fixtures.Group;
import io.headroom.scaling.provider.ProcessProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The controller against real child processes (the real {@link ProcessProvider}) and real HTTP health checks.
 * Time is a {@link ManualClock} that each poll moves one second before ticking, so the controller sees a
 * minute of its time pass in a few real seconds while the processes run in real time.
 */
class AutoScalingControllerTest extends ControllerHarness {
    private static long count(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).count();
    }

    private static Instance instance(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElse(null);
    }

    private static boolean goneOrTerminated(AutoScalingGroup g, String id) {
        Instance i = instance(g, id);
        return i == null || i.lifecycleState() == LifecycleState.Terminated;
    }

    private static Activity activity(AutoScalingGroup g, String description) {
        return g.activities().stream().filter(a -> a.description().equals(description)).findFirst().orElseThrow();
    }

    private double latest(String metric, Dimensions d) {
        OptionalDouble v = store.aggregate(MetricKey.of(metric, d), clock.instant(), clock.instant().plusSeconds(1),
                Statistic.MAXIMUM);
        assertThat(v).as(metric + d).isPresent();
        return v.getAsDouble();
    }

    @Test
    void keepsMinSizeAcrossZonesReplacesAKilledInstanceAndTerminatesAllOnClose() throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = start(Fixtures.config(List.of(backend),
                Group.of("web", "backend", 2, 4, 2).elb("web", 30).zones("zone-a", "zone-b")), "web");

        tickUntil(() -> count(g, LifecycleState.InService) == 2);

        List<Instance> first = g.instances();
        assertThat(first).extracting(Instance::availabilityZone).containsExactlyInAnyOrder("zone-a", "zone-b");
        assertThat(first).allMatch(i -> i.healthStatus() == HealthStatus.Healthy && i.launchTemplateVersion() == 1);
        // InService only once the health check passed in the target group.
        assertThat(registry.describe("web")).extracting(TargetHealth::state).containsOnly(TargetState.HEALTHY);
        assertThat(registry.describe("web")).extracting(TargetHealth::target)
                .containsExactlyInAnyOrderElementsOf(first.stream().map(i -> new TargetAddress(i.host(), i.port())).toList());
        for (Instance i : first) {
            Activity launch = activity(g, "Launching a new EC2 instance: " + i.instanceId());
            assertThat(launch.cause()).isEqualTo("At 2026-11-23T10:00:01Z an instance was started in response to a difference"
                    + " between desired and actual capacity, increasing the capacity from 0 to 2.");
            assertThat(launch.statusCode()).isEqualTo(Activity.SUCCESSFUL);
        }
        Dimensions web = Dimensions.of("AutoScalingGroupName", "web");
        assertThat(latest("GroupInServiceInstances", web)).isEqualTo(2);
        assertThat(latest("GroupDesiredCapacity", web)).isEqualTo(2);
        assertThat(latest("GroupMinSize", web)).isEqualTo(2);
        assertThat(latest("GroupMaxSize", web)).isEqualTo(4);
        assertThat(latest("GroupTotalInstances", web)).isEqualTo(2);
        assertThat(latest("GroupPendingInstances", web)).isEqualTo(0);
        assertThat(latest("MemoryUtilization", Dimensions.of("InstanceId", first.get(0).instanceId()))).isGreaterThan(1_000_000);

        // kill -9: the provider reports the exit, the EC2 health check fails, a replacement comes up in the same zone.
        Instance victim = first.get(0);
        long pid = provider.describe(victim.instanceId()).orElseThrow().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        tickUntil(() -> goneOrTerminated(g, victim.instanceId()) && count(g, LifecycleState.InService) == 2);

        Activity termination = activity(g, "Terminating EC2 instance: " + victim.instanceId());
        assertThat(termination.cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ an instance was taken out of service in response"
                + " to an EC2 health check indicating it has been terminated or stopped\\.");
        assertThat(termination.statusCode()).isEqualTo(Activity.SUCCESSFUL);
        assertThat(registry.deregistered).contains("web " + new TargetAddress(victim.host(), victim.port()));
        List<Instance> inService = g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).toList();
        assertThat(inService).extracting(Instance::availabilityZone).containsExactlyInAnyOrder("zone-a", "zone-b");
        assertThat(g.desiredCapacity()).isEqualTo(2);

        // Closing drains and terminates every instance: no process is left behind.
        List<Long> pids = inService.stream().map(i -> provider.describe(i.instanceId()).orElseThrow().pid()).toList();
        controller.close();
        assertThat(g.instances()).allMatch(i -> i.lifecycleState() == LifecycleState.Terminated);
        assertThat(registry.describe("web")).isEmpty();
        for (long p : pids) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void replacesAnInstanceWhoseHealthCheckFailsLaunchingTheReplacementFirst() throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = start(Fixtures.config(List.of(backend), Group.of("web", "backend", 1, 2, 1).elb("web", 5)), "web");
        tickUntil(() -> count(g, LifecycleState.InService) == 1);
        Instance old = g.instances().get(0);

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + old.host() + ":" + old.port() + "/fail")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        // While the replacement starts, the unhealthy instance stays (maxSize 2 leaves room to launch first).
        AtomicBoolean sawReplacementWhileOldStayed = new AtomicBoolean();
        tickUntil(() -> {
            Instance o = instance(g, old.instanceId());
            if (o != null && o.lifecycleState() == LifecycleState.InService && o.healthStatus() == HealthStatus.Unhealthy
                    && count(g, LifecycleState.Pending) == 1) {
                sawReplacementWhileOldStayed.set(true);
            }
            return goneOrTerminated(g, old.instanceId()) && count(g, LifecycleState.InService) == 1;
        });
        assertThat(sawReplacementWhileOldStayed).isTrue();

        Instance replacement = g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).findFirst()
                .orElseThrow();
        Activity launched = activity(g, "Launching a new EC2 instance: " + replacement.instanceId());
        Activity terminated = activity(g, "Terminating EC2 instance: " + old.instanceId());
        assertThat(terminated.cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ an instance was taken out of service in response"
                + " to an ELB system health check failure\\.");
        assertThat(launched.cause()).contains("increasing the capacity from 0 to 1.");
        // The old one was terminated only once its replacement was InService.
        assertThat(terminated.startTime()).isAfterOrEqualTo(launched.endTime());
        assertThat(launched.startTime()).isBefore(terminated.startTime());
    }

    @Test
    void scaleInTakesTheOldestUnprotectedInstance() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER),
                Group.of("workers", "sleeper", 0, 5, 1).termination(TerminationPolicy.OLDEST_INSTANCE)), "workers");
        List<String> launched = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            if (n > 1) {
                g.setDesiredCapacity(n, null);
            }
            int want = n;
            tickUntil(() -> count(g, LifecycleState.InService) == want);
            g.instances().forEach(i -> {
                if (!launched.contains(i.instanceId())) {
                    launched.add(i.instanceId());
                }
            });
        }
        String oldest = launched.get(0);
        String middle = launched.get(1);
        String newest = launched.get(2);
        g.setInstanceProtection(oldest, true);

        Activity change = g.setDesiredCapacity(2, null);
        assertThat(change.cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ a user request explicitly set group desired capacity"
                + " changing the desired capacity from 3 to 2\\.");
        tickUntil(() -> goneOrTerminated(g, middle) && count(g, LifecycleState.InService) == 2);

        assertThat(g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).map(Instance::instanceId))
                .containsExactlyInAnyOrder(oldest, newest);
        assertThat(instance(g, oldest).protectedFromScaleIn()).isTrue();
        Activity termination = activity(g, "Terminating EC2 instance: " + middle);
        assertThat(termination.cause()).startsWith(change.cause() + " At ")
                .contains("an instance was taken out of service in response to a difference between desired and actual capacity,"
                        + " shrinking the capacity from 3 to 2.")
                .endsWith("instance " + middle + " was selected for termination.");
        assertThat(g.activities().get(0).description()).isEqualTo("Terminating EC2 instance: " + middle);

        Dimensions workers = Dimensions.of("AutoScalingGroupName", "workers");
        assertThat(latest("GroupDesiredCapacity", workers)).isEqualTo(2);
        assertThat(latest("GroupInServiceInstances", workers)).isEqualTo(2);
        assertThat(latest("CPUUtilization", Dimensions.of("InstanceId", oldest))).isBetween(0.0, 100.0);
        assertThat(latest("CPUUtilization", workers)).isBetween(0.0, 100.0);
        assertThat(latest("MemoryUtilization", workers)).isGreaterThan(0);
    }

    @Test
    void terminateInstanceReplacesItOrShrinksTheGroupDownToMinSize() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 2)), "workers");
        tickUntil(() -> count(g, LifecycleState.InService) == 2);
        String a = g.instances().get(0).instanceId();
        String b = g.instances().get(1).instanceId();

        Activity shrink = g.terminateInstance(a, true);
        assertThat(shrink.cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ instance " + a + " was taken out of service in"
                + " response to a user request, shrinking the capacity from 2 to 1\\.");
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.terminateInstance(b, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSize (1)").hasMessageContaining(b);
        assertThatThrownBy(() -> g.terminateInstance(a, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already Terminating");

        g.terminateInstance(b, false);
        tickUntil(() -> goneOrTerminated(g, a) && goneOrTerminated(g, b) && count(g, LifecycleState.InService) == 1);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).map(Instance::instanceId))
                .doesNotContain(a, b);
        // Terminated instances stay listed for a minute, then the group forgets them.
        controller.tick(clock.advance(AutoScalingGroup.TERMINATED_RETENTION));
        assertThat(g.instances()).extracting(Instance::instanceId).doesNotContain(a, b).hasSize(1);
    }

    @Test
    void scheduledActionChangesTheSizesAtItsTime() {
        ScheduledActionConfig businessHours = new ScheduledActionConfig("business-hours", null, null,
                T0.plusSeconds(10), null, 2, 5, 2);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER),
                Group.of("workers", "sleeper", 0, 3, 0).scheduled(businessHours)), "workers");
        for (int s = 1; s <= 9; s++) {
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isZero();
        assertThat(g.instances()).isEmpty();

        controller.tick(clock.advanceSeconds(1));
        assertThat(g.minSize()).isEqualTo(2);
        assertThat(g.maxSize()).isEqualTo(5);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        String expected = "At 2026-11-23T10:00:10Z a scheduled action update of AutoScalingGroup constraints to min: 2, max: 5,"
                + " desired: 2 changing the desired capacity from 0 to 2. At 2026-11-23T10:00:10Z the scheduled action"
                + " business-hours executed.";
        assertThat(g.activities()).extracting(Activity::cause).contains(expected);
        assertThat(g.activities()).filteredOn(a -> a.description().startsWith("Launching a new EC2 instance: ")).hasSize(2)
                .allSatisfy(a -> assertThat(a.cause()).isEqualTo(expected + " At 2026-11-23T10:00:10Z an instance was started in"
                        + " response to a difference between desired and actual capacity, increasing the capacity from 0 to 2."));
        tickUntil(() -> count(g, LifecycleState.InService) == 2);
    }

    @Test
    void setDesiredCapacityOutsideTheLimitsIsRejectedNamingThem() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 1)), "workers");
        assertThatThrownBy(() -> g.setDesiredCapacity(5, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("desiredCapacity: 5 is above maxSize 3 of auto scaling group 'workers' (expected: 1..3)");
        assertThatThrownBy(() -> g.setDesiredCapacity(0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("desiredCapacity: 0 is below minSize 1 of auto scaling group 'workers' (expected: 1..3)");
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.setInstanceProtection("i-0123456789abcdef0", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("i-0123456789abcdef0").hasMessageContaining("'workers'");
        assertThatThrownBy(() -> controller.group("nope")).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void reloadChangesOnlyWhatTheFileChangedAndDeletesRemovedGroups() {
        Group workers = Group.of("workers", "sleeper", 0, 5, 1);
        Group batch = Group.of("batch", "sleeper", 1, 1, 1);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), workers, batch), "workers");
        AutoScalingGroup b = controller.group("batch");
        tickUntil(() -> count(g, LifecycleState.InService) == 1 && count(b, LifecycleState.InService) == 1);
        g.setDesiredCapacity(3, null);

        // Only maxSize changed in the file: the desired capacity set since stays; batch is gone from the file.
        controller.apply(Fixtures.config(List.of(SLEEPER), workers.sizes(0, 6, 1)));
        assertThat(g.desiredCapacity()).isEqualTo(3);
        assertThat(g.maxSize()).isEqualTo(6);
        assertThat(g.activities().get(0).cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ a user request update of"
                + " AutoScalingGroup constraints to min: 0, max: 6, desired: 3\\.");
        assertThat(controller.groups()).containsExactly(g);

        // A config whose policy does not build changes nothing.
        ScalingPolicyConfig.Simple noAlarm = new ScalingPolicyConfig.Simple("broken",
                ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY, 1, null, null, null);
        assertThatThrownBy(() -> controller.apply(Fixtures.config(List.of(SLEEPER), workers.sizes(0, 9, 1).policies(noAlarm))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policies[broken].alarm");
        assertThat(g.maxSize()).isEqualTo(6);
        tickUntil(() -> count(g, LifecycleState.InService) == 3 && b.isEmpty());

        // The file changed desiredCapacity: it applies.
        controller.apply(Fixtures.config(List.of(SLEEPER), workers.sizes(0, 6, 2)));
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(g.activities().get(0).cause()).matches("At 2026-11-23T10:\\d\\d:\\d\\dZ a user request update of AutoScalingGroup"
                + " constraints to min: 0, max: 6, desired: 2 changing the desired capacity from 3 to 2\\.");
        tickUntil(() -> count(g, LifecycleState.InService) == 2);
    }

    @Test
    void aPolicyWhoseAlarmFiresChangesTheDesiredCapacityAndItsCooldownHolds() {
        AlarmConfig deepQueue = new AlarmConfig("QueueDepth", Map.of("Queue", "jobs"), "Maximum", 10, 1, 1, 100,
                AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD);
        ScalingPolicyConfig.Simple addOne = new ScalingPolicyConfig.Simple("queue",
                ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY, 1, null, 60, deepQueue);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 1).policies(addOne)),
                "workers");
        MetricKey depth = MetricKey.of("QueueDepth", Dimensions.of("Queue", "jobs"));
        for (int s = 0; s < 30; s++) {
            store.record(depth, clock.instant().getEpochSecond(), 5);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(g.alarms()).singleElement().satisfies(a -> {
            assertThat(a.policyName()).isEqualTo("queue");
            assertThat(a.alarmName()).isEqualTo("SimpleScaling-workers-queue");
            assertThat(a.state()).isEqualTo(AlarmState.OK);
        });

        int ticks = 0;
        while (g.desiredCapacity() == 1 && ticks++ < 60) {
            store.record(depth, clock.instant().getEpochSecond(), 500);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(2);
        Instant scaledAt = clock.instant();
        assertThat(g.alarms().get(0).state()).isEqualTo(AlarmState.ALARM);
        String cause = "At " + AutoScalingGroup.at(scaledAt) + " a monitor alarm SimpleScaling-workers-queue in state ALARM"
                + " triggered policy queue changing the desired capacity from 1 to 2.";
        assertThat(g.activities()).extracting(Activity::cause).contains(cause);
        assertThat(g.activities()).filteredOn(a -> a.description().startsWith("Launching a new EC2 instance: ")).first()
                .satisfies(a -> assertThat(a.cause()).isEqualTo(cause + " At " + AutoScalingGroup.at(scaledAt)
                        + " an instance was started in response to a difference between desired and actual capacity,"
                        + " increasing the capacity from 1 to 2."));

        // Still in ALARM, but the 60 s cooldown holds the next step until it ends.
        while (clock.instant().isBefore(scaledAt.plusSeconds(59))) {
            store.record(depth, clock.instant().getEpochSecond(), 500);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(2);
        ticks = 0;
        while (g.desiredCapacity() == 2 && ticks++ < 30) {
            store.record(depth, clock.instant().getEpochSecond(), 500);
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(3);
    }

    @Test
    void aPendingInstanceThatNeverPassesItsHealthCheckIsReplaced() {
        // "sleep" never listens, so its target stays initial: after grace + the pending timeout it is replaced.
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("web", "sleeper", 1, 1, 1).elb("web", 10)), "web");
        tickUntil(() -> g.instances().size() == 1 && g.instances().get(0).host() != null);
        Instance first = g.instances().get(0);
        Instant deadline = first.launchTime().plusSeconds(10).plus(AutoScalingGroup.PENDING_TIMEOUT);
        while (clock.instant().plusSeconds(10).isBefore(deadline)) {
            controller.tick(clock.advanceSeconds(10));
        }
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        assertThat(registry.health("web", new TargetAddress(first.host(), first.port())).orElseThrow().state())
                .isEqualTo(TargetState.INITIAL);

        tickUntil(() -> goneOrTerminated(g, first.instanceId()) && g.instances().stream()
                .anyMatch(i -> i.lifecycleState() == LifecycleState.Pending && !i.instanceId().equals(first.instanceId())));
        assertThat(activity(g, "Terminating EC2 instance: " + first.instanceId()).cause())
                .endsWith("an instance was taken out of service in response to an ELB system health check failure.");
        assertThat(activity(g, "Launching a new EC2 instance: " + first.instanceId()).statusCode()).isEqualTo(Activity.CANCELLED);
    }

    @Test
    void failedLaunchesAreRecordedAndRetriedWithGrowingBackoff() {
        LaunchTemplateConfig broken = Fixtures.template("broken", List.of("/nonexistent/headroom-app", "--port", "${PORT}"));
        AutoScalingGroup g = start(Fixtures.config(List.of(broken), Group.of("web", "broken", 1, 2, 1)), "web");
        tickUntil(() -> g.activities().stream().filter(a -> Activity.FAILED.equals(a.statusCode())).count() >= 4);

        List<Activity> failed = g.activities().stream().filter(a -> Activity.FAILED.equals(a.statusCode())).toList();
        assertThat(failed).allSatisfy(a -> {
            assertThat(a.description()).startsWith("Launching a new EC2 instance: i-");
            assertThat(a.statusMessage()).contains("/nonexistent/headroom-app").contains("not an executable file");
        });
        assertThat(g.instances()).noneMatch(i -> i.lifecycleState() == LifecycleState.InService);
        // Newest first: the gaps between attempts grow (1, 2, 4 s of backoff after each failure is reported).
        List<Instant> starts = failed.stream().map(Activity::startTime).toList();
        assertThat(Duration.between(starts.get(3), starts.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(starts.get(2), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(Duration.between(starts.get(1), starts.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void groupAveragesLeaveOutInstancesInWarmup() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 1, 1).warmup(20)),
                "workers");
        tickUntil(() -> count(g, LifecycleState.InService) == 1);
        Instant inService = clock.instant();
        String id = g.instances().get(0).instanceId();
        MetricKey groupCpu = MetricKey.of("CPUUtilization", Dimensions.of("AutoScalingGroupName", "workers"));
        MetricKey instanceMemory = MetricKey.of("MemoryUtilization", Dimensions.of("InstanceId", id));
        assertThat(g.groupState(inService).warmingUpCount()).isEqualTo(1);

        // The instance's own series fill from the start; the group's only once its warmup is over.
        tickUntil(() -> store.aggregate(instanceMemory, T0, clock.instant().plusSeconds(1), Statistic.SAMPLE_COUNT).isPresent());
        while (clock.instant().isBefore(inService.plusSeconds(19))) {
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(store.aggregate(groupCpu, T0, clock.instant().plusSeconds(1), Statistic.SAMPLE_COUNT)).isEmpty();
        tickUntil(() -> store.aggregate(groupCpu, T0, clock.instant().plusSeconds(1), Statistic.SAMPLE_COUNT).isPresent());
        assertThat(clock.instant()).isAfterOrEqualTo(inService.plusSeconds(20));
        assertThat(g.groupState(clock.instant()).warmingUpCount()).isZero();
        // With one reporting instance the group's total CPU (predictive scaling's load) equals its average, second by second.
        MetricKey total = MetricKey.of("TotalCPUUtilization", Dimensions.of("AutoScalingGroupName", "workers"));
        assertThat(store.query(total, T0, clock.instant().plusSeconds(1), 1, Statistic.AVERAGE))
                .isEqualTo(store.query(groupCpu, T0, clock.instant().plusSeconds(1), 1, Statistic.AVERAGE));
        // NetworkIn and NetworkOut (bytes read and written per second) are averaged over the same instances: a
        // sleeping process reads and writes nothing. Their sums over the instances (predictive scaling's ASGNetworkIn
        // and ASGNetworkOut loads) are, with one instance, the same.
        Instant end = clock.instant().plusSeconds(1);
        for (String net : List.of("NetworkIn", "NetworkOut")) {
            MetricKey group = MetricKey.of(net, Dimensions.of("AutoScalingGroupName", "workers"));
            assertThat(store.aggregate(group, T0, end, Statistic.SAMPLE_COUNT)).as(net).isPresent();
            assertThat(store.aggregate(group, T0, end, Statistic.MAXIMUM).orElseThrow()).as(net).isLessThan(1_000);
            assertThat(store.aggregate(MetricKey.of(net, Dimensions.of("InstanceId", id)), T0, end,
                    Statistic.SAMPLE_COUNT)).as(net).isPresent();
            assertThat(store.query(MetricKey.of("Total" + net, Dimensions.of("AutoScalingGroupName", "workers")), T0,
                    end, 1, Statistic.AVERAGE)).as(net).isEqualTo(store.query(group, T0, end, 1, Statistic.AVERAGE));
        }
    }

    @Test
    void aPredictiveForecastScalesOutAheadOfTheHourAndRaisesTheMaximumWithIncreaseMaxCapacity() {
        store = MetricStore.inMemory(Duration.ofDays(15));
        // Two days of history, one sample per hour: the group's total CPU is 40 % except 200 % from 10:00 to 11:00.
        MetricKey total = MetricKey.of("TotalCPUUtilization", Dimensions.of("AutoScalingGroupName", "workers"));
        for (long t = T0.getEpochSecond() - 48 * 3600; t < T0.getEpochSecond() - 3600; t += 3600) {
            store.record(total, t + 1800, Math.floorMod(t, 86_400L) / 3600 == 10 ? 200 : 40);
        }
        ScalingPolicyConfig.Predictive forecast = new ScalingPolicyConfig.Predictive("daily",
                ScalingPolicyConfig.PredictiveMetricPair.ASG_CPU_UTILIZATION, null, 50,
                ScalingPolicyConfig.PredictiveMode.FORECAST_AND_SCALE, 300,
                ScalingPolicyConfig.MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY, 0);
        clock.set(T0.minusSeconds(600)); // 09:50: the 09:00 hour needs 1
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 3, 1).policies(forecast)),
                "workers");
        while (clock.instant().isBefore(T0.minusSeconds(301))) {
            controller.tick(clock.advanceSeconds(1));
        }
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(g.maxSize()).isEqualTo(3);
        // 09:55: 10:00 is within the 300 s scheduling buffer; it needs ceil(200 / 50) = 4, above the maximum 3, which
        // IncreaseMaxCapacity (buffer 0 %) raises to 4.
        tickUntil(() -> g.desiredCapacity() == 4);
        assertThat(clock.instant()).isBefore(T0.minusSeconds(290));
        assertThat(g.maxSize()).isEqualTo(4);
        assertThat(g.activities()).extracting(Activity::cause).anyMatch(c -> c.contains("the predictive scaling policy daily"
                + " forecast a load of 200 (percent CPU, summed over instances) for the hour from 2026-11-23T10:00:00Z,"
                + " which needs 4 instances at the target 50 changing the desired capacity from 1 to 4."));
        assertThat(g.forecasts()).singleElement().satisfies(f -> {
            assertThat(f.historyHours()).isEqualTo(47);
            assertThat(f.points().get(1).capacity()).isEqualTo(4);
        });
        tickUntil(() -> count(g, LifecycleState.InService) == 4);
        // 11:00: the forecast falls to 1, but predictive scaling does not scale in.
        clock.set(T0.plusSeconds(3600));
        controller.tick(clock.instant());
        controller.tick(clock.advanceSeconds(1));
        assertThat(g.desiredCapacity()).isEqualTo(4);
    }

    @Test
    void startedControllerTicksByItselfAndCloseStopsEverything() {
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 2, 1)), "workers");
        controller.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> count(g, LifecycleState.InService) == 1);
        g.setDesiredCapacity(2, "a test");
        await().atMost(Duration.ofSeconds(15)).until(() -> count(g, LifecycleState.InService) == 2);
        assertThat(g.activities()).extracting(Activity::cause).anyMatch(c -> c.endsWith(
                " a test changing the desired capacity from 1 to 2."));
        long pid = provider.describe(g.instances().get(0).instanceId()).orElseThrow().pid();

        controller.close();
        assertThat(g.instances()).allMatch(i -> i.lifecycleState() == LifecycleState.Terminated);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertThatThrownBy(controller::start).isInstanceOf(IllegalStateException.class);
    }
}
