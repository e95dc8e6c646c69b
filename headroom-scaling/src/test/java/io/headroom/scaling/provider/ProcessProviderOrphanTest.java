package io.headroom.scaling.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Instances must not outlive the Headroom JVM, whether it is killed (SIGKILL) or stopped (SIGTERM). */
@EnabledOnOs(OS.LINUX)
class ProcessProviderOrphanTest {
    @TempDir
    Path stateDir;

    private Process headroom;
    private final Set<Long> spawned = ConcurrentHashMap.newKeySet();
    private final List<Long> pids = new CopyOnWriteArrayList<>();
    private final List<Path> logs = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        if (headroom != null) {
            headroom.destroyForcibly();
        }
        for (long pid : spawned) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void instancesDieWhenHeadroomIsKilled() throws Exception {
        Set<Long> all = startHeadroomWithTwoInstances("nohook");

        headroom.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        headroom.waitFor();

        await("every instance process to be gone").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> all.stream().noneMatch(ProcessProviderOrphanTest::alive));
    }

    @Test
    void instancesAreStoppedGracefullyWhenHeadroomIsStopped() throws Exception {
        Set<Long> all = startHeadroomWithTwoInstances("hook");

        headroom.destroy(); // SIGTERM: the shutdown hook closes the provider
        headroom.waitFor();

        assertThat(all).noneMatch(ProcessProviderOrphanTest::alive);
        // the instances got SIGTERM and their last words reached the log while Headroom was still pumping
        assertThat(logs).hasSize(2).allSatisfy(log -> assertThat(read(log)).contains("graceful-stop"));
    }

    private Set<Long> startHeadroomWithTwoInstances(String mode) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        headroom = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                OrphanTestMain.class.getName(), stateDir.toString(), mode)
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(headroom.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("INSTANCE-PID ")) {
                        long pid = Long.parseLong(line.substring(13).trim());
                        pids.add(pid);
                        spawned.add(pid);
                    } else if (line.startsWith("INSTANCE-LOG ")) {
                        logs.add(Path.of(line.substring(13).trim()));
                    }
                }
            } catch (IOException ignored) {
                // the JVM was killed
            }
        }, "orphan-test-reader");
        reader.setDaemon(true);
        reader.start();

        await("the child JVM to launch two instances").atMost(Duration.ofSeconds(30))
                .until(() -> output.contains("READY") || !headroom.isAlive());
        assertThat(output).as("child JVM output").contains("READY");
        assertThat(pids).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().allMatch(p -> ProcFs.tree(p).size() >= 2));
        Set<Long> all = pids.stream().flatMap(p -> ProcFs.tree(p).stream()).map(ProcFs.Stat::pid)
                .collect(Collectors.toSet());
        spawned.addAll(all);
        assertThat(all).hasSizeGreaterThanOrEqualTo(4); // 2 × (sh + sleep)
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static boolean alive(long pid) {
        return ProcFs.stat(pid).map(s -> !s.isZombie()).orElse(false);
    }
}
