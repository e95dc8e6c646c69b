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

    private static int status(TargetAddress a) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + a.host() + ":" + a.port()
                + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static TargetAddress address(Instance i) {
        return new TargetAddress(i.host(), i.port());
    }

    @Test
    void aDetachedInstanceKeepsRunningOutOfItsTargetGroupAndComesBackWhenAttached() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        Instance first = inService(g).get(0);

        List<Activity> detaching = g.detachInstances(List.of(first.instanceId()), false);
        assertThat(detaching).singleElement().satisfies(a -> {
            assertThat(a.description()).isEqualTo("Detaching EC2 instance: " + first.instanceId());
            assertThat(a.cause()).matches("At \\S+Z instance " + first.instanceId()
                    + " was detached in response to a user request\\.");
        });
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Detaching);
        assertThat(targets()).doesNotContain(address(first));
        // Detached, and a replacement keeps the desired capacity of 1 InService.
        tickUntil(() -> instance(g, first.instanceId()).lifecycleState() == LifecycleState.Detached
                && inService(g).size() == 1);
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThat(g.activities()).anyMatch(a -> a.description().equals("Detaching EC2 instance: " + first.instanceId())
                && a.statusCode().equals(Activity.SUCCESSFUL));
        assertThat(controller.detachedInstances()).singleElement().satisfies(d -> {
            assertThat(d.instanceId()).isEqualTo(first.instanceId());
            assertThat(d.detachedFrom()).isEqualTo("web");
            assertThat(d.port()).isEqualTo(first.port());
        });
        // Still running and answering, out of the group's target group, and not health checked any more.
        assertThat(status(address(first))).isEqualTo(200);
        tick(40);
        assertThat(targets()).doesNotContain(address(first)).hasSize(1);
        assertThat(status(address(first))).isEqualTo(200);

        // Errors name the instance: not in the group, already in one, unknown.
        assertThatThrownBy(() -> g.detachInstances(List.of(first.instanceId()), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The instance " + first.instanceId() + " is not part of Auto Scaling group 'web'.");
        String replacement = inService(g).get(0).instanceId();
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
        assertThat(instance(g, first.instanceId()).lifecycleState()).isEqualTo(LifecycleState.Pending);
        tickUntil(() -> instance(g, first.instanceId()).lifecycleState() == LifecycleState.InService);
        assertThat(targets()).contains(address(first));
        assertThat(inService(g)).hasSize(2);
        tick(5);
        assertThat(g.instances()).hasSize(2); // nothing launched for it
    }

    @Test
    void decrementingLowersTheDesiredCapacityAndMinAndMaxSizeHold() throws Exception {
        AutoScalingGroup g = startWeb(1, 2, 2);
        Instance a = inService(g).get(0);
        Instance b = inService(g).get(1);

        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId(), b.instanceId()), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Detaching 2 instance(s) with shouldDecrementDesiredCapacity would lower the desired capacity"
                        + " of auto scaling group 'web' from 2 to 0, below its minSize 1. Lower the minSize first, or"
                        + " detach without decrementing.");
        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId(), "i-nope"), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i-nope is not part of");
        assertThat(inService(g)).hasSize(2); // nothing changed by the refused calls

        Activity detaching = g.detachInstances(List.of(a.instanceId()), true).get(0);
        assertThat(detaching.cause()).matches("At \\S+Z instance " + a.instanceId() + " was detached in response to a"
                + " user request, shrinking the capacity from 2 to 1\\.");
        assertThat(g.desiredCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> g.detachInstances(List.of(a.instanceId()), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The instance " + a.instanceId() + " is not in InService or Standby (it is Detaching).");
        assertThatThrownBy(() -> controller.attachInstances("web", List.of(a.instanceId())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attach it once it is Detached");
        tickUntil(() -> instance(g, a.instanceId()).lifecycleState() == LifecycleState.Detached);
        tick(5);
        assertThat(g.instances().stream().filter(i -> i.lifecycleState().isActive())).hasSize(1); // no replacement

        // At maxSize, attaching is refused.
        g.setDesiredCapacity(2, null);
        tickUntil(() -> inService(g).size() == 2);
        assertThatThrownBy(() -> controller.attachInstances("web", List.of(a.instanceId())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Attaching 1 instance(s) would raise the desired capacity of auto scaling group 'web' from"
                        + " 2 to 3, above its maxSize 2.");
        assertThat(controller.detachedInstances()).extracting(DetachedInstance::instanceId).containsExactly(a.instanceId());

        // Headroom stops: the detached instance is stopped with the group's.
        controller.close();
        assertThat(provider.describe(a.instanceId())).hasValueSatisfying(pi ->
                assertThat(pi.state()).isEqualTo(ProviderState.EXITED));
        assertThatThrownBy(() -> status(address(a))).isInstanceOf(ConnectException.class);
        assertThat(controller.detachedInstances()).isEmpty();
    }
}
