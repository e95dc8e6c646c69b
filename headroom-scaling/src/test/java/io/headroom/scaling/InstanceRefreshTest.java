package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.time.ManualClock;
import io.headroom.scaling.AutoScalingGroup.IrreversibleInstanceRefreshException;
import io.headroom.scaling.Fixtures.Group;
import io.headroom.scaling.InstanceRefresh.Status;
import io.headroom.scaling.RefreshPreferences.ScaleInProtectedInstances;
import io.headroom.scaling.RefreshPreferences.StandbyInstances;
import io.headroom.scaling.provider.ProcessProvider;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Instance refresh against real child processes (the real {@link ProcessProvider}), with EC2 health checks so that
 * an instance is InService once its process runs. Time is a {@link ManualClock} moved one second per tick.
 */
class InstanceRefreshTest extends ControllerHarness {
    private static final LaunchTemplateConfig.Version V1 =
            new LaunchTemplateConfig.Version(1, List.of("sleep", "300"), Map.of(), null, 1.0, 5);
    private static final LaunchTemplateConfig.Version V2 =
            new LaunchTemplateConfig.Version(2, List.of("sleep", "301"), Map.of(), null, 1.0, 5);
    /** A version whose instances exit at once: EC2 health checks mark them unhealthy. */
    private static final LaunchTemplateConfig.Version BROKEN =
            new LaunchTemplateConfig.Version(2, List.of("sh", "-c", "exit 3"), Map.of(), null, 1.0, 5);

    private static HeadroomConfig config(Group group, LaunchTemplateConfig.Version... versions) {
        return Fixtures.config(List.of(new LaunchTemplateConfig("app", List.of(versions))), group);
    }

    /** The group on launch template version {@code version} ("1", "$Latest", ...) rather than $Latest. */
    private static HeadroomConfig config(Group group, String version, LaunchTemplateConfig.Version... versions) {
        return Fixtures.config(List.of(new LaunchTemplateConfig("app", List.of(versions))),
                Fixtures.withLaunchTemplateVersion(group.config(), version));
    }

    /** Preferences: this minimum healthy percentage and warmup, AWS's defaults otherwise. */
    private static RefreshPreferences prefs(int minHealthy, int warmup) {
        RefreshPreferences d = RefreshPreferences.DEFAULTS;
        return new RefreshPreferences(minHealthy, d.maxHealthyPercentage(), warmup, false, List.of(), null, false,
                List.of(), null, null);
    }

    private static RefreshPreferences with(RefreshPreferences p, boolean autoRollback, List<String> alarms) {
        return new RefreshPreferences(p.minHealthyPercentage(), p.maxHealthyPercentage(), p.instanceWarmup(),
                p.skipMatching(), p.checkpointPercentages(), p.checkpointDelay(), autoRollback, alarms,
                p.scaleInProtectedInstances(), p.standbyInstances());
    }

    /** The launch template versions of the group's InService instances. */
    private static List<Integer> inServiceVersions(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService)
                .map(Instance::launchTemplateVersion).toList();
    }

    private AutoScalingGroup start(HeadroomConfig config) {
        return start(config, "workers");
    }

    private static Set<String> ids(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).map(Instance::instanceId)
                .collect(Collectors.toSet());
    }

    private static long healthyInService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService
                && i.healthStatus() == HealthStatus.Healthy).count();
    }

    private static InstanceRefresh latest(AutoScalingGroup g) {
        return g.instanceRefreshes().get(0);
    }

    @Test
    void replacesOneInstanceAtATimeKeepingTheMinimumHealthyAndEndsSuccessful() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 3).warmup(2), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3);
        Set<String> old = ids(g, LifecycleState.InService);

        // 66 % of 3 is 1.98: two must stay healthy, so one instance is replaced at a time.
        InstanceRefresh r = g.startInstanceRefresh(66, null, false);
        assertThat(r.status()).isEqualTo(Status.Pending);
        assertThat(r.instancesToUpdate()).isEqualTo(3);
        assertThat(r.instanceWarmupSeconds()).isEqualTo(2); // the group's default warmup
        assertThatThrownBy(() -> g.startInstanceRefresh(90, null, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already in progress");

        // Watched after every tick until it ends.
        AtomicLong fewestHealthy = new AtomicLong(Long.MAX_VALUE);
        AtomicLong mostTerminatingAtOnce = new AtomicLong();
        tickUntil(() -> {
            fewestHealthy.accumulateAndGet(healthyInService(g), Math::min);
            mostTerminatingAtOnce.accumulateAndGet(g.instances().stream().filter(i -> old.contains(i.instanceId())
                    && i.lifecycleState().isTerminating()).count(), Math::max);
            return !latest(g).status().isActive();
        });
        InstanceRefresh done = latest(g);
        assertThat(done.status()).isEqualTo(Status.Successful);
        assertThat(done.percentageComplete()).isEqualTo(100);
        assertThat(done.instancesToUpdate()).isZero();
        assertThat(done.endTime()).isEqualTo(clock.instant());
        assertThat(fewestHealthy.get()).isGreaterThanOrEqualTo(2);
        assertThat(mostTerminatingAtOnce.get()).isEqualTo(1);
        assertThat(g.desiredCapacity()).isEqualTo(3);
        Set<String> now = ids(g, LifecycleState.InService);
        assertThat(now).hasSize(3).doesNotContainAnyElementsOf(old);
        for (String id : old) {
            Activity a = g.activities().stream().filter(x -> x.description().equals("Terminating EC2 instance: " + id))
                    .findFirst().orElseThrow();
            assertThat(a.cause()).matches("At \\S+Z an instance was taken out of service in response to an instance"
                    + " refresh\\. At \\S+Z instance " + id + " was selected for termination\\.");
        }
    }

    @Test
    void checkpointsPauseTheRefreshAfterTheirShareAndALastOneBelow100StopsIt() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 5, 4), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 4);
        Set<String> old = ids(g, LifecycleState.InService);
        // min healthy 50 % of 4 would allow two at a time; the 25 % checkpoint allows only one before it.
        InstanceRefresh started = g.startInstanceRefresh(50, 100, 0, false, List.of(25, 50), 120);
        assertThat(started.checkpointPercentages()).containsExactly(25, 50);
        assertThat(started.checkpointDelay()).isEqualTo(120);

        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint 1 of 2 (25 % replaced)"));
        assertThat(ids(g, LifecycleState.InService)).hasSize(4).filteredOn(old::contains).hasSize(3);
        // It waits the whole delay: nothing else is replaced meanwhile.
        tick(110);
        assertThat(latest(g).statusReason()).startsWith("Waiting at checkpoint 1 of 2");
        assertThat(ids(g, LifecycleState.InService)).filteredOn(old::contains).hasSize(3);

        // Then on to 50 %, a wait there, and the end: the last checkpoint is 50, so half stay on the old instances.
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint 2 of 2 (50 % replaced)"));
        assertThat(ids(g, LifecycleState.InService)).filteredOn(old::contains).hasSize(2);
        tickUntil(() -> !latest(g).status().isActive());
        InstanceRefresh done = latest(g);
        assertThat(done.status()).isEqualTo(Status.Successful);
        assertThat(done.statusReason()).isEqualTo("Stopped at the last checkpoint (50 % replaced); 2 instances left as"
                + " they were.");
        assertThat(done.percentageComplete()).isEqualTo(50);
        assertThat(ids(g, LifecycleState.InService)).hasSize(4).filteredOn(old::contains).hasSize(2);
    }

    @Test
    void checkpointsAreCheckedWhereTheyEnter() {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 5, 1), V1));
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 100, null, false, List.of(50, 20), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpointPercentages: [50, 20] (expected: ascending, each once, 1..100)");
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 100, null, false, List.of(0, 100), null))
                .hasMessage("checkpointPercentages: [0, 100] (expected: ascending, each once, 1..100)");
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 100, null, false, List.of(100), 200_000))
                .hasMessage("checkpointDelay: 200000 (expected: 0..172800 seconds)");
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 100, null, false, List.of(), 60))
                .hasMessage("checkpointDelay: 60 (expected: only with checkpointPercentages)");
        assertThat(g.startInstanceRefresh(90, 100, null, false, List.of(100), null).checkpointDelay()).isEqualTo(3600);
    }

    /** Ticks until the latest refresh ends; returns the fewest healthy InService and the most active instances seen. */
    private long[] tickUntilRefreshEnds(AutoScalingGroup g) {
        AtomicLong fewestHealthy = new AtomicLong(Long.MAX_VALUE);
        AtomicLong mostActive = new AtomicLong();
        tickUntil(() -> {
            fewestHealthy.accumulateAndGet(healthyInService(g), Math::min);
            mostActive.accumulateAndGet(g.instances().stream().filter(i -> i.lifecycleState().isActive()).count(),
                    Math::max);
            return !latest(g).status().isActive();
        });
        return new long[] {fewestHealthy.get(), mostActive.get()};
    }

    @Test
    void aSingleInstanceIsReplacedLaunchFirstSoThatOneIsAlwaysServing() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 2, 1), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 1);
        String old = ids(g, LifecycleState.InService).iterator().next();
        g.startInstanceRefresh(90, 0, false);
        long[] seen = tickUntilRefreshEnds(g);
        long fewestHealthy = seen[0];
        long mostActive = seen[1];
        assertThat(latest(g).status()).isEqualTo(Status.Successful);
        assertThat(fewestHealthy).isEqualTo(1); // never none serving
        assertThat(mostActive).isEqualTo(2); // the replacement, above the desired capacity, for a while
        assertThat(g.desiredCapacity()).isEqualTo(1);
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 1 && g.instances().stream()
                .filter(i -> i.lifecycleState().isActive()).count() == 1);
        assertThat(ids(g, LifecycleState.InService)).doesNotContain(old);
        assertThat(g.activities()).anySatisfy(a -> assertThat(a.cause())
                .matches("At \\S+Z an instance was started in response to an instance refresh, increasing the capacity"
                        + " from 1 to 2\\."));
    }

    @Test
    void aMaxHealthyPercentageAbove100LaunchesBatchesAheadAndNeverGoesBelowTheDesiredCapacity() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 8, 4), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 4);
        Set<String> old = ids(g, LifecycleState.InService);
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 250, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHealthyPercentage: 250 (expected: 100..200)");
        assertThatThrownBy(() -> g.startInstanceRefresh(50, 160, 0, false)).hasMessage("maxHealthyPercentage: 160"
                + " (expected: at most 100 above minHealthyPercentage 50)");
        InstanceRefresh r = g.startInstanceRefresh(100, 150, 0, false);
        assertThat(r.maxHealthyPercentage()).isEqualTo(150);
        long[] seen = tickUntilRefreshEnds(g);
        long fewestHealthy = seen[0];
        long mostActive = seen[1];
        assertThat(latest(g).status()).isEqualTo(Status.Successful);
        // 150 % of 4 = 6: two replacements ahead at a time, never fewer than 4 serving.
        assertThat(fewestHealthy).isEqualTo(4);
        assertThat(mostActive).isEqualTo(6);
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 4 && g.instances().stream()
                .filter(i -> i.lifecycleState().isActive()).count() == 4);
        assertThat(ids(g, LifecycleState.InService)).doesNotContainAnyElementsOf(old);
        assertThat(g.desiredCapacity()).isEqualTo(4);
    }

    @Test
    void withoutRoomUnderMaxSizeASingleInstanceIsTerminatedFirst() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 1, 1), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 1);
        g.startInstanceRefresh(90, 0, false);
        AtomicLong mostActive = new AtomicLong();
        tickUntil(() -> {
            mostActive.accumulateAndGet(g.instances().stream().filter(i -> i.lifecycleState().isActive()).count(),
                    Math::max);
            return latest(g).status() == Status.Successful;
        });
        assertThat(mostActive.get()).isEqualTo(1);
    }

    @Test
    void minHealthyZeroReplacesEveryInstanceInOneBatch() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 3), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3);
        Set<String> old = ids(g, LifecycleState.InService);
        g.startInstanceRefresh(0, 0, false);
        controller.tick(clock.advanceSeconds(1));
        assertThat(g.instances().stream().filter(i -> old.contains(i.instanceId()))).allMatch(i -> !i.lifecycleState().isActive());
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(ids(g, LifecycleState.InService)).hasSize(3).doesNotContainAnyElementsOf(old);
    }

    @Test
    void skipMatchingLeavesInstancesOnTheCurrentVersionAndProtectedOnesAlone() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        Set<String> onV1 = ids(g, LifecycleState.InService);
        String protectedOne = onV1.iterator().next();
        g.setInstanceProtection(protectedOne, true);
        // Version 2 arrives with a reload; the group launches it from now on ($Latest). One more instance runs it.
        controller.apply(config(Group.of("workers", "app", 1, 4, 3), V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3);
        String onV2 = g.instances().stream().filter(i -> i.launchTemplateVersion() == 2).findFirst().orElseThrow()
                .instanceId();

        InstanceRefresh r = g.startInstanceRefresh(50, 0, true);
        assertThat(r.launchTemplateVersion()).isEqualTo(2);
        assertThat(r.skipMatching()).isTrue();
        assertThat(r.instancesToUpdate()).isEqualTo(1); // neither the v2 instance nor the protected one
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(ids(g, LifecycleState.InService)).hasSize(3).contains(onV2, protectedOne);
        assertThat(g.instances()).filteredOn(i -> i.lifecycleState() == LifecycleState.InService)
                .extracting(Instance::launchTemplateVersion).containsExactlyInAnyOrder(1, 2, 2);
    }

    @Test
    void cancellingStopsFurtherBatches() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 3), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3);
        Set<String> old = ids(g, LifecycleState.InService);
        controller.tick(clock.advanceSeconds(3600)); // the instances are warm: an hour InService
        g.startInstanceRefresh(66, 3600, false); // one at a time, and each replacement warms up for an hour
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3
                && !ids(g, LifecycleState.InService).equals(old));
        InstanceRefresh cancelled = g.cancelInstanceRefresh();
        assertThat(cancelled.status()).isEqualTo(Status.Cancelled);
        assertThat(cancelled.statusReason()).isEqualTo("Cancelled by a user request.");
        assertThat(cancelled.instancesToUpdate()).isEqualTo(2);
        clock.advanceSeconds(3600);
        for (int i = 0; i < 5; i++) {
            controller.tick(clock.advanceSeconds(1));
        }
        Set<String> left = ids(g, LifecycleState.InService);
        assertThat(left).hasSize(3);
        assertThat(left.stream().filter(old::contains)).hasSize(2);
        assertThatThrownBy(g::cancelInstanceRefresh).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No instance refresh is in progress");
        assertThat(g.instanceRefreshes()).hasSize(1);
    }

    @Test
    void failsAfterThreeReplacementsFailAndRefusesBadPreferences() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        controller.apply(config(Group.of("workers", "app", 1, 4, 2), V1, BROKEN));
        // A broken instance runs for a moment before it exits: with no warmup, an EC2 health check that caught it
        // running would count it ready, and the refresh would go on to replace the last good instance. AWS's answer,
        // and ours: a warmup longer than a broken instance lives.
        g.startInstanceRefresh(50, 10, false);
        tickUntil(() -> latest(g).status() == Status.Failed);
        InstanceRefresh failed = latest(g);
        assertThat(failed.statusReason()).startsWith("3 instances launched during the refresh failed; the last: ")
                .contains("EC2 health check");
        assertThat(failed.endTime()).isNotNull();
        // One instance on the good version was replaced at a time, so one is still serving.
        assertThat(g.instances()).anyMatch(i -> i.lifecycleState() == LifecycleState.InService
                && i.launchTemplateVersion() == 1);

        assertThatThrownBy(() -> g.startInstanceRefresh(101, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minHealthyPercentage: 101 (expected: 0..100)");
        assertThatThrownBy(() -> g.startInstanceRefresh(90, 3601, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instanceWarmup: 3601 (expected: 0..3600 seconds)");
    }

    @Test
    void aDesiredConfigurationIsRolledOutLaunchedMeanwhileAndBecomesTheGroupsOnSuccess() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 5, 2), "1", V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        assertThatThrownBy(() -> g.startInstanceRefresh("3", prefs(50, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("desiredConfiguration.launchTemplateVersion: '3' is not a version of launch template app"
                        + " (expected: 1..2, $Latest or $Default)");
        assertThat(g.instanceRefreshes()).isEmpty(); // nothing started

        InstanceRefresh r = g.startInstanceRefresh("$Latest", prefs(50, 0));
        assertThat(r.desiredLaunchTemplateVersion()).isEqualTo("$Latest");
        assertThat(r.launchTemplateVersion()).isEqualTo(2);
        assertThat(r.rollbackLaunchTemplateVersion()).isEqualTo(1);
        g.setDesiredCapacity(3, null); // a scale out during the refresh launches the desired configuration too
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(inServiceVersions(g)).containsExactly(2, 2, 2);
        assertThat(g.launchTemplateVersion()).isEqualTo("$Latest");
        g.setDesiredCapacity(4, null);
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 4);
        assertThat(inServiceVersions(g)).containsOnly(2);
    }

    @Test
    void skipMatchingComparesWithTheDesiredConfiguration() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 1), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 1);
        controller.apply(config(Group.of("workers", "app", 1, 4, 2), V1, V2)); // a second instance, on version 2
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        RefreshPreferences skip = new RefreshPreferences(50, 100, 0, true, List.of(), null, false, List.of(), null, null);
        InstanceRefresh r = g.startInstanceRefresh("$Default", skip); // back to version 1: only the v2 instance goes
        assertThat(r.launchTemplateVersion()).isEqualTo(1);
        assertThat(r.instancesToUpdate()).isEqualTo(1);
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(inServiceVersions(g)).containsExactly(1, 1);
        assertThat(g.launchTemplateVersion()).isEqualTo("$Default");
    }

    @Test
    void aRollbackReplacesWhatTheRefreshLaunchedWithThePreviousVersionNeverBelowTheDesiredCapacity() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), "1", V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        assertThatThrownBy(g::rollbackInstanceRefresh).isInstanceOf(IllegalStateException.class)
                .hasMessage("No instance refresh is in progress for auto scaling group 'workers' to roll back.");
        // 100..150 %: one replacement launched ahead at a time; the 50 % checkpoint stops it after the first.
        RefreshPreferences p = new RefreshPreferences(100, 150, 0, false, List.of(50), 3600, false, List.of(), null, null);
        g.startInstanceRefresh("2", p);
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint 1 of 1"));
        assertThat(inServiceVersions(g)).containsExactlyInAnyOrder(1, 2);
        String onV2 = g.instances().stream().filter(i -> i.launchTemplateVersion() == 2).findFirst().orElseThrow()
                .instanceId();

        InstanceRefresh rolling = g.rollbackInstanceRefresh();
        assertThat(rolling.status()).isEqualTo(Status.RollbackInProgress);
        assertThat(rolling.instancesToUpdate()).isEqualTo(1);
        assertThat(rolling.rollbackDetails().rollbackReason()).isEqualTo("Rollback initiated by a user request.");
        assertThat(rolling.rollbackDetails().percentageCompleteOnRollback()).isEqualTo(50);
        assertThat(rolling.rollbackDetails().instancesToUpdateOnRollback()).isEqualTo(1);
        assertThatThrownBy(g::rollbackInstanceRefresh).hasMessageContaining("is rolling back already");
        assertThatThrownBy(g::cancelInstanceRefresh).hasMessageContaining("a rollback cannot be cancelled");
        long[] seen = tickUntilRefreshEnds(g);
        assertThat(latest(g).status()).isEqualTo(Status.RollbackSuccessful);
        assertThat(latest(g).statusReason()).isEqualTo("Rollback complete: every instance launched by the refresh was"
                + " replaced with launch template version 1.");
        assertThat(seen[0]).isEqualTo(2); // never fewer than the desired capacity serving
        tickUntil(() -> g.instances().stream().filter(i -> i.lifecycleState().isActive()).count() == 2);
        assertThat(inServiceVersions(g)).containsExactly(1, 1);
        assertThat(g.launchTemplateVersion()).isEqualTo("1");
        Activity a = g.activities().stream().filter(x -> x.description().equals("Terminating EC2 instance: " + onV2))
                .findFirst().orElseThrow();
        assertThat(a.cause()).matches("At \\S+Z an instance was taken out of service in response to an instance refresh"
                + " rollback\\. At \\S+Z instance " + onV2 + " was selected for termination\\.");
    }

    @Test
    void aRollbackReplacesAnInstanceLaunchedInATickWhoseTimeWasReadBeforeTheRefreshStarted() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), "1", V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        // The controller reads the time, then ticks; a refresh started in between (an API call) is a moment younger
        // than the tick's time, which becomes its first replacement's launch time.
        Instant tickTime = clock.instant();
        clock.advanceSeconds(1);
        RefreshPreferences p = new RefreshPreferences(100, 150, 0, false, List.of(50), 3600, false, List.of(), null, null);
        g.startInstanceRefresh("2", p);
        controller.tick(tickTime);
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint 1 of 1"));
        assertThat(inServiceVersions(g)).containsExactlyInAnyOrder(1, 2);
        Instance onV2 = g.instances().stream().filter(i -> i.launchTemplateVersion() == 2).findFirst().orElseThrow();
        assertThat(onV2.launchTime()).isBefore(latest(g).startTime()); // the race this test is about

        InstanceRefresh rolling = g.rollbackInstanceRefresh();
        assertThat(rolling.instancesToUpdate()).isEqualTo(1);
        tickUntil(() -> !latest(g).status().isActive());
        assertThat(latest(g).status()).isEqualTo(Status.RollbackSuccessful);
        tickUntil(() -> g.instances().stream().filter(i -> i.lifecycleState().isActive()).count() == 2);
        assertThat(inServiceVersions(g)).containsExactly(1, 1);
    }

    @Test
    void aRollbackWhoseLaunchesFailEndsRollbackFailedAndLeavesTheServingInstancesAlone() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), "1", V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        // 100..150 % and a 50 % checkpoint: one instance replaced with version 2, then the refresh waits. The warmup
        // outlasts a broken instance (see failsAfterThreeReplacementsFail...).
        RefreshPreferences p = new RefreshPreferences(100, 150, 10, false, List.of(50), 3600, false, List.of(), null, null);
        g.startInstanceRefresh("2", p);
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint 1 of 1"));
        Set<String> serving = ids(g, LifecycleState.InService);
        assertThat(inServiceVersions(g)).containsExactlyInAnyOrder(1, 2);
        // Version 1 now fails to start (its file changed under the group): the rollback's launches fail.
        LaunchTemplateConfig.Version brokenV1 =
                new LaunchTemplateConfig.Version(1, List.of("sh", "-c", "exit 3"), Map.of(), null, 1.0, 5);
        controller.apply(config(Group.of("workers", "app", 1, 4, 2), "1", brokenV1, V2));

        g.rollbackInstanceRefresh();
        tickUntil(() -> !latest(g).status().isActive());
        InstanceRefresh failed = latest(g);
        assertThat(failed.status()).isEqualTo(Status.RollbackFailed);
        assertThat(failed.statusReason()).startsWith("3 instances launched during the rollback failed; the last: ");
        assertThat(failed.endTime()).isNotNull();
        // Launch ahead (maxHealthy 150 %): nothing that served was terminated for replacements that never came up.
        assertThat(ids(g, LifecycleState.InService)).containsAll(serving);
        assertThatThrownBy(g::rollbackInstanceRefresh).isInstanceOf(IllegalStateException.class)
                .hasMessage("No instance refresh is in progress for auto scaling group 'workers' to roll back.");
    }

    @Test
    void onlyARefreshWithADesiredConfigurationOfAGroupOnANumberedVersionCanBeRolledBack() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 1), V1, V2)); // on $Latest
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 1);
        RefreshPreferences wait = new RefreshPreferences(90, 100, 3600, false, List.of(), null, false, List.of(), null, null);
        g.startInstanceRefresh(null, wait);
        assertThatThrownBy(g::rollbackInstanceRefresh).isInstanceOf(IrreversibleInstanceRefreshException.class)
                .hasMessageEndingWith("cannot be rolled back: it has no desired configuration (a launch template version"
                        + " to roll out).");
        g.cancelInstanceRefresh();
        g.startInstanceRefresh("1", wait);
        assertThatThrownBy(g::rollbackInstanceRefresh).isInstanceOf(IrreversibleInstanceRefreshException.class)
                .hasMessageEndingWith("cannot be rolled back: the group launched launch template version $Latest before"
                        + " it, not a numbered version to go back to.");
        assertThat(latest(g).status()).isEqualTo(Status.Pending); // unharmed
        g.cancelInstanceRefresh();
        assertThatThrownBy(() -> g.startInstanceRefresh("1", with(wait, true, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("autoRollback: true (expected: only"
                        + " with a desiredConfiguration, and with the group on a numbered launch template version");
    }

    @Test
    void withAutoRollbackAFailingRefreshRollsBackToThePreviousVersion() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), "1", V1, BROKEN));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        g.startInstanceRefresh("2", with(prefs(50, 10), true, List.of()));
        tickUntil(() -> latest(g).status() == Status.RollbackInProgress);
        assertThat(latest(g).rollbackDetails().rollbackReason()).startsWith("The instance refresh failed and was rolled"
                + " back automatically (AutoRollback): 3 instances launched during the refresh failed; the last: ");
        tickUntil(() -> !latest(g).status().isActive());
        assertThat(latest(g).status()).isEqualTo(Status.RollbackSuccessful);
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2
                && g.instances().stream().filter(i -> i.lifecycleState().isActive()).count() == 2);
        assertThat(inServiceVersions(g)).containsExactly(1, 1);
        assertThat(g.launchTemplateVersion()).isEqualTo("1");
    }

    @Test
    void anAlarmInAlarmFailsTheRefreshOrWithAutoRollbackRollsItBack() throws Exception {
        AlarmConfig errors = new AlarmConfig("Errors", Map.of("App", "app"), "Maximum", 10, 1, 1, 5,
                AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD);
        ScalingPolicyConfig.Simple policy = new ScalingPolicyConfig.Simple("errors",
                ScalingPolicyConfig.AdjustmentType.CHANGE_IN_CAPACITY, 1, null, 0, errors);
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 5, 3).policies(policy), "1", V1, V2));
        g.suspendProcesses(List.of(ScalingProcess.AlarmNotification)); // the alarm changes no capacity here
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 3);
        String alarm = g.alarms().get(0).alarmName();
        assertThatThrownBy(() -> g.startInstanceRefresh("2", with(prefs(66, 0), false, List.of("nope"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("alarmSpecification.alarms: no alarm 'nope' in"
                        + " auto scaling group 'workers' (its alarms: " + alarm + ")");

        RefreshPreferences p = new RefreshPreferences(66, 100, 0, false, List.of(33), 3600, false, List.of(alarm), null,
                null);
        g.startInstanceRefresh("2", p);
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint"));
        MetricKey key = MetricKey.of("Errors", Dimensions.of("App", "app"));
        tickUntil(() -> {
            store.record(key, clock.instant().getEpochSecond(), 50);
            return latest(g).status() == Status.Failed;
        });
        assertThat(g.alarms().get(0).state()).isEqualTo(AlarmState.ALARM);
        assertThat(latest(g).statusReason()).isEqualTo("The instance refresh failed because alarm " + alarm
                + " is in ALARM state.");
        assertThat(inServiceVersions(g)).containsExactlyInAnyOrder(1, 1, 2); // what was replaced stays
        assertThat(g.launchTemplateVersion()).isEqualTo("1");

        // The same with autoRollback: the instance it launched goes again; the one the failed refresh left on version
        // 2 stays (a rollback replaces only what its own refresh launched).
        tickUntil(() -> {
            store.record(key, clock.instant().getEpochSecond(), 0);
            return g.alarms().get(0).state() == AlarmState.OK;
        });
        g.startInstanceRefresh("2", with(p, true, List.of(alarm)));
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting at checkpoint"));
        tickUntil(() -> {
            store.record(key, clock.instant().getEpochSecond(), 50);
            return latest(g).status() == Status.RollbackInProgress;
        });
        assertThat(latest(g).rollbackDetails().rollbackReason()).endsWith("alarm " + alarm + " is in ALARM state.");
        tickUntil(() -> latest(g).status() == Status.RollbackSuccessful
                && g.instances().stream().filter(i -> i.lifecycleState().isActive()).count() == 3);
        assertThat(inServiceVersions(g)).containsExactlyInAnyOrder(1, 1, 2);
    }

    private static RefreshPreferences instancePrefs(ScaleInProtectedInstances prot, StandbyInstances standby) {
        return new RefreshPreferences(50, 100, 0, false, List.of(), null, false, List.of(), prot, standby);
    }

    @Test
    void scaleInProtectedInstancesRefreshReplacesThemAndWaitWaitsForTheProtectionToGo() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), V1, V2));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        String protectedOne = ids(g, LifecycleState.InService).iterator().next();
        g.setInstanceProtection(protectedOne, true);
        assertThat(g.startInstanceRefresh(null, instancePrefs(ScaleInProtectedInstances.Refresh, null))
                .instancesToUpdate()).isEqualTo(2);
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(ids(g, LifecycleState.InService)).hasSize(2).doesNotContain(protectedOne);

        String again = ids(g, LifecycleState.InService).iterator().next();
        g.setInstanceProtection(again, true);
        g.startInstanceRefresh(null, instancePrefs(ScaleInProtectedInstances.Wait, null));
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting for 1 instance protected from scale in or in"
                + " Standby: remove the protection or exit Standby"));
        assertThat(ids(g, LifecycleState.InService)).contains(again);
        g.setInstanceProtection(again, false);
        tickUntil(() -> latest(g).status() == Status.Successful);
        assertThat(ids(g, LifecycleState.InService)).hasSize(2).doesNotContain(again);
    }

    @Test
    void standbyInstancesTerminateEndsThemWithoutReplacementAndWaitFailsAfterAnHour() throws Exception {
        AutoScalingGroup g = start(config(Group.of("workers", "app", 1, 4, 2), V1));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        String standby = ids(g, LifecycleState.InService).iterator().next();
        g.enterStandby(standby, true);
        tickUntil(() -> ids(g, LifecycleState.Standby).contains(standby));
        g.startInstanceRefresh(null, instancePrefs(null, StandbyInstances.Wait));
        tickUntil(() -> latest(g).statusReason().startsWith("Waiting for 1 instance protected from scale in or in"
                + " Standby"));
        controller.tick(clock.advanceSeconds(3600));
        tickUntil(() -> latest(g).status() == Status.Failed);
        assertThat(latest(g).statusReason()).isEqualTo("Waited 60 minutes for 1 instance protected from scale in or in"
                + " Standby to be replaceable (ScaleInProtectedInstances or StandbyInstances: Wait).");
        assertThat(ids(g, LifecycleState.Standby)).containsExactly(standby);

        g.startInstanceRefresh(null, instancePrefs(null, StandbyInstances.Terminate));
        tickUntil(() -> latest(g).status() == Status.Successful && g.instances().stream()
                .noneMatch(i -> i.instanceId().equals(standby) && i.lifecycleState() != LifecycleState.Terminated));
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(ids(g, LifecycleState.InService)).hasSize(1);
    }
}
