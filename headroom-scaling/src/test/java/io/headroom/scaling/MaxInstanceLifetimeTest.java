package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.scaling.Fixtures.Group;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** maxInstanceLifetime against real processes: old instances are replaced one at a time, launched before terminated. */
class MaxInstanceLifetimeTest extends ControllerHarness {
    private AutoScalingGroup startGroup(AutoScalingGroupConfig c) {
        return start(Fixtures.config(List.of(SLEEPER), c), c.name());
    }

    private static Set<String> ids(AutoScalingGroup g, LifecycleState state) {
        return g.instances().stream().filter(i -> i.lifecycleState() == state).map(Instance::instanceId)
                .collect(Collectors.toSet());
    }

    @Test
    void instancesPastTheLifetimeAreReplacedOneAtATimeWithoutLosingCapacity() {
        AutoScalingGroup g = startGroup(Fixtures.withMaxInstanceLifetime(Group.of("web", "sleeper", 2, 3, 2).config(), 60));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        Set<String> first = ids(g, LifecycleState.InService);
        tick(50);
        assertThat(ids(g, LifecycleState.InService)).isEqualTo(first);
        assertThat(g.instances()).hasSize(2);

        // Past 60 s: a third is launched first; only when it is InService does an old one go.
        tickUntil(() -> g.instances().size() == 3);
        assertThat(ids(g, LifecycleState.InService)).isEqualTo(first);
        // The old one says it is being replaced (the API and the dashboard show it).
        assertThat(g.instances()).filteredOn(Instance::replacing).hasSize(1)
                .allMatch(i -> first.contains(i.instanceId()));
        int[] inServiceMin = {Integer.MAX_VALUE};
        tickUntil(() -> {
            inServiceMin[0] = Math.min(inServiceMin[0], ids(g, LifecycleState.InService).size());
            Set<String> now = ids(g, LifecycleState.InService);
            return now.size() == 2 && now.stream().noneMatch(first::contains);
        });
        assertThat(inServiceMin[0]).as("InService never below the desired capacity").isGreaterThanOrEqualTo(2);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(g.activities()).filteredOn(a -> a.description().startsWith("Terminating EC2 instance"))
                .hasSize(2).allMatch(a -> a.cause().contains("in response to a maximum instance lifetime limit"));
    }

    @Test
    void atMaxSizeTheOldInstanceGoesFirstAndProtectedOnesStay() {
        AutoScalingGroup g = startGroup(Fixtures.withMaxInstanceLifetime(Group.of("web", "sleeper", 1, 2, 2).config(), 60));
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2);
        List<String> first = List.copyOf(ids(g, LifecycleState.InService));
        g.setInstanceProtection(first.get(0), true);
        tick(61);
        // No room above maxSize 2: the unprotected one is terminated, then replaced; the protected one is kept.
        tickUntil(() -> ids(g, LifecycleState.InService).size() == 2 && !ids(g, LifecycleState.InService).contains(first.get(1)));
        assertThat(ids(g, LifecycleState.InService)).contains(first.get(0));
        tick(30);
        assertThat(ids(g, LifecycleState.InService)).contains(first.get(0));
    }
}
