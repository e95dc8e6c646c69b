package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.scaling.Fixtures.Group;
import io.headroom.scaling.provider.ProviderState;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DetachInstances and AttachInstances against real HTTP backends health-checked through a real target registry: a
 * detached instance leaves its target group and its group but keeps running and answering; attached, it is Pending
 * until healthy and counts toward the desired capacity; Headroom stops it when it stops.
 */
class DetachAttachTest extends ControllerHarness {
    @Test
    void aDetachedInstanceKeepsRunningOutOfItsTargetGroupAndComesBackWhenAttached() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        Instance first = inServiceInstances(g).get(0);

        List<Activity> detaching = g.detachInstances(List.of(first.instanceId()), false);
        assertThat(detaching).singleElement().satisfies(a -> {
            assertThat(a.description()).isEqualTo("Detaching EC2 instance: " + first.instanceId());
            assertThat(a.cause()).matches("At \\S+Z instance " + first.instanceId()
                    + " was detached in response to a user request\\.");
        });
        assertThat(instanceIn(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Detaching);
        assertThat(webTargets()).doesNotContain(address(first));
        // Detached, and a replacement keeps the desired capacity of 1 InService.
        tickUntil(() -> instanceIn(g, first.instanceId()).lifecycleState() == LifecycleState.Detached
                && inServiceInstances(g).size() == 1);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(g.activities()).anyMatch(a -> a.description().equals("Detaching EC2 instance: " + first.instanceId())
                && a.statusCode().equals(Activity.SUCCESSFUL));
        assertThat(controller.detachedInstances()).singleElement().satisfies(d -> {
            assertThat(d.instanceId()).isEqualTo(first.instanceId());
            assertThat(d.detachedFrom()).isEqualTo("web");
            assertThat(d.port()).isEqualTo(first.port());
        });
        // Still running and answering, out of the group's target group, and not health checked any more.
        assertThat(status(address(first), "/health")).isEqualTo(200);
        tick(40);
        assertThat(webTargets()).doesNotContain(address(first)).hasSize(1);
        assertThat(status(address(first), "/health")).isEqualTo(200);

        // Errors name the instance: not in the group, already in one, unknown.
        assertThatThrownBy(() -> g.detachInstances(List.of(first.instanceId()), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The instance " + first.instanceId() + " is not part of Auto Scaling group 'web'.");
        String replacement = inServiceInstances(g).get(0).instanceId();
        assertThatThrownBy(() -> controller.attachInstances("web", List.of(replacement)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The instance " + replacement + " is already part of AutoScalingGroup 'web'");
        assertThatThrownBy(() -> controller.attachInstances("web", List.of("i-0000000000000000f")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("i-0000000000000000f is not an instance Headroom can attach");
        assertThatThrownBy(() -> controller.attachInstances("web", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceIds: empty");

        // Attached again: the desired capacity grows by one, and it is registered and InService once healthy.
        List<Activity> attaching = controller.attachInstances("web", List.of(first.instanceId()));
        assertThat(attaching).singleElement().satisfies(a -> {
            assertThat(a.description()).isEqualTo("Attaching an existing EC2 instance: " + first.instanceId());
            assertThat(a.cause()).matches("At \\S+Z an instance was added in response to user request\\. Keeping the"
                    + " capacity at the new 2\\.");
        });
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(controller.detachedInstances()).isEmpty();
        assertThat(instanceIn(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        tickUntil(() -> instanceIn(g, first.instanceId()).lifecycleState() == LifecycleState.InService);
        assertThat(webTargets()).contains(address(first));
        assertThat(inServiceInstances(g)).hasSize(2);
        tick(5);
        assertThat(g.instances()).hasSize(2); // nothing launched for it
    }

    @Test
    void decrementingLowersTheDesiredCapacityAndMinAndMaxSizeHold() throws Exception {
        AutoScalingGroup g = startWeb(1, 2, 2);
        Instance a = inServiceInstances(g).get(0);
        Instance b = inServiceInstances(g).get(1);

        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId(), b.instanceId()), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Detaching 2 instance(s) with shouldDecrementDesiredCapacity would lower the desired capacity"
                        + " of auto scaling group 'web' from 2 to 0, below its minSize 1. Lower the minSize first, or"
                        + " detach without decrementing.");
        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId(), "i-nope"), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i-nope is not part of");
        assertThat(inServiceInstances(g)).hasSize(2); // nothing changed by the refused calls

        Activity detaching = g.detachInstances(List.of(a.instanceId()), true).get(0);
        assertThat(detaching.cause()).matches("At \\S+Z instance " + a.instanceId() + " was detached in response to a"
                + " user request, shrinking the capacity from 2 to 1\\.");
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId()), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The instance " + a.instanceId() + " is not in InService or Standby (it is Detaching).");
        assertThatThrownBy(() -> controller.attachInstances("web", List.of(a.instanceId())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attach it once it is Detached");
        tickUntil(() -> instanceIn(g, a.instanceId()).lifecycleState() == LifecycleState.Detached);
        tick(5);
        assertThat(g.instances().stream().filter(i -> i.lifecycleState().isActive())).hasSize(1); // no replacement

        // At maxSize, attaching is refused.
        g.setDesiredCapacity(2, null);
        tickUntil(() -> inServiceInstances(g).size() == 2);
        assertThatThrownBy(() -> controller.attachInstances("web", List.of(a.instanceId())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Attaching 1 instance(s) would raise the desired capacity of auto scaling group 'web' from"
                        + " 2 to 3, above its maxSize 2.");
        assertThat(controller.detachedInstances()).extracting(DetachedInstance::instanceId).containsExactly(a.instanceId());

        // Headroom stops: the detached instance is stopped with the group's.
        controller.close();
        assertThat(provider.describe(a.instanceId())).hasValueSatisfying(pi ->
                assertThat(pi.state()).isEqualTo(ProviderState.EXITED));
        assertThatThrownBy(() -> status(address(a), "/health")).isInstanceOf(ConnectException.class);
        assertThat(controller.detachedInstances()).isEmpty();
    }
}
