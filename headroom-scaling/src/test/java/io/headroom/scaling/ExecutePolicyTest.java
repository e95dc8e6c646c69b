package io.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.config.ScalingPolicyConfig.StepAdjustment;
import io.headroom.scaling.Fixtures.Group;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ExecutePolicy: a user runs a simple or step policy's adjustment now, honouring the cooldown only when asked to. */
class ExecutePolicyTest extends ControllerHarness {
    /** An alarm that never fires here: nothing records QueueDepth. */
    private static final AlarmConfig QUIET = new AlarmConfig("QueueDepth", Map.of("Queue", "jobs"), "Maximum", 10, 1, 1,
            100, AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD);

    private AutoScalingGroup startWorkers() {
        ScalingPolicyConfig.Simple addOne = new ScalingPolicyConfig.Simple("add-one", AdjustmentType.CHANGE_IN_CAPACITY,
                1, null, 300, QUIET);
        ScalingPolicyConfig.Step steps = new ScalingPolicyConfig.Step("steps", AdjustmentType.CHANGE_IN_CAPACITY, null,
                List.of(new StepAdjustment(0.0, 10.0, 1), new StepAdjustment(10.0, null, 2),
                        new StepAdjustment(-10.0, 0.0, -1)), null, null, QUIET);
        AutoScalingGroup g = start(Fixtures.config(List.of(SLEEPER), Group.of("workers", "sleeper", 1, 4, 1)
                .policies(addOne, steps)), "workers");
        tick(1);
        return g;
    }

    @Test
    void aSimplePolicyChangesTheCapacityAndHonoursItsCooldownOnlyWhenAsked() {
        AutoScalingGroup g = startWorkers();
        PolicyExecution e = g.executePolicy("add-one", false, null, null);
        assertThat(e.executed()).isTrue();
        assertThat(e.activity().cause()).matches("At \\S+Z a user request executed policy add-one changing the desired"
                + " capacity from 1 to 2\\.");
        assertThat(g.desiredCapacity()).isEqualTo(2);
        tickUntil(() -> g.instances().stream().filter(i -> i.lifecycleState() == LifecycleState.InService).count() == 2);

        // In its 300 s cooldown now: honoured only with honorCooldown.
        PolicyExecution cooling = g.executePolicy("add-one", true, null, null);
        assertThat(cooling.executed()).isFalse();
        assertThat(cooling.reason()).contains("policy add-one is in its cooldown until").contains("nothing was executed");
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(g.executePolicy("add-one", false, null, null).toCapacity()).isEqualTo(3);
        assertThat(g.executePolicy("add-one", false, null, null).toCapacity()).isEqualTo(4);
        PolicyExecution atMax = g.executePolicy("add-one", false, null, null);
        assertThat(atMax.executed()).isFalse();
        assertThat(atMax.reason()).endsWith("but the desired capacity is already at maxSize 4");

        assertThatThrownBy(() -> g.executePolicy("add-one", false, 5.0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metricValue: given for simple"
                        + " scaling policy add-one (expected: only for StepScaling policies)");
        assertThatThrownBy(() -> g.executePolicy("nope", false, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policyName: no policy 'nope' in auto scaling group 'workers' (its policies: add-one, steps)");
    }

    @Test
    void aStepPolicyTakesTheStepOfTheGivenBreach() {
        AutoScalingGroup g = startWorkers();
        assertThatThrownBy(() -> g.executePolicy("steps", false, null, 60.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("metricValue: missing");
        assertThatThrownBy(() -> g.executePolicy("steps", false, 75.0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("breachThreshold: missing");
        assertThatThrownBy(() -> g.executePolicy("steps", true, 75.0, 60.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("honorCooldown: true");
        assertThatThrownBy(() -> g.executePolicy("steps", false, 40.0, 60.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a breach of -20, which no step adjustment of policy steps covers");
        assertThat(g.desiredCapacity()).isEqualTo(1);

        PolicyExecution out = g.executePolicy("steps", false, 75.0, 60.0); // breach 15: +2
        assertThat(out.activity().cause()).contains("a user request executed policy steps changing the desired capacity"
                + " from 1 to 3.");
        assertThat(g.executePolicy("steps", false, 55.0, 60.0).toCapacity()).isEqualTo(2); // breach -5: -1
        assertThat(g.desiredCapacity()).isEqualTo(2);
    }
}
