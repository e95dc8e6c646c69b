package io.headroom.scaling.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.LaunchTemplateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {

    @Test
    void isMadeFromALaunchTemplateVersion() {
        var version = new LaunchTemplateConfig.Version(2, List.of("java", "-jar", "app.jar", "--port=${PORT}"),
                Map.of("MODE", "prod"), "/srv/app", 2.0, 45);
        LaunchSpec spec = LaunchSpec.from("i-0123456789abcdef0", version);
        assertThat(spec.command()).containsExactly("java", "-jar", "app.jar", "--port=${PORT}");
        assertThat(spec.environment()).containsEntry("MODE", "prod");
        assertThat(spec.workingDirectory()).isEqualTo(Path.of("/srv/app"));
        assertThat(spec.vcpus()).isEqualTo(2.0);
        assertThat(spec.terminationGracePeriod()).isEqualTo(Duration.ofSeconds(45));

        var noDir = new LaunchTemplateConfig.Version(1, List.of("app"), Map.of(), null, 1, 30);
        assertThat(LaunchSpec.from("i-1", noDir).workingDirectory()).isNull();
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> LaunchSpec.of("i-1", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("command: []");
        assertThatThrownBy(() -> LaunchSpec.of("a/b", List.of("true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("instanceId: 'a/b'");
        assertThatThrownBy(() -> new LaunchSpec("i-1", List.of("true"), Map.of(), null, 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("terminationGracePeriod: PT-1S");
    }

    @Test
    void procStatLineWithSpacesAndParenthesesInTheCommandIsParsed() {
        String line = "4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
                + "7 3 2 1 20 0 1 0 12345 1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcFs.Stat s = ProcFs.parse(line);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.pgrp()).isEqualTo(4242);
        assertThat(s.cpuTicks()).isEqualTo(7 + 3 + 2 + 1);
        assertThat(s.rssPages()).isEqualTo(250);
    }
}
