package io.headroom.scaling;

import static io.headroom.core.config.WarmPoolConfig.PoolState.Running;
import static io.headroom.core.config.WarmPoolConfig.PoolState.Stopped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.WarmPoolConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetHealth;
import io.headroom.scaling.Fixtures.Group;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Warm pools against real processes: instances launched ahead into the pool (stopped with SIGSTOP, or running),
 * taken into service by a scale out instead of a cold launch, the pool kept at its size, and scale in returning
 * instances to the pool with reuseOnScaleIn.
 */
class WarmPoolTest extends ControllerHarness {

    private AutoScalingGroup startGroup(AutoScalingGroupConfig c, LaunchTemplateConfig template) {
        return start(Fixtures.config(List.of(template), c), c.name());
    }

    private static List<Instance> in(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).toList();
    }

    private static Set<String> ids(List<Instance> instances) {
        return instances.stream().map(Instance::instanceId).collect(Collectors.toSet());
    }

    /** The kernel's state letter of the instance's process: T when stopped, S or R when running. */
    private char processState(String instanceId) throws Exception {
        long pid = provider.describe(instanceId).orElseThrow().pid();
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private double metric(String name) {
        return store.aggregate(MetricKey.of(name, Dimensions.of("AutoScalingGroupName", "web")), clock.instant(),
                clock.instant().plusSeconds(1), Statistic.MAXIMUM).orElse(Double.NaN);
    }

    @Test
    void aScaleOutTakesStoppedInstancesFromThePoolInsteadOfLaunching() throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = startGroup(Fixtures.withWarmPool(Group.of("web", "backend", 1, 4, 1).elb("web", 30).config(),
                new WarmPoolConfig(0, null, Stopped, false)), backend);

        // maxGroupPreparedCapacity defaults to maxSize 4: one in service, three stopped in the pool.
        tickUntil(() -> in(g, LifecycleState.InService).size() == 1 && in(g, LifecycleState.WarmedStopped).size() == 3);
        Set<String> pool = ids(in(g, LifecycleState.WarmedStopped));
        for (String id : pool) {
            await().atMost(Duration.ofSeconds(10)).until(() -> processState(id) == 'T');
        }
        assertThat(registry.describe("web")).hasSize(1);
        assertThat(in(g, LifecycleState.WarmedStopped).get(0).lifecycleState().toString()).isEqualTo("Warmed:Stopped");
        tick(1);
        assertThat(metric("WarmPoolDesiredCapacity")).isEqualTo(3.0);
        assertThat(metric("WarmPoolWarmedCapacity")).isEqualTo(3.0);
        assertThat(metric("GroupAndWarmPoolTotalCapacity")).isEqualTo(4.0);
        assertThat(metric("GroupInServiceInstances")).isEqualTo(1.0);

        // Desired 3: two come from the pool within the same tick, started again, registered; nothing new is launched.
        g.setDesiredCapacity(3, null);
        tick(1);
        List<Instance> pending = in(g, LifecycleState.Pending);
        assertThat(pending).hasSize(2);
        assertThat(pool).containsAll(ids(pending));
        for (Instance i : pending) {
            await().atMost(Duration.ofSeconds(10)).until(() -> processState(i.instanceId()) != 'T');
        }
        assertThat(g.activities()).filteredOn(a -> a.description().startsWith("Launching a new EC2 instance from warm pool: "))
                .hasSize(2);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 3);
        assertThat(g.instances()).hasSize(4);
        assertThat(registry.describe("web")).hasSize(3);
        assertThat(in(g, LifecycleState.WarmedStopped)).hasSize(1);

        // Back to 1: two are terminated and the pool grows back to 3 with new launches.
        g.setDesiredCapacity(1, null);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 1 && in(g, LifecycleState.WarmedStopped).size() == 3
                && in(g, LifecycleState.Terminated).size() == 2);
    }

    @Test
    void reuseOnScaleInReturnsInstancesToThePoolAndARunningPoolKeepsThemRunning() throws Exception {
        AutoScalingGroup g = startGroup(Fixtures.withWarmPool(Group.of("web", "sleeper", 0, 3, 2).config(),
                new WarmPoolConfig(1, 3, Running, true)), SLEEPER);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 2 && in(g, LifecycleState.WarmedRunning).size() == 1);
        assertThat(processState(in(g, LifecycleState.WarmedRunning).get(0).instanceId())).isNotEqualTo('T');
        Set<String> inService = ids(in(g, LifecycleState.InService));

        // Scale in to 0: both go back to the pool (3 - 0 = 3 wanted), none is terminated.
        g.setDesiredCapacity(0, null);
        tickUntil(() -> in(g, LifecycleState.WarmedRunning).size() == 3);
        assertThat(ids(in(g, LifecycleState.WarmedRunning))).containsAll(inService);
        assertThat(in(g, LifecycleState.Terminated)).isEmpty();
        assertThat(g.activities()).filteredOn(a -> a.description().startsWith("Moving EC2 instance to warm pool: "))
                .hasSize(2).allMatch(a -> Activity.SUCCESSFUL.equals(a.statusCode()));
        // minSize 1 holds even when the group is at maxGroupPreparedCapacity.
        g.setDesiredCapacity(3, null);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 3 && in(g, LifecycleState.WarmedRunning).size() == 1);
        assertThat(g.instances().stream().filter(i -> i.lifecycleState() != LifecycleState.Terminated)).hasSize(4);
    }

    @Test
    void aLaunchHookRunsBeforeAnInstanceIsStoppedInThePoolAndADeadPoolInstanceIsReplaced() throws Exception {
        AutoScalingGroupConfig c = Fixtures.withHooks(Group.of("web", "sleeper", 0, 1, 0).config(),
                new LifecycleHookConfig("warm-up", LifecycleHookConfig.Transition.LAUNCHING, 60,
                        LifecycleHookConfig.Result.ABANDON, null));
        AutoScalingGroup g = startGroup(Fixtures.withWarmPool(c, new WarmPoolConfig(0, null, Stopped, false)), SLEEPER);
        tickUntil(() -> in(g, LifecycleState.WarmedPendingWait).size() == 1);
        String id = in(g, LifecycleState.WarmedPendingWait).get(0).instanceId();
        assertThat(processState(id)).isNotEqualTo('T'); // it runs while it warms up
        g.completeLifecycleAction("warm-up", id, null, LifecycleHookConfig.Result.CONTINUE);
        assertThat(in(g, LifecycleState.WarmedStopped)).extracting(Instance::instanceId).containsExactly(id);
        // The signal goes through the instance's watchdog wrapper: it lands a moment later.
        await().atMost(Duration.ofSeconds(10)).until(() -> processState(id) == 'T');

        // Its process dies in the pool: it is terminated and the pool launches another.
        ProcessHandle.of(provider.describe(id).orElseThrow().pid()).orElseThrow().destroyForcibly();
        tickUntil(() -> in(g, LifecycleState.Terminated).size() == 1 && in(g, LifecycleState.WarmedPendingWait).size() == 1);
        assertThat(g.activities()).anyMatch(a -> a.description().equals("Terminating EC2 instance: " + id)
                && a.cause().contains("an instance in the warm pool was taken out of service in response to an EC2 health"
                        + " check"));
        // Taken into service, it skips the hooks (they ran when it entered the pool) and needs no new launch.
        String next = in(g, LifecycleState.WarmedPendingWait).get(0).instanceId();
        g.completeLifecycleAction("warm-up", next, null, LifecycleHookConfig.Result.CONTINUE);
        g.setDesiredCapacity(1, null);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 1);
        assertThat(in(g, LifecycleState.InService).get(0).instanceId()).isEqualTo(next);
        assertThat(registry.describe("web")).extracting(TargetHealth::target).isEmpty();
    }
}
