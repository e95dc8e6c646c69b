package io.headroom.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code headroom up} process started by a test, with its output in a file; closing kills it. */
final class HeadroomProcess implements AutoCloseable {
    private static final Pattern LAUNCHED_PID = Pattern.compile("launched pid (\\d+)");

    final Process process;
    final Path log;

    private HeadroomProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static HeadroomProcess up(Path dir, Path config) throws IOException {
        Path log = dir.resolve("headroom.out");
        Process p = new ProcessBuilder(Support.java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.headroom.server.Main", "up", "--config", config.toString(), "--drain-timeout", "10s")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HeadroomProcess h = new HeadroomProcess(p, log);
        await().atMost(Duration.ofSeconds(30)).until(() -> h.output().contains("headroom is up") || !p.isAlive());
        if (!p.isAlive()) {
            throw new IllegalStateException("headroom exited at start:\n" + h.output());
        }
        return h;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The pids of the instances it launched, from its log. */
    List<Long> launchedPids() {
        List<Long> pids = new ArrayList<>();
        Matcher m = LAUNCHED_PID.matcher(output());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("TERM");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        // Belt and braces: no instance of this run may survive the test.
        for (long pid : launchedPids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
