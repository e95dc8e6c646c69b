package io.headroom.core.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.target.AnomalyDetection.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Automatic target weights: detection, mitigation and recovery, driven by explicit time (no sleeping). */
class AnomalyDetectorTest {
    private static final List<String> FIVE = List.of("bad", "a", "b", "c", "d");

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    /** One second of traffic: {@code perTarget} requests each, {@code badErrors} of the bad target's fail. */
    private List<AnomalyDetector.Change<String>> second(AnomalyDetector<String> d, List<String> targets, int perTarget,
                                                        int badErrors) {
        now = now.plusSeconds(1);
        for (String t : targets) {
            d.record(t, perTarget, t.equals("bad") ? badErrors : 0, now);
        }
        return d.evaluate(targets, now);
    }

    @Test
    void aTargetFailingHalfItsRequestsAmongFourHealthyOnesIsAnomalousAndMitigated() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        List<AnomalyDetector.Change<String>> changes = second(d, FIVE, 20, 10);

        assertThat(d.status("bad")).isEqualTo(new AnomalyDetection(Result.ANOMALOUS, true));
        assertThat(d.status("a")).isEqualTo(AnomalyDetection.NORMAL);
        assertThat(d.weight("bad", now)).isEqualTo(AnomalyDetector.MITIGATED_WEIGHT);
        assertThat(d.weight("a", now)).isEqualTo(1.0);
        assertThat(d.anomalousCount()).isEqualTo(1);
        assertThat(d.mitigatedCount()).isEqualTo(1);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.target()).isEqualTo("bad");
            assertThat(c.errorRate()).isEqualTo(0.5);
        });
    }

    @Test
    void detectionWithoutMitigationReportsButKeepsTheWeight() {
        AnomalyDetector<String> d = new AnomalyDetector<>(false);
        second(d, FIVE, 20, 10);

        assertThat(d.status("bad")).isEqualTo(new AnomalyDetection(Result.ANOMALOUS, false));
        assertThat(d.weight("bad", now)).isEqualTo(1.0);
        assertThat(d.mitigatedCount()).isZero();
    }

    @Test
    void oneErrorInThreeRequestsIsNotAnAnomaly() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        now = now.plusSeconds(1);
        d.record("bad", 3, 1, now);
        for (String t : List.of("a", "b", "c", "d")) {
            d.record(t, 3, 0, now);
        }
        assertThat(d.evaluate(FIVE, now)).isEmpty();
        assertThat(d.status("bad")).isEqualTo(AnomalyDetection.NORMAL);
    }

    @Test
    void fewerThanThreeTargetsAreNeverCompared() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        second(d, List.of("bad", "a"), 50, 50);
        assertThat(d.status("bad")).isEqualTo(AnomalyDetection.NORMAL);
    }

    @Test
    void anErrorRateSharedByTheGroupIsNotAnAnomaly() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        now = now.plusSeconds(1);
        for (String t : FIVE) {
            d.record(t, 100, t.equals("bad") ? 30 : 20, now);
        }
        d.evaluate(FIVE, now);
        assertThat(d.anomalousCount()).isZero();
    }

    @Test
    void twoFailingTargetsOfFourAreBothMitigatedButAFailingMajorityIsNot() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        List<String> four = List.of("x1", "x2", "a", "b");
        now = now.plusSeconds(1);
        d.record("x1", 100, 50, now);
        d.record("x2", 100, 30, now);
        d.record("a", 100, 0, now);
        d.record("b", 100, 0, now);
        d.evaluate(four, now);
        assertThat(d.anomalousCount()).isEqualTo(2);
        assertThat(d.mitigatedCount()).isEqualTo(2); // half of four

        // Three of four failing looks like a problem behind the targets, not one bad target: nobody is singled out.
        now = now.plusSeconds(AnomalyDetector.WINDOW_SECONDS);
        d.record("x1", 100, 50, now);
        d.record("x2", 100, 50, now);
        d.record("a", 100, 50, now);
        d.record("b", 100, 0, now);
        d.evaluate(four, now);
        assertThat(d.anomalousCount()).isZero();
    }

    @Test
    void aRecoveredTargetIsNormalAgainAndItsWeightRampsBackOverTheRecoveryPeriod() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        for (int i = 0; i < 10; i++) {
            second(d, FIVE, 20, 10);
        }
        assertThat(d.status("bad").result()).isEqualTo(Result.ANOMALOUS);

        // It recovers: mitigated, it gets a tenth of the others' traffic, all of it successful. Once the failures
        // leave the 60 s window it is normal again, with mitigation still in effect while its weight ramps up.
        Instant recovered = null;
        for (int i = 0; i < AnomalyDetector.WINDOW_SECONDS + 1 && recovered == null; i++) {
            now = now.plusSeconds(1);
            d.record("bad", 2, 0, now);
            for (String t : FIVE.subList(1, 5)) {
                d.record(t, 20, 0, now);
            }
            d.evaluate(FIVE, now);
            if (d.status("bad").result() == Result.NORMAL) {
                recovered = now;
            }
        }
        assertThat(recovered).isNotNull();
        assertThat(d.status("bad")).isEqualTo(new AnomalyDetection(Result.NORMAL, true));
        assertThat(d.mitigatedCount()).isEqualTo(1);
        assertThat(d.weight("bad", now)).isEqualTo(AnomalyDetector.MITIGATED_WEIGHT);

        Duration half = AnomalyDetector.RECOVERY.dividedBy(2);
        assertThat(d.weight("bad", recovered.plus(half))).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));

        now = recovered.plus(AnomalyDetector.RECOVERY);
        d.evaluate(FIVE, now);
        assertThat(d.status("bad")).isEqualTo(AnomalyDetection.NORMAL);
        assertThat(d.weight("bad", now)).isEqualTo(1.0);
        assertThat(d.mitigatedCount()).isZero();
    }

    @Test
    void turningMitigationOffRestoresFullWeightAtOnce() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        second(d, FIVE, 20, 10);
        d.mitigation(false);
        assertThat(d.weight("bad", now)).isEqualTo(1.0);
        d.evaluate(FIVE, now);
        assertThat(d.status("bad")).isEqualTo(new AnomalyDetection(Result.ANOMALOUS, false));
    }

    @Test
    void aTargetThatLeavesTheComparedSetIsForgotten() {
        AnomalyDetector<String> d = new AnomalyDetector<>(true);
        second(d, FIVE, 20, 10);
        d.evaluate(FIVE.subList(1, 5), now); // bad became unhealthy
        assertThat(d.status("bad")).isEqualTo(AnomalyDetection.NORMAL);
        assertThat(d.weight("bad", now)).isEqualTo(1.0);
    }
}
