package io.headroom.scaling;

import static io.headroom.core.config.LifecycleHookConfig.Result.ABANDON;
import static io.headroom.core.config.LifecycleHookConfig.Result.CONTINUE;
import static io.headroom.core.config.LifecycleHookConfig.Transition.LAUNCHING;
import static io.headroom.core.config.LifecycleHookConfig.Transition.TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.target.TargetHealth;
import io.headroom.scaling.Fixtures.Group;
import io.headroom.scaling.provider.ProviderState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle hooks against real processes: a launching instance waits in Pending:Wait, out of its target groups, until
 * its action is completed or times out; a terminating one waits in Terminating:Wait, drained but still running.
 */
class LifecycleHookTest extends ControllerHarness {
    private final List<LifecycleAction> told = new CopyOnWriteArrayList<>();

    private AutoScalingGroup startGroup(AutoScalingGroupConfig c, LaunchTemplateConfig template) {
        AutoScalingGroup g = start(Fixtures.config(List.of(template), c), c.name());
        g.addListener(new GroupListener() {
            @Override
            public void lifecycleActionStarted(LifecycleAction action) {
                told.add(action);
            }
        });
        return g;
    }

    private static LifecycleHookConfig hook(String name, LifecycleHookConfig.Transition t, int heartbeat,
                                            LifecycleHookConfig.Result result) {
        return new LifecycleHookConfig(name, t, heartbeat, result, "{\"from\": \"test\"}");
    }

    private static List<Instance> in(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).toList();
    }

    private static Instance instance(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private static Activity launchActivity(AutoScalingGroup g, String id) {
        return g.activities().stream().filter(a -> a.description().equals("Launching a new EC2 instance: " + id))
                .findFirst().orElseThrow();
    }

    @Test
    void aLaunchHookKeepsTheInstanceOutOfItsTargetGroupsUntilItsActionIsContinued() throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = startGroup(Fixtures.withHooks(Group.of("web", "backend", 1, 2, 1).elb("web", 30).config(),
                hook("warm-cache", LAUNCHING, 60, ABANDON)), backend);

        tickUntil(() -> in(g, LifecycleState.PendingWait).size() == 1);
        Instance i = in(g, LifecycleState.PendingWait).get(0);
        assertThat(i.lifecycleState().toString()).isEqualTo("Pending:Wait");
        assertThat(registry.describe("web")).isEmpty();
        assertThat(launchActivity(g, i.instanceId()).statusCode()).isEqualTo(Activity.MID_LIFECYCLE_ACTION);
        // Told, with what a hook's receiver needs: the token and the instance's address.
        assertThat(told).hasSize(1);
        LifecycleAction a = told.get(0);
        assertThat(a.instanceId()).isEqualTo(i.instanceId());
        assertThat(a.lifecycleHookName()).isEqualTo("warm-cache");
        assertThat(a.lifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
        assertThat(a.notificationMetadata()).isEqualTo("{\"from\": \"test\"}");
        assertThat(a.heartbeatTimeoutTime()).isEqualTo(a.startTime().plusSeconds(60));
        assertThat(a.globalTimeoutTime()).isEqualTo(a.startTime().plus(Duration.ofSeconds(6000)));
        assertThat(g.lifecycleActions()).containsExactly(a);
        // The instance runs (the hook's action can talk to it, once its process has bound its port) but is neither in
        // service nor replaced.
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://" + a.host() + ":" + a.port() + "/health")).build();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> HttpClient.newHttpClient()
                .send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        tick(40);
        assertThat(instance(g, i.instanceId()).lifecycleState()).isEqualTo(LifecycleState.PendingWait);
        assertThat(g.instances()).hasSize(1);
        assertThat(registry.describe("web")).isEmpty();

        LifecycleAction done = g.completeLifecycleAction("warm-cache", i.instanceId(), null, CONTINUE);
        assertThat(done.lifecycleActionToken()).isEqualTo(a.lifecycleActionToken());
        assertThat(instance(g, i.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        assertThat(registry.describe("web")).extracting(TargetHealth::target).extracting(t -> t.port())
                .containsExactly(a.port());
        assertThat(g.lifecycleActions()).isEmpty();
        tickUntil(() -> instance(g, i.instanceId()).lifecycleState() == LifecycleState.InService);
        assertThat(launchActivity(g, i.instanceId()).statusCode()).isEqualTo(Activity.SUCCESSFUL);
        assertThatThrownBy(() -> g.completeLifecycleAction("warm-cache", i.instanceId(), null, CONTINUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No active Lifecycle Action found with instance ID " + i.instanceId());
    }

    @Test
    void anAbandonedOrTimedOutLaunchIsTerminatedAndReplacedAndHeartbeatsPostponeTheTimeout() {
        AutoScalingGroup g = startGroup(Fixtures.withHooks(Group.of("workers", "sleeper", 1, 2, 1).config(),
                hook("check", LAUNCHING, 30, ABANDON)), SLEEPER);
        tickUntil(() -> in(g, LifecycleState.PendingWait).size() == 1);
        String first = in(g, LifecycleState.PendingWait).get(0).instanceId();

        // Nobody answers: after 30 s the default result, ABANDON, terminates it and the group launches another.
        tick(29);
        assertThat(instance(g, first).lifecycleState()).isEqualTo(LifecycleState.PendingWait);
        tickUntil(() -> instance(g, first).lifecycleState() == LifecycleState.Terminated
                && in(g, LifecycleState.PendingWait).size() == 1);
        Activity launch = launchActivity(g, first);
        assertThat(launch.statusCode()).isEqualTo(Activity.CANCELLED);
        assertThat(launch.statusMessage()).contains("was abandoned with Lifecycle Action Result: ABANDON (hook check,"
                + " timed out)");
        String second = in(g, LifecycleState.PendingWait).get(0).instanceId();
        assertThat(second).isNotEqualTo(first);

        // Heartbeats restart the 30 s: 20 + 20 s later it still waits.
        tick(20);
        LifecycleAction beat = g.recordLifecycleActionHeartbeat("check", second, null);
        assertThat(beat.heartbeatTimeoutTime()).isEqualTo(clock.instant().plusSeconds(30));
        tick(20);
        assertThat(instance(g, second).lifecycleState()).isEqualTo(LifecycleState.PendingWait);
        // Completing by token alone works too; ABANDON terminates it at once.
        String token = g.lifecycleActions().get(0).lifecycleActionToken();
        g.completeLifecycleAction(null, null, token, ABANDON);
        assertThat(instance(g, second).lifecycleState().isTerminating()).isTrue();
        tickUntil(() -> instance(g, second).lifecycleState() == LifecycleState.Terminated);
    }

    @Test
    void aTimeoutWithDefaultResultContinuePutsTheInstanceInService() {
        AutoScalingGroup g = startGroup(Fixtures.withHooks(Group.of("workers", "sleeper", 1, 2, 1).config(),
                hook("best-effort", LAUNCHING, 30, CONTINUE)), SLEEPER);
        tickUntil(() -> in(g, LifecycleState.PendingWait).size() == 1);
        String id = in(g, LifecycleState.PendingWait).get(0).instanceId();
        tickUntil(() -> instance(g, id).lifecycleState() == LifecycleState.InService);
        assertThat(g.instances()).hasSize(1);
    }

    @Test
    void aTerminationHookHoldsADrainedInstanceRunningUntilItsActionCompletes() {
        AutoScalingGroup g = startGroup(Fixtures.withHooks(Group.of("workers", "sleeper", 0, 2, 1).config(),
                hook("upload-logs", TERMINATING, 120, ABANDON), hook("deregister-dns", TERMINATING, 120, CONTINUE)), SLEEPER);
        tickUntil(() -> in(g, LifecycleState.InService).size() == 1);
        String id = in(g, LifecycleState.InService).get(0).instanceId();
        assertThat(told).isEmpty();

        g.terminateInstance(id, true);
        tickUntil(() -> instance(g, id).lifecycleState() == LifecycleState.TerminatingWait);
        assertThat(instance(g, id).lifecycleState().toString()).isEqualTo("Terminating:Wait");
        assertThat(told).extracting(LifecycleAction::lifecycleHookName).containsExactly("upload-logs", "deregister-dns");
        assertThat(told).extracting(LifecycleAction::lifecycleTransition)
                .containsOnly("autoscaling:EC2_INSTANCE_TERMINATING");
        tick(60);
        assertThat(provider.describe(id)).hasValueSatisfying(pi -> assertThat(pi.state()).isEqualTo(ProviderState.RUNNING));
        // Two hooks wait: the instance must be named with one of them.
        assertThatThrownBy(() -> g.completeLifecycleAction(null, id, null, CONTINUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waits on 2 lifecycle hooks");
        assertThatThrownBy(() -> g.completeLifecycleAction("nope", id, null, CONTINUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("and hook nope");

        g.completeLifecycleAction("upload-logs", id, null, CONTINUE);
        assertThat(instance(g, id).lifecycleState()).isEqualTo(LifecycleState.TerminatingWait);
        assertThat(g.lifecycleActions()).extracting(LifecycleAction::lifecycleHookName).containsExactly("deregister-dns");
        g.completeLifecycleAction("deregister-dns", id, null, CONTINUE);
        tickUntil(() -> instance(g, id).lifecycleState() == LifecycleState.Terminated);
        assertThat(provider.describe(id)).hasValueSatisfying(pi -> assertThat(pi.state()).isEqualTo(ProviderState.EXITED));
    }

    @Test
    void aReloadThatRemovesAHookEndsItsWaitsAsAwsDeleteLifecycleHookDoes() {
        AutoScalingGroupConfig withHook = Fixtures.withHooks(Group.of("workers", "sleeper", 1, 2, 2).config(),
                hook("check", LAUNCHING, 3600, CONTINUE));
        AutoScalingGroup g = startGroup(withHook, SLEEPER);
        tickUntil(() -> in(g, LifecycleState.PendingWait).size() == 2);

        // ABANDON for a launching instance: both are terminated; their replacements launch without the hook.
        controller.apply(Fixtures.config(List.of(SLEEPER), Fixtures.withHooks(withHook)));
        assertThat(g.lifecycleActions()).isEmpty();
        tickUntil(() -> in(g, LifecycleState.InService).size() == 2 && in(g, LifecycleState.Terminated).size() == 2);
        assertThat(told).hasSize(2);
    }
}
