package io.headroom.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SIGKILLed Headroom leaves no instance process behind. */
class OrphanEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void noInstanceOutlivesASigkilledHeadroom() throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin: { listen: "127.0.0.1:0" }
                stateDir: state
                launchTemplates:
                  - name: demo
                    versions:
                      - command: %s
                        terminationGracePeriodSeconds: 2
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: demo }
                    minSize: 2
                    maxSize: 2
                """.formatted(Support.demoAppCommand()));
        try (HeadroomProcess h = HeadroomProcess.up(dir, file)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> h.output().split("is InService", -1).length - 1 >= 2);
            List<Long> pids = h.launchedPids();
            assertThat(pids).hasSize(2);
            assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

            h.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            h.process.waitFor();
            await().atMost(Duration.ofSeconds(8)).until(() -> pids.stream()
                    .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        }
    }
}
