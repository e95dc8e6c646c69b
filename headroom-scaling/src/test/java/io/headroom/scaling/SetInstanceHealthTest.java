package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.scaling.Fixtures.Group;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SetInstanceHealth (a user's health check) against real backends: Unhealthy replaces the instance as a failed health
 * check does, within the grace period only when asked to, whatever HealthCheck's suspension; Healthy takes it back
 * while ReplaceUnhealthy is suspended.
 */
class SetInstanceHealthTest extends ControllerHarness {
    @Test
    void unhealthyReplacesTheInstanceButNotWithinTheGracePeriodUnlessAsked() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        String id = inServiceInstances(g).get(0).instanceId();

        // InService within a few seconds of its launch: inside the 30 s grace period, so AWS's default ignores it.
        String ignored = g.setInstanceHealth(id, HealthStatus.Unhealthy, true);
        assertThat(ignored).contains("is within the health check grace period of auto scaling group 'web' (30 s, until")
                .contains("shouldRespectGracePeriod");
        tick(3);
        assertThat(instanceIn(g, id).healthStatus()).isEqualTo(HealthStatus.Healthy);
        assertThat(instanceIn(g, id).lifecycleState()).isEqualTo(LifecycleState.InService);

        // HealthCheck suspended stops the group's own checks, not a user's.
        g.suspendProcesses(List.of(ScalingProcess.HealthCheck));
        assertThat(g.setInstanceHealth(id, HealthStatus.Unhealthy, false)).isNull();
        assertThat(instanceIn(g, id).healthStatus()).isEqualTo(HealthStatus.Unhealthy);
        // Replaced: launched first (no instance maintenance policy), then the old one terminated.
        tickUntil(() -> instanceIn(g, id).lifecycleState() == LifecycleState.Terminated && inServiceInstances(g).size() == 1);
        assertThat(inServiceInstances(g).get(0).instanceId()).isNotEqualTo(id);
        assertThat(g.activities()).anySatisfy(a -> {
            assertThat(a.description()).isEqualTo("Terminating EC2 instance: " + id);
            assertThat(a.cause()).matches("At \\S+Z an instance was taken out of service in response to a user"
                    + " health-check\\.");
        });
        assertThatThrownBy(() -> g.setInstanceHealth(id, HealthStatus.Healthy, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is Terminated (expected: Pending or InService)");
        assertThatThrownBy(() -> g.setInstanceHealth("i-nope", HealthStatus.Healthy, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i-nope");
    }

    @Test
    void healthyTakesBackAnInstanceNotYetReplaced() throws Exception {
        AutoScalingGroup g = startWeb(1, 3, 1);
        String id = inServiceInstances(g).get(0).instanceId();
        g.suspendProcesses(List.of(ScalingProcess.ReplaceUnhealthy));
        assertThat(g.setInstanceHealth(id, HealthStatus.Unhealthy, false)).isNull();
        tick(5);
        // ReplaceUnhealthy suspended: marked, not replaced.
        assertThat(instanceIn(g, id).healthStatus()).isEqualTo(HealthStatus.Unhealthy);
        assertThat(g.instances()).hasSize(1);

        assertThat(g.setInstanceHealth(id, HealthStatus.Healthy, false)).isNull();
        g.resumeProcesses(List.of(ScalingProcess.ReplaceUnhealthy));
        tick(5);
        assertThat(instanceIn(g, id).healthStatus()).isEqualTo(HealthStatus.Healthy);
        assertThat(instanceIn(g, id).lifecycleState()).isEqualTo(LifecycleState.InService);
        assertThat(g.instances()).hasSize(1);
    }
}
