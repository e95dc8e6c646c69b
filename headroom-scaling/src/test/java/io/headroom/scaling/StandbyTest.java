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
    @Test
    void standbyTakesAnInstanceOutOfServiceAndTheGroupReplacesItUntilItReturns() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        Instance first = inServiceInstances(g).get(0);

        Activity entering = g.enterStandby(first.instanceId(), false);
        assertThat(entering.description()).isEqualTo("Moving EC2 instance to Standby: " + first.instanceId());
        assertThat(entering.cause()).matches("At \\S+Z instance " + first.instanceId()
                + " was moved to standby in response to a user request\\.");
        assertThat(instanceIn(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.EnteringStandby);
        // Drained, then Standby; a replacement keeps the desired capacity of 1 InService.
        tickUntil(() -> instanceIn(g, first.instanceId()).lifecycleState() == LifecycleState.Standby
                && inServiceInstances(g).size() == 1);
        assertThat(webTargets()).doesNotContain(address(first));
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(store.aggregate(MetricKey.of("GroupStandbyInstances", Dimensions.of("AutoScalingGroupName", "web")),
                clock.instant(), clock.instant().plusSeconds(1), Statistic.MAXIMUM)).hasValue(1.0);
        // Still running: its process answers directly, and no health check takes it out meanwhile.
        assertThat(status(address(first), "/health")).isEqualTo(200);
        tick(40);
        assertThat(instanceIn(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Standby);

        // Back in service: the desired capacity grows to 2, the instance is registered and goes InService.
        Activity exiting = g.exitStandby(first.instanceId());
        assertThat(exiting.cause()).matches("At \\S+Z instance " + first.instanceId() + " was moved out of standby in"
                + " response to a user request, increasing the capacity from 1 to 2\\.");
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(instanceIn(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        tickUntil(() -> instanceIn(g, first.instanceId()).lifecycleState() == LifecycleState.InService);
        assertThat(webTargets()).contains(address(first));
        assertThat(inServiceInstances(g)).hasSize(2);
    }

    @Test
    void decrementingLowersTheDesiredCapacityAndTheLimitsHold() throws Exception {
        AutoScalingGroup g = startWeb(1, 2, 2);
        Instance a = inServiceInstances(g).get(0);
        Instance b = inServiceInstances(g).get(1);
        assertThatThrownBy(() -> g.exitStandby(a.instanceId())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is InService (expected: Standby)");

        g.enterStandby(a.instanceId(), true);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.enterStandby(a.instanceId(), false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(expected: InService)");
        assertThatThrownBy(() -> g.enterStandby(b.instanceId(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSize (1)");
        tickUntil(() -> instanceIn(g, a.instanceId()).lifecycleState() == LifecycleState.Standby);
        tick(5);
        assertThat(g.instances()).hasSize(2); // no replacement
        // Another instance meanwhile (desired 2 = maxSize): returning the first would make 3.
        g.setDesiredCapacity(2, null);
        tickUntil(() -> inServiceInstances(g).size() == 2);
        assertThatThrownBy(() -> g.exitStandby(a.instanceId())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above its maxSize 2");

        // Terminating a Standby instance leaves the desired capacity alone: it was not counted.
        Activity t = g.terminateInstance(a.instanceId(), true);
        assertThat(t.cause()).contains("was taken out of service in response to a user request");
        tickUntil(() -> instanceIn(g, a.instanceId()).lifecycleState() == LifecycleState.Terminated);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(inServiceInstances(g)).hasSize(2);
    }
}
