package io.headroom.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadProfileTest {
    @TempDir
    Path dir;

    @Test
    void segmentsHoldOrRampLinearly() {
        LoadProfile p = LoadProfile.parse("10m@20, 5m@20..200,1h30m@200");
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(105));
        assertThat(p.rps(0)).isEqualTo(20);
        assertThat(p.rps(599)).isEqualTo(20);
        assertThat(p.rps(600)).isEqualTo(20);
        assertThat(p.rps(750)).isEqualTo(110);
        assertThat(p.rps(900)).isEqualTo(200);
        assertThat(p.rps(6299)).isEqualTo(200);
        assertThat(p.rps(7000)).isZero();
    }

    @Test
    void badSegmentsSayWhatIsExpected() {
        assertThatThrownBy(() -> LoadProfile.parse("10m@20,fast")).hasMessage("load profile: 'fast' (expected DURATION@RPS"
                + " or DURATION@FROM..TO, e.g. 10m@20 or 5m@20..200; durations in h, m, s)");
        assertThatThrownBy(() -> LoadProfile.parse("0s@5")).hasMessageContaining("lasts 0 s");
        assertThatThrownBy(() -> LoadProfile.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void aCsvIsInterpolatedBetweenItsPoints() throws Exception {
        Path f = dir.resolve("load.csv");
        Files.writeString(f, "seconds,rps\n# a recorded morning\n0,10\n60,70\n120,70\n");
        LoadProfile p = LoadProfile.csv(f);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.rps(30)).isEqualTo(40);
        assertThat(p.rps(90)).isEqualTo(70);
        Files.writeString(f, "0,10\n60,x\n");
        assertThatThrownBy(() -> LoadProfile.csv(f)).hasMessageEndingWith("load.csv:2: '60,x' (expected: seconds,requestsPerSecond)");
        Files.writeString(f, "0,10\n60,20\n30,5\n");
        assertThatThrownBy(() -> LoadProfile.csv(f)).hasMessageContaining(":3: second 30 (expected: after 60");
    }
}
