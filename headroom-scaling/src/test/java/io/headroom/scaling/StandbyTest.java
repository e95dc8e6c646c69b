package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.scaling.Fixtures.Group;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EnterStandby and ExitStandby against real HTTP backends health-checked through a real target registry: a Standby
 * instance is out of its target group, still running, not capacity; back from standby it is Pending until healthy.
 */
class StandbyTest extends ControllerHarness {
    private AutoScalingGroup startWeb(int min, int max, int desired) throws Exception {
        LaunchTemplateConfig backend = Fixtures.template("backend", TestBackend.command());
        AutoScalingGroup g = start(Fixtures.config(List.of(backend), Group.of("web", "backend", min, max, desired)
                .elb("web", 30)), "web");
        tickUntil(() -> inService(g).size() == desired);
        return g;
    }

    private static List<Instance> inService(AutoScalingGroup g) {
        return g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).toList();
    }

    private static Instance instance(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private List<TargetAddress> targets() {
        return registry.describe("web").stream().map(TargetHealth::target).toList();
    }

    private static int status(TargetAddress a, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + a.host() + ":" + a.port()
                + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static TargetAddress address(Instance i) {
        return new TargetAddress(i.host(), i.port());
    }

    @Test
    void standbyTakesAnInstanceOutOfServiceAndTheGroupReplacesItUntilItReturns() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        Instance first = inService(g).get(0);

        Activity entering = g.enterStandby(first.instanceId(), false);
        assertThat(entering.description()).isEqualTo("Moving EC2 instance to Standby: " + first.instanceId());
        assertThat(entering.cause()).matches("At \\S+Z instance " + first.instanceId()
                + " was moved to standby in response to a user request\\.");
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.EnteringStandby);
        // Drained, then Standby; a replacement keeps the desired capacity of 1 InService.
        tickUntil(() -> instance(g, first.instanceId()).lifecycleState() == LifecycleState.Standby
                && inService(g).size() == 1);
        assertThat(targets()).doesNotContain(address(first));
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(store.aggregate(MetricKey.of("GroupStandbyInstances", Dimensions.of("AutoScalingGroupName", "web")),
                clock.instant(), clock.instant().plusSeconds(1), Statistic.MAXIMUM)).hasValue(1.0);
        // Still running: its process answers directly, and no health check takes it out meanwhile.
        assertThat(status(address(first), "/health")).isEqualTo(200);
        tick(40);
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Standby);

        // Back in service: the desired capacity grows to 2, the instance is registered and goes InService.
        Activity exiting = g.exitStandby(first.instanceId());
        assertThat(exiting.cause()).matches("At \\S+Z instance " + first.instanceId() + " was moved out of standby in"
                + " response to a user request, increasing the capacity from 1 to 2\\.");
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        tickUntil(() -> instance(g, first.instanceId()).lifecycleState() == LifecycleState.InService);
        assertThat(targets()).contains(address(first));
        assertThat(inService(g)).hasSize(2);
    }

    @Test
    void decrementingLowersTheDesiredCapacityAndTheLimitsHold() throws Exception {
        AutoScalingGroup g = startWeb(1, 2, 2);
        Instance a = inService(g).get(0);
        Instance b = inService(g).get(1);
        assertThatThrownBy(() -> g.exitStandby(a.instanceId())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is InService (expected: Standby)");

        g.enterStandby(a.instanceId(), true);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.enterStandby(a.instanceId(), false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(expected: InService)");
        assertThatThrownBy(() -> g.enterStandby(b.instanceId(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSize (1)");
        tickUntil(() -> instance(g, a.instanceId()).lifecycleState() == LifecycleState.Standby);
        tick(5);
        assertThat(g.instances()).hasSize(2); // no replacement
        // Another instance meanwhile (desired 2 = maxSize): returning the first would make 3.
        g.setDesiredCapacity(2, null);
        tickUntil(() -> inService(g).size() == 2);
        assertThatThrownBy(() -> g.exitStandby(a.instanceId())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above its maxSize 2");

        // Terminating a Standby instance leaves the desired capacity alone: it was not counted.
        Activity t = g.terminateInstance(a.instanceId(), true);
        assertThat(t.cause()).contains("was taken out of service in response to a user request");
        tickUntil(() -> instance(g, a.instanceId()).lifecycleState() == LifecycleState.Terminated);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(inService(g)).hasSize(2);
    }
}
