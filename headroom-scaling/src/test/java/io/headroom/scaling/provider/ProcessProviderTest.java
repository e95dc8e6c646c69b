package io.headroom.scaling.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class ProcessProviderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    // generous: other builds share the two cores, and a busy loop only shows up when it gets scheduled
    private static final Duration CPU_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path stateDir;

    private final ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
    private final Set<Long> spawned = ConcurrentHashMap.newKeySet();
    private ProcessProvider provider;

    @BeforeEach
    void setUp() {
        provider = newProvider(ProcessProvider.Options.defaults().withShutdownHook(false));
    }

    private ProcessProvider newProvider(ProcessProvider.Options options) {
        return new ProcessProvider(stateDir, clock, options);
    }

    @AfterEach
    void tearDown() {
        provider.close();
        for (long pid : spawned) { // belt and braces if close() failed
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private ProviderInstance launch(Duration grace, double vcpus, Map<String, String> env, String... command)
            throws LaunchException {
        ProviderInstance inst = provider.launch(
                new LaunchSpec(InstanceIds.newId(), List.of(command), env, null, vcpus, grace));
        spawned.add(inst.pid());
        return inst;
    }

    private ProviderInstance launch(String... command) throws LaunchException {
        return launch(Duration.ofSeconds(2), 1, Map.of(), command);
    }

    private Set<Long> treePids(long pid) {
        Set<Long> pids = ProcFs.tree(pid).stream().map(ProcFs.Stat::pid).collect(Collectors.toSet());
        spawned.addAll(pids);
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcFs.stat(pid).map(s -> !s.isZombie()).orElse(false);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void launchSubstitutesPortAndInstanceIdAndLogsOutput() throws Exception {
        ProviderInstance inst = launch(Duration.ofSeconds(2), 1, Map.of("GREETING", "hello-${INSTANCE_ID}"),
                "sh", "-c", "echo \"env $PORT $INSTANCE_ID arg ${PORT} $GREETING\"; echo \"to stderr\" >&2; sleep 60");

        assertThat(inst.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(inst.host()).isEqualTo("127.0.0.1");
        assertThat(inst.port()).isBetween(1, 65535);
        assertThat(inst.launchTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(inst.logFile()).isEqualTo(stateDir.resolve("instances").resolve(inst.instanceId() + ".log"));
        String expected = "env " + inst.port() + " " + inst.instanceId() + " arg " + inst.port()
                + " hello-" + inst.instanceId();
        await().atMost(WAIT).until(() -> read(inst.logFile()).contains("to stderr"));
        assertThat(read(inst.logFile())).contains(expected);
        // the instance leads its own process group, so it can be signalled as a whole
        assertThat(ProcFs.stat(inst.pid()).orElseThrow().pgrp()).isEqualTo(inst.pid());
        assertThat(provider.describe(inst.instanceId())).contains(inst);
        assertThat(provider.describeAll()).containsExactly(inst);
    }

    @Test
    void portsAreDistinctAcrossInstances() throws Exception {
        ProviderInstance a = launch("sleep", "60");
        ProviderInstance b = launch("sleep", "60");
        assertThat(a.port()).isNotEqualTo(b.port());
        assertThat(a.instanceId()).isNotEqualTo(b.instanceId());
    }

    @Test
    void logFileIsCappedAndRotatedOnce() throws Exception {
        provider.close();
        long cap = 16 * 1024;
        provider = newProvider(ProcessProvider.Options.defaults().withShutdownHook(false).withMaxLogBytes(cap));
        // about 100 KiB of output: more than six times the cap
        ProviderInstance inst = launch("sh", "-c",
                "i=0; while [ $i -lt 1500 ]; do echo \"line $i 0123456789012345678901234567890123456789012345678901\"; "
                        + "i=$((i+1)); done");

        CompletableFuture<ProviderInstance> done = new CompletableFuture<>();
        provider.onExit(done::complete);
        ProviderInstance exited = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exited.exitCode()).hasValue(0);

        Path old = inst.logFile().resolveSibling(inst.logFile().getFileName() + ".1");
        await().atMost(WAIT).until(() -> read(inst.logFile()).contains("line 1499 "));
        assertThat(Files.size(inst.logFile())).isLessThanOrEqualTo(cap);
        assertThat(Files.size(old)).isEqualTo(cap);
        assertThat(read(inst.logFile()) + read(old)).doesNotContain("line 0 ");
        try (var files = Files.list(stateDir.resolve("instances"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(inst.instanceId() + ".log", inst.instanceId() + ".log.1");
        }
    }

    /** The kernel's state letter of a process: T when stopped. */
    private static char state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void stopAndStartSignalTheWholeTreeAndAStoppedInstanceStillTerminatesWithSigterm() throws Exception {
        ProviderInstance inst = launch(Duration.ofSeconds(30), 1, Map.of(), "sh", "-c", "sleep 300 & sleep 300 & wait");
        await().atMost(WAIT).until(() -> treePids(inst.pid()).size() >= 3);
        Set<Long> pids = treePids(inst.pid());

        assertThat(provider.stop(inst.instanceId())).isTrue();
        for (long pid : pids) {
            await().atMost(WAIT).until(() -> state(pid) == 'T');
        }
        assertThat(provider.start(inst.instanceId())).isTrue();
        for (long pid : pids) {
            await().atMost(WAIT).until(() -> state(pid) != 'T');
        }
        assertThat(provider.stop(inst.instanceId())).isTrue();
        await().atMost(WAIT).until(() -> state(inst.pid()) == 'T');
        // SIGTERM is followed by SIGCONT, so a stopped group ends at once, well within its 30 s grace period.
        ProviderInstance done = provider.terminate(inst.instanceId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.exitCode()).hasValue(143);
        assertThat(pids).noneMatch(ProcessProviderTest::alive);
        assertThat(provider.stop(inst.instanceId())).isFalse();
        assertThat(provider.start("i-unknown")).isFalse();
    }

    @Test
    void terminateKillsTheWholeTree() throws Exception {
        ProviderInstance inst = launch("sh", "-c", "sleep 300 & sleep 300 & wait");
        await().atMost(WAIT).until(() -> treePids(inst.pid()).size() >= 3);
        Set<Long> pids = treePids(inst.pid());

        ProviderInstance done = provider.terminate(inst.instanceId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(done.state()).isEqualTo(ProviderState.EXITED);
        assertThat(done.exitCode()).hasValue(143); // 128 + SIGTERM
        assertThat(pids).noneMatch(ProcessProviderTest::alive);
        assertThat(provider.describe(inst.instanceId())).contains(done);
        // idempotent
        assertThat(provider.terminate(inst.instanceId()).get(1, TimeUnit.SECONDS)).isEqualTo(done);
    }

    @Test
    void processIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        ProviderInstance inst = launch(Duration.ofSeconds(1), 1, Map.of(),
                "sh", "-c", "trap '' TERM; sleep 300 & while :; do sleep 1; done");
        await().atMost(WAIT).until(() -> treePids(inst.pid()).size() >= 3);
        Set<Long> pids = treePids(inst.pid());

        long start = System.nanoTime();
        ProviderInstance done = provider.terminate(inst.instanceId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(tookMs).as("termination time").isBetween(900L, 5000L);
        assertThat(done.exitCode()).hasValue(137); // 128 + SIGKILL
        assertThat(pids).noneMatch(ProcessProviderTest::alive);
    }

    @Test
    void instanceExitingByItselfIsReportedWithItsExitCode() throws Exception {
        List<ProviderInstance> exits = new CopyOnWriteArrayList<>();
        provider.onExit(exits::add);
        ProviderInstance inst = launch("sh", "-c", "sleep 0.2; exit 3");

        await().atMost(WAIT).until(() -> !exits.isEmpty());
        ProviderInstance exited = exits.get(0);
        assertThat(exited.instanceId()).isEqualTo(inst.instanceId());
        assertThat(exited.state()).isEqualTo(ProviderState.EXITED);
        assertThat(exited.exitCode()).hasValue(3);
        assertThat(provider.describe(inst.instanceId())).contains(exited);
        assertThat(provider.sample(inst.instanceId())).isEmpty();
        assertThat(provider.terminate(inst.instanceId()).get(1, TimeUnit.SECONDS)).isEqualTo(exited);
    }

    @Test
    void instanceKilledFromOutsideIsReportedWithTheSignal() throws Exception {
        List<ProviderInstance> exits = new CopyOnWriteArrayList<>();
        provider.onExit(exits::add);
        ProviderInstance inst = launch("sleep", "300");

        ProcessHandle.of(inst.pid()).orElseThrow().destroyForcibly(); // like the OOM killer

        await().atMost(WAIT).until(() -> !exits.isEmpty());
        assertThat(exits).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(ProviderState.EXITED);
            assertThat(e.exitCode()).hasValue(137);
        });
    }

    @Test
    void leftoverChildrenAreKilledWhenTheMainProcessExits() throws Exception {
        ProviderInstance inst = launch("sh", "-c", "sleep 300 & echo started; sleep 0.5; exit 0");
        await().atMost(WAIT).until(() -> treePids(inst.pid()).size() >= 2);
        Set<Long> pids = treePids(inst.pid());

        ProviderInstance exited = provider.terminate(inst.instanceId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exited.state()).isEqualTo(ProviderState.EXITED);
        assertThat(pids).noneMatch(ProcessProviderTest::alive);
    }

    @Test
    void exitedInstancesAreForgottenAfterTheRetention() throws Exception {
        ProviderInstance inst = launch("true");
        await().atMost(WAIT).until(() -> !provider.describe(inst.instanceId()).orElseThrow().isRunning());
        assertThat(provider.describeAll()).hasSize(1);
        clock.advance(Duration.ofMinutes(61));
        assertThat(provider.describeAll()).isEmpty();
        assertThat(provider.describe(inst.instanceId())).isEmpty();
    }

    @Test
    void badLaunchSpecsFailWithAClearMessage() {
        assertThatThrownBy(() -> launch("/no/such/program"))
                .isInstanceOf(LaunchException.class).hasMessageContaining("'/no/such/program'");
        assertThatThrownBy(() -> launch("no-such-program-xyz"))
                .isInstanceOf(LaunchException.class).hasMessageContaining("'no-such-program-xyz'").hasMessageContaining("PATH");
        assertThatThrownBy(() -> provider.launch(new LaunchSpec("i-1", List.of("true"), Map.of(),
                stateDir.resolve("missing"), 1, Duration.ZERO)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("workingDirectory");
        assertThatThrownBy(() -> LaunchSpec.of("../x", List.of("true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceId");
        assertThatThrownBy(() -> new LaunchSpec("i-1", List.of("true"), Map.of(), null, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vcpus: 0.0 (expected: > 0)");
        assertThat(provider.describeAll()).isEmpty();
        ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> provider.terminate("i-unknown").get());
        assertThat(unknown.getCause()).isInstanceOf(NoSuchElementException.class).hasMessageContaining("i-unknown");
    }

    @Test
    void aLaunchTemplatePathDoesNotBreakTheWatchdog() throws Exception {
        ProviderInstance inst = launch(Duration.ofSeconds(1), 1, Map.of("PATH", "/nonexistent"),
                "/bin/sh", "-c", "echo \"path $PATH\"; /bin/sleep 60");
        await().atMost(WAIT).until(() -> read(inst.logFile()).contains("path /nonexistent"));
        ProviderInstance done = provider.terminate(inst.instanceId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.exitCode()).hasValue(143);
    }

    @Test
    void duplicateIdIsRejected() throws Exception {
        ProviderInstance inst = launch("sleep", "60");
        assertThatThrownBy(() -> provider.launch(LaunchSpec.of(inst.instanceId(), List.of("sleep", "60"))))
                .isInstanceOf(LaunchException.class).hasMessageContaining("already exists");
    }

    @Test
    void workingDirectoryIsUsed() throws Exception {
        Path dir = Files.createDirectories(stateDir.resolve("work"));
        ProviderInstance inst = provider.launch(new LaunchSpec(InstanceIds.newId(),
                List.of("sh", "-c", "pwd; sleep 60"), Map.of(), dir, 1, Duration.ofSeconds(1)));
        spawned.add(inst.pid());
        await().atMost(WAIT).until(() -> read(inst.logFile()).contains(dir.toRealPath().toString()));
    }

    @Test
    void closeTerminatesEveryInstance() throws Exception {
        ProviderInstance a = launch("sleep", "300");
        ProviderInstance b = launch("sh", "-c", "sleep 300 & wait");
        await().atMost(WAIT).until(() -> treePids(b.pid()).size() >= 2);
        Set<Long> pids = treePids(b.pid());
        pids.add(a.pid());

        provider.close();

        assertThat(pids).noneMatch(ProcessProviderTest::alive);
        assertThat(provider.describeAll()).allMatch(i -> i.state() == ProviderState.EXITED);
        assertThatThrownBy(() -> launch("sleep", "1")).isInstanceOf(LaunchException.class).hasMessageContaining("closed");
    }

    @Test
    void busyInstanceReportsHighCpuAndIdleOneLowCpu() throws Exception {
        ProviderInstance busy = launch(Duration.ofSeconds(1), 1, Map.of(), "sh", "-c", "while :; do :; done");
        ProviderInstance idle = launch(Duration.ofSeconds(1), 1, Map.of(), "sleep", "300");

        // each poll measures since the previous one, so a busy core shows up as soon as it gets scheduled
        await().atMost(CPU_WAIT).pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500))
                .until(() -> provider.sample(busy.instanceId()).orElseThrow().cpuUtilizationPercent() > 50);
        await().atMost(WAIT).pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500))
                .until(() -> provider.sample(idle.instanceId()).orElseThrow().cpuUtilizationPercent() < 5);
        InstanceStats stats = provider.sample(idle.instanceId()).orElseThrow();
        assertThat(stats.rssBytes()).isPositive();
        assertThat(provider.sampleAll()).containsOnlyKeys(busy.instanceId(), idle.instanceId());
        assertThat(provider.sample("i-unknown")).isEmpty();
    }

    @Test
    void networkInAndOutCountWhatTheInstanceReadsAndWrites() throws Exception {
        // About 1 MB a second through a pipe between two children of the instance's shell: head writes it, cat reads
        // it (and writes it to /dev/null). rchar and wchar count sockets, pipes and files alike.
        ProviderInstance busy = launch(Duration.ofSeconds(1), 1, Map.of(), "sh", "-c",
                "while :; do head -c 100000 /dev/zero | cat > /dev/null; sleep 0.1; done");
        ProviderInstance idle = launch(Duration.ofSeconds(1), 1, Map.of(), "sleep", "300");
        await().atMost(WAIT).pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500)).until(() -> {
            InstanceStats s = provider.sample(busy.instanceId()).orElseThrow();
            return s.networkInBytesPerSecond() > 200_000 && s.networkOutBytesPerSecond() > 200_000;
        });
        await().atMost(WAIT).pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500)).until(() -> {
            InstanceStats s = provider.sample(idle.instanceId()).orElseThrow();
            return s.networkInBytesPerSecond() < 1_000 && s.networkOutBytesPerSecond() < 1_000;
        });
    }

    @Test
    void cpuIsAPercentageOfTheInstanceVcpus() throws Exception {
        ProviderInstance busy = launch(Duration.ofSeconds(1), 4, Map.of(), "sh", "-c", "while :; do :; done");
        // one busy core of four is at most 25%: never near 100 as it would be for vcpus 1
        List<Double> samples = new CopyOnWriteArrayList<>();
        await().atMost(CPU_WAIT).pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    double cpu = provider.sample(busy.instanceId()).orElseThrow().cpuUtilizationPercent();
                    samples.add(cpu);
                    return cpu > 10;
                });
        assertThat(samples).allMatch(cpu -> cpu < 30, "below 30%");
    }

    @Test
    void instanceIdsLookLikeEc2Ids() {
        String id = InstanceIds.newId();
        assertThat(id).matches("i-[0-9a-f]{17}");
        assertThat(InstanceIds.newId()).isNotEqualTo(id);
    }
}
