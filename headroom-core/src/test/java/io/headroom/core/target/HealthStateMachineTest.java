package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.time.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthStateMachineTest {
    private final ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
    private final HealthStateMachine m = new HealthStateMachine(clock, 3, 2);

    @Test
    void aNewTargetIsInitialUntilTheFirstCheckIsSent() {
        assertThat(m.state()).isEqualTo(TargetState.INITIAL);
        assertThat(m.reason()).isEqualTo("Elb.RegistrationInProgress");
        m.probeStarted();
        assertThat(m.state()).isEqualTo(TargetState.INITIAL);
        assertThat(m.reason()).isEqualTo("Elb.InitialHealthChecking");
    }

    @Test
    void aNewTargetIsHealthyAfterOnePassingCheck() {
        m.probeStarted();
        clock.advanceSeconds(5);
        assertThat(m.onResult(ProbeResult.passed(200))).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
        assertThat(m.reason()).isNull();
        assertThat(m.description()).isNull();
        assertThat(m.since()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    }

    @Test
    void aNewTargetThatKeepsFailingBecomesUnhealthyAfterTheUnhealthyThreshold() {
        m.probeStarted();
        assertThat(m.onResult(ProbeResult.failed("Connection refused"))).isFalse();
        assertThat(m.state()).isEqualTo(TargetState.INITIAL);
        assertThat(m.reason()).isEqualTo("Elb.InitialHealthChecking");
        assertThat(m.onResult(ProbeResult.failed("Connection refused"))).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(m.reason()).isEqualTo("Target.FailedHealthChecks");
        assertThat(m.description()).startsWith("Health checks failed");
    }

    @Test
    void healthyBecomesUnhealthyOnlyAfterConsecutiveFailures() {
        m.onResult(ProbeResult.passed());
        m.onResult(ProbeResult.codeMismatch(500));
        m.onResult(ProbeResult.passed()); // resets the failure count
        assertThat(m.onResult(ProbeResult.codeMismatch(500))).isFalse();
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
        assertThat(m.onResult(ProbeResult.codeMismatch(500))).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(m.reason()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(m.description()).isEqualTo("Health checks failed with these codes: [500]");
    }

    @Test
    void unhealthyBecomesHealthyAfterHealthyThresholdConsecutivePasses() {
        m.onResult(ProbeResult.passed());
        m.onResult(ProbeResult.timeout());
        m.onResult(ProbeResult.timeout());
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(m.reason()).isEqualTo("Target.Timeout");
        assertThat(m.description()).isEqualTo("Request timed out");
        m.onResult(ProbeResult.passed());
        m.onResult(ProbeResult.passed());
        m.onResult(ProbeResult.codeMismatch(503)); // breaks the streak; reason follows the latest failure
        assertThat(m.reason()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(m.onResult(ProbeResult.passed())).isFalse();
        assertThat(m.onResult(ProbeResult.passed())).isFalse();
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(m.onResult(ProbeResult.passed())).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
    }

    @Test
    void drainingIgnoresResultsAndRegisteringAgainStartsOver() {
        m.onResult(ProbeResult.passed());
        assertThat(m.drain()).isTrue();
        assertThat(m.state()).isEqualTo(TargetState.DRAINING);
        assertThat(m.reason()).isEqualTo("Target.DeregistrationInProgress");
        assertThat(m.onResult(ProbeResult.failed(null))).isFalse();
        assertThat(m.state()).isEqualTo(TargetState.DRAINING);
        m.reset();
        assertThat(m.state()).isEqualTo(TargetState.INITIAL);
        assertThat(m.reason()).isEqualTo("Elb.RegistrationInProgress");
        m.drain();
        assertThat(m.unused()).isTrue();
        assertThat(m.health(new TargetAddress("127.0.0.1", 80)))
                .isEqualTo(new TargetHealth(new TargetAddress("127.0.0.1", 80), TargetState.UNUSED,
                        "Target.NotRegistered", "Target is not registered to the target group"));
    }

    @Test
    void newThresholdsApplyToTheNextResult() {
        m.onResult(ProbeResult.passed());
        m.setThresholds(3, 4);
        for (int i = 0; i < 3; i++) {
            m.onResult(ProbeResult.timeout());
        }
        assertThat(m.state()).isEqualTo(TargetState.HEALTHY);
        m.onResult(ProbeResult.timeout());
        assertThat(m.state()).isEqualTo(TargetState.UNHEALTHY);
    }

    @Test
    void thresholdsBelowOneAreRejected() {
        assertThatThrownBy(() -> new HealthStateMachine(clock, 0, 2))
                .hasMessage("healthyThreshold: 0 (expected: >= 1)");
    }
}
