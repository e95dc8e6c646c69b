package io.headroom.scaling.provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} provider: every instance is a local child process listening on a port of 127.0.0.1.
 *
 * <h2>How an instance runs</h2>
 * <pre>
 *  Headroom JVM                                    (Linux; needs sh and setsid from util-linux)
 *   │ stdin pipe ──► commands "TERM", "KILL", "STOP", "CONT", "DONE"; EOF = Headroom is gone
 *   │ stdout pipe ◄── instance stdout+stderr ──► log pump thread ──► stateDir/instances/&lt;id&gt;.log (rotating)
 *   │ stderr pipe ◄── "pid &lt;n&gt;" once started, "exit &lt;code&gt;" when the main process exited
 *   ▼
 *  setsid sh -c WRAPPER   (the watchdog wrapper; own session, so a terminal's Ctrl-C does not reach it)
 *   ├─ setsid COMMAND…    the instance: own session and process group, pgid = its pid = "pid" above
 *   │    └─ children      (sh -c "…" may fork; they stay in the group)
 *   └─ watcher subshell   reads the stdin pipe: "TERM"/"KILL"/"STOP"/"CONT" → kill -s SIG -- -pgid (TERM is
 *                         followed by CONT, so that a stopped group gets it); "DONE" → exit;
 *                         EOF → kill -s TERM -- -pgid, wait up to the grace period, kill -s KILL -- -pgid
 * </pre>
 * <ul>
 *   <li><b>Terminate</b> writes {@code TERM} to the wrapper, and {@code KILL} after the spec's
 *       {@code terminationGracePeriod}; signals go to the whole process group at once.</li>
 *   <li><b>Exit</b>: when the instance's main process exits (by itself or by a signal) the wrapper sends
 *       SIGTERM to what is left of its group and reports the exit code (128 + signal when a signal ended it).
 *       The provider waits until no live process of the group is left in {@code /proc} (zombies do not
 *       count: PID 1 of a container may reap them late), SIGKILLs the group after the grace period, then
 *       sends "DONE"; once the wrapper has exited the instance is {@link ProviderState#EXITED} and the
 *       {@link #onExit} listeners are told.</li>
 *   <li><b>Headroom killed with SIGKILL</b>: no shutdown hook runs, but the kernel closes Headroom's end of
 *       every wrapper's stdin pipe; each watcher reads EOF and takes its instance's group down within the
 *       grace period (a {@code sleep} that obeys SIGTERM is gone within milliseconds). Normal shutdown uses
 *       {@link #close()}, also from a JVM shutdown hook.</li>
 *   <li>A process that calls setsid itself and double-forks leaves the group and escapes; that is the
 *       limit of process groups without cgroups.</li>
 * </ul>
 *
 * <h2>Ports, environment, logs</h2>
 * Headroom binds 127.0.0.1:0 to pick a free port, then replaces {@code ${PORT}} and {@code ${INSTANCE_ID}}
 * in every command argument and environment value and sets {@code PORT} and {@code INSTANCE_ID} in the
 * environment, which is Headroom's own plus the spec's. The log file of each instance is capped at
 * {@link Options#maxLogBytes()} (default 10 MiB): past the cap it moves to {@code <id>.log.1} (replacing the
 * older one), so one instance uses at most twice the cap on disk. Log files are kept after the instance exits.
 *
 * <h2>Metrics</h2>
 * {@link #sample} reads {@code /proc/<pid>/stat} of the instance's process group and descendants:
 * CPU = (utime + stime + cutime + cstime) ticks since the previous sample over the wall time between the
 * samples (measured with a monotonic ticker, not the injected clock) as a percentage of the spec's vcpus;
 * RSS = sum of resident pages × page size. Without {@code /proc} it returns empty.
 *
 * <p>Thread-safe. The injected {@link Clock} stamps launch and exit times; exited instances stay visible to
 * {@link #describe} for {@link Options#exitedRetention()} of that clock.
 */
public final class ProcessProvider implements InstanceProvider {
    private static final Logger log = LoggerFactory.getLogger(ProcessProvider.class);

    /** Where process instances listen. */
    public static final String HOST = "127.0.0.1";
    /** Default cap of one instance's log file before it rotates: 10 MiB. */
    public static final long DEFAULT_MAX_LOG_BYTES = 10L * 1024 * 1024;

    // $1 = setsid's path, $2 = grace period in tenths of a second, the rest is the instance's command.
    // See the class Javadoc.
    private static final String WRAPPER = String.join("\n",
            "s=$1; g=$2; shift 2",
            "exec 3<&0 </dev/null",
            "\"$s\" \"$@\" 2>&1 3<&- &",
            "p=$!",
            "echo \"pid $p\" >&2",
            "{",
            "  while read -r c <&3; do",
            "    case $c in",
            "      TERM) kill -s TERM -- -\"$p\" 2>/dev/null; kill -s CONT -- -\"$p\" 2>/dev/null;;",
            "      KILL|STOP|CONT) kill -s \"$c\" -- -\"$p\" 2>/dev/null;;",
            "      DONE) exit 0;;",
            "    esac",
            "  done",
            "  kill -s TERM -- -\"$p\" 2>/dev/null; kill -s CONT -- -\"$p\" 2>/dev/null",
            "  i=0",
            "  while [ \"$i\" -lt \"$g\" ] && kill -s 0 -- -\"$p\" 2>/dev/null; do sleep 0.1; i=$((i+1)); done",
            "  kill -s KILL -- -\"$p\" 2>/dev/null",
            "} >/dev/null 2>&1 &",
            "w=$!",
            "wait \"$p\"; code=$?",
            "kill -s TERM -- -\"$p\" 2>/dev/null",
            "echo \"exit $code\" >&2",
            "wait \"$w\"",
            "exit \"$code\"");

    /**
     * Tunables.
     *
     * @param maxLogBytes     cap of one instance log file before it rotates to {@code .log.1}
     * @param exitedRetention how long exited instances stay visible to describe (AWS keeps terminated
     *                        instances visible for about an hour)
     * @param startTimeout    how long launch waits for the wrapper to report the instance's pid
     * @param shutdownHook    whether to {@link #close()} from a JVM shutdown hook
     */
    public record Options(long maxLogBytes, Duration exitedRetention, Duration startTimeout, boolean shutdownHook) {
        public Options {
            if (maxLogBytes < 1024) {
                throw new IllegalArgumentException("maxLogBytes: " + maxLogBytes + " (expected: >= 1024)");
            }
            Objects.requireNonNull(exitedRetention, "exitedRetention");
            if (exitedRetention.isNegative()) {
                throw new IllegalArgumentException("exitedRetention: " + exitedRetention + " (expected: not negative)");
            }
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_MAX_LOG_BYTES, Duration.ofHours(1), Duration.ofSeconds(10), true);
        }

        public Options withMaxLogBytes(long bytes) {
            return new Options(bytes, exitedRetention, startTimeout, shutdownHook);
        }

        public Options withShutdownHook(boolean hook) {
            return new Options(maxLogBytes, exitedRetention, startTimeout, hook);
        }
    }

    private final Path logDir;
    private final String setsid;
    private final String sh;
    private final Clock clock;
    private final Options options;
    private final LongSupplier nanoTicker;
    private final Map<String, Entry> instances = new ConcurrentHashMap<>();
    private final Set<String> reservedIds = ConcurrentHashMap.newKeySet();
    private final Set<Integer> portsInUse = ConcurrentHashMap.newKeySet();
    private final List<Consumer<ProviderInstance>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    public ProcessProvider(Path stateDir, Clock clock) {
        this(stateDir, clock, Options.defaults());
    }

    /**
     * @throws IllegalStateException when {@code setsid} is not on the PATH or the log directory cannot be made
     */
    public ProcessProvider(Path stateDir, Clock clock, Options options) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.nanoTicker = System::nanoTime;
        this.logDir = Objects.requireNonNull(stateDir, "stateDir").resolve("instances");
        // absolute paths, so a launch template that sets PATH cannot break the wrapper
        Path setsidPath = findExecutable("setsid", System.getenv("PATH"), null);
        Path shPath = findExecutable("sh", System.getenv("PATH"), null);
        if (setsidPath == null || shPath == null) {
            throw new IllegalStateException("process provider: " + (shPath == null ? "'sh'" : "'setsid' (util-linux)")
                    + " not found on PATH; it is needed to run each instance in its own process group");
        }
        this.setsid = setsidPath.toAbsolutePath().toString();
        this.sh = shPath.toAbsolutePath().toString();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            // Not fatal: the load balancer must serve without a usable stateDir; each launch then fails
            // with "cannot open log file", an activity the user sees.
            log.error("stateDir: cannot create {} ({}); instances cannot be launched until it can be", logDir,
                    e.getMessage());
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "headroom-process-provider");
            t.setDaemon(true);
            return t;
        });
        if (options.shutdownHook()) {
            hook = new Thread(this::close, "headroom-process-provider-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            hook = null;
        }
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public ProviderInstance launch(LaunchSpec spec) throws LaunchException {
        Objects.requireNonNull(spec, "spec");
        String id = spec.instanceId();
        if (closed.get()) {
            throw new LaunchException("instance " + id + ": provider is closed");
        }
        prune();
        if (!reservedIds.add(id)) {
            throw new LaunchException("instance " + id + ": an instance with this id already exists");
        }
        int port = -1;
        Process wrapper = null;
        try {
            Path dir = spec.workingDirectory();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new LaunchException("instance " + id + ": workingDirectory " + dir + " is not a directory");
            }
            port = pickPort(id);
            Map<String, String> vars = Map.of("${PORT}", Integer.toString(port), "${INSTANCE_ID}", id);
            List<String> command = new ArrayList<>();
            for (String arg : spec.command()) {
                command.add(substitute(arg, vars));
            }
            Map<String, String> env = new HashMap<>();
            spec.environment().forEach((k, v) -> env.put(k, substitute(v, vars)));
            env.put("PORT", Integer.toString(port));
            env.put("INSTANCE_ID", id);

            ProcessBuilder pb = new ProcessBuilder();
            pb.environment().putAll(env);
            String exe = command.get(0);
            if (findExecutable(exe, pb.environment().get("PATH"), dir) == null) {
                throw new LaunchException("instance " + id + ": command[0] '" + exe + "' is not an executable file"
                        + (exe.contains("/") ? "" : " on PATH"));
            }
            List<String> argv = new ArrayList<>(List.of(setsid, sh, "-c", WRAPPER, "headroom-watchdog", setsid,
                    Long.toString(graceTenths(spec.terminationGracePeriod()))));
            argv.addAll(command);
            pb.command(argv);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Path logFile = logDir.resolve(id + ".log");
            RotatingLog logOut;
            try {
                logOut = new RotatingLog(logFile, options.maxLogBytes());
            } catch (IOException e) {
                throw new LaunchException("instance " + id + ": cannot open log file " + logFile + ": " + e.getMessage(), e);
            }
            Process started;
            try {
                started = pb.start();
                wrapper = started;
            } catch (IOException e) {
                closeQuietly(logOut);
                throw new LaunchException("instance " + id + ": cannot start " + command + ": " + e.getMessage(), e);
            }
            CompletableFuture<Long> pidFuture = new CompletableFuture<>();
            CompletableFuture<Entry> entryFuture = new CompletableFuture<>();
            startThread("headroom-control-" + id, () -> readControl(id, started, pidFuture, entryFuture));
            startThread("headroom-log-" + id, () -> pumpLog(id, started.getInputStream(), logOut));
            long pid;
            try {
                pid = pidFuture.get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new LaunchException("instance " + id + ": the watchdog wrapper did not report a pid within "
                        + options.startTimeout() + " (see " + logFile + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException("instance " + id + ": interrupted while starting", e);
            }
            Entry entry = new Entry(spec, port, pid, clock.instant(), logFile, wrapper, nanoTicker.getAsLong());
            instances.put(id, entry);
            entryFuture.complete(entry);
            wrapper.onExit().whenComplete((p, t) -> scheduler.execute(
                    () -> awaitGone(entry, System.nanoTime() + TimeUnit.SECONDS.toNanos(2))));
            if (closed.get()) {
                // close() ran while we were starting and may not have seen this instance
                terminate(id);
                throw new LaunchException("instance " + id + ": provider closed while launching");
            }
            log.info("instance {}: launched pid {} on {}:{}: {}", id, pid, HOST, port, command);
            return entry.snapshot;
        } catch (LaunchException | RuntimeException e) {
            if (wrapper != null) {
                wrapper.destroyForcibly(); // its watcher sees EOF and kills whatever it started
            }
            if (port > 0) {
                portsInUse.remove(port);
            }
            reservedIds.remove(id);
            throw e;
        }
    }

    @Override
    public CompletableFuture<ProviderInstance> terminate(String instanceId) {
        Entry e = instances.get(instanceId);
        if (e == null) {
            return CompletableFuture.failedFuture(
                    new NoSuchElementException("instance " + instanceId + ": unknown to the process provider"));
        }
        if (!e.exited.isDone() && e.terminateRequested.compareAndSet(false, true)) {
            log.info("instance {}: terminating (SIGTERM, SIGKILL after {})", instanceId, e.spec.terminationGracePeriod());
            e.send("TERM");
            scheduler.schedule(() -> {
                if (!e.exited.isDone()) {
                    log.info("instance {}: still running after the grace period, sending SIGKILL", instanceId);
                    e.send("KILL");
                }
            }, e.spec.terminationGracePeriod().toMillis(), TimeUnit.MILLISECONDS);
        }
        return e.exited.copy();
    }

    /** SIGSTOP to the instance's process group (a warm pool's Stopped instance: memory kept, no CPU). */
    @Override
    public boolean stop(String instanceId) {
        return signalGroup(instanceId, "STOP");
    }

    /** SIGCONT to the instance's process group: it runs on where it was stopped. */
    @Override
    public boolean start(String instanceId) {
        return signalGroup(instanceId, "CONT");
    }

    private boolean signalGroup(String instanceId, String signal) {
        Entry e = instances.get(instanceId);
        if (e == null || e.exited.isDone() || e.terminateRequested.get()) {
            return false;
        }
        log.info("instance {}: SIG{}", instanceId, signal);
        e.send(signal);
        return true;
    }

    @Override
    public Optional<ProviderInstance> describe(String instanceId) {
        Entry e = instances.get(instanceId);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    @Override
    public List<ProviderInstance> describeAll() {
        prune();
        List<ProviderInstance> out = new ArrayList<>();
        for (Entry e : instances.values()) {
            out.add(e.snapshot);
        }
        out.sort(Comparator.comparing(ProviderInstance::launchTime).thenComparing(ProviderInstance::instanceId));
        return out;
    }

    @Override
    public Optional<InstanceStats> sample(String instanceId) {
        Entry e = instances.get(instanceId);
        if (e == null || e.exited.isDone() || !ProcFs.AVAILABLE) {
            return Optional.empty();
        }
        return sample(e, ProcFs.all());
    }

    /** Samples every running instance from one scan of {@code /proc}. */
    @Override
    public Map<String, InstanceStats> sampleAll() {
        Map<String, InstanceStats> out = new HashMap<>();
        if (!ProcFs.AVAILABLE) {
            return out;
        }
        List<ProcFs.Stat> all = ProcFs.all();
        for (Entry e : instances.values()) {
            if (!e.exited.isDone()) {
                sample(e, all).ifPresent(s -> out.put(e.spec.instanceId(), s));
            }
        }
        return out;
    }

    private Optional<InstanceStats> sample(Entry e, List<ProcFs.Stat> all) {
        List<ProcFs.Stat> tree = ProcFs.tree(all, e.pid);
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        long ticks = 0;
        long pages = 0;
        long read = -1; // -1: no member's I/O counters could be read
        long written = -1;
        for (ProcFs.Stat s : tree) {
            ticks += s.cpuTicks();
            pages += s.rssPages();
            ProcFs.Io io = ProcFs.io(s.pid()); // null for a member that exited meanwhile: left out, like its ticks
            if (io != null) {
                read = Math.max(read, 0) + io.readBytes();
                written = Math.max(written, 0) + io.writtenBytes();
            }
        }
        double percent;
        double readRate;
        double writeRate;
        synchronized (e.sampleLock) {
            long now = nanoTicker.getAsLong();
            double seconds = (now - e.prevSampleNanos) / 1e9;
            long delta = Math.max(0, ticks - e.prevSampleTicks);
            e.prevSampleNanos = now;
            e.prevSampleTicks = ticks; // also when lower: a member left, later deltas start from here
            percent = seconds <= 0 ? 0 : 100.0 * delta / ProcFs.CLOCK_TICKS_PER_SECOND / seconds / e.spec.vcpus();
            readRate = rate(read, e.prevSampleRead, seconds);
            writeRate = rate(written, e.prevSampleWritten, seconds);
            if (read >= 0) {
                e.prevSampleRead = read; // like the ticks: lower when a member left
                e.prevSampleWritten = written;
            }
        }
        return Optional.of(new InstanceStats(percent, pages * ProcFs.PAGE_SIZE, readRate, writeRate));
    }

    /** Bytes per second since the previous sample; NaN when the counter could not be read. */
    private static double rate(long bytes, long previous, double seconds) {
        return bytes < 0 ? Double.NaN : seconds <= 0 ? 0 : Math.max(0, bytes - previous) / seconds;
    }

    @Override
    public void onExit(Consumer<ProviderInstance> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Terminates every running instance and waits for them: up to the longest grace period plus 5 s, then
     * SIGKILLs what is left. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<ProviderInstance>> pending = new ArrayList<>();
        long maxGraceMs = 0;
        for (Entry e : instances.values()) {
            if (!e.exited.isDone()) {
                pending.add(terminate(e.spec.instanceId()));
                maxGraceMs = Math.max(maxGraceMs, e.spec.terminationGracePeriod().toMillis());
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        try {
            all.get(maxGraceMs + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            for (Entry entry : instances.values()) {
                if (!entry.exited.isDone()) {
                    log.warn("instance {}: still running at close, sending SIGKILL", entry.spec.instanceId());
                    entry.send("KILL");
                    entry.signalDirectly(true);
                }
            }
            try {
                all.get(3, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
                log.warn("process provider closed with instances not confirmed gone");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdown();
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting and runs the hook itself
            }
        }
    }

    // The main process exited and the wrapper sent SIGTERM to what is left of the group. Wait until nothing
    // (but zombies) is left, SIGKILL after the grace period, then let the wrapper go.
    private void onMainExit(Entry e, int code) {
        e.mainExitCode = code;
        long graceNanos = e.spec.terminationGracePeriod().toNanos();
        long start = System.nanoTime();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            long elapsed = System.nanoTime() - start;
            if (!ProcFs.AVAILABLE || ProcFs.tree(e.pid).isEmpty() || elapsed > graceNanos + TimeUnit.SECONDS.toNanos(3)) {
                e.send("DONE");
                return;
            }
            if (elapsed > graceNanos && !e.leftoversKilled) {
                e.leftoversKilled = true;
                log.info("instance {}: processes left {} after the main process exited, sending SIGKILL",
                        e.spec.instanceId(), e.spec.terminationGracePeriod());
                e.send("KILL");
            }
            scheduler.schedule(check[0], 20, TimeUnit.MILLISECONDS);
        };
        check[0].run();
    }

    // Runs on the scheduler once the wrapper has exited: wait (bounded) until no process of the group is left.
    private void awaitGone(Entry e, long deadlineNanos) {
        if (ProcFs.AVAILABLE && !ProcFs.tree(e.pid).isEmpty()) {
            if (System.nanoTime() < deadlineNanos) {
                scheduler.schedule(() -> awaitGone(e, deadlineNanos), 20, TimeUnit.MILLISECONDS);
                return;
            }
            log.warn("instance {}: processes left after the wrapper exited, sending SIGKILL to each", e.spec.instanceId());
            e.signalDirectly(true);
        }
        closeQuietly(e.wrapper.getOutputStream());
        Integer main = e.mainExitCode;
        int code = main != null ? main : e.wrapper.exitValue();
        ProviderInstance done = new ProviderInstance(e.spec.instanceId(), HOST, e.port, e.pid, e.launchTime,
                ProviderState.EXITED, OptionalInt.of(code), e.logFile);
        e.exitTime = clock.instant();
        e.snapshot = done;
        portsInUse.remove(e.port);
        log.info("instance {}: exited with code {}", e.spec.instanceId(), code);
        e.exited.complete(done);
        for (Consumer<ProviderInstance> l : listeners) {
            try {
                l.accept(done);
            } catch (RuntimeException ex) {
                log.warn("instance {}: exit listener failed", e.spec.instanceId(), ex);
            }
        }
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(options.exitedRetention());
        instances.values().removeIf(e -> {
            Instant t = e.exitTime;
            boolean old = t != null && t.isBefore(cutoff);
            if (old) {
                reservedIds.remove(e.spec.instanceId());
            }
            return old;
        });
    }

    private int pickPort(String id) throws LaunchException {
        InetAddress loopback;
        try {
            loopback = InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new LaunchException("instance " + id + ": cannot resolve " + HOST, e);
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(loopback, 0));
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new LaunchException("instance " + id + ": cannot find a free port on " + HOST + ": " + e.getMessage(), e);
            }
            if (portsInUse.add(port)) {
                return port;
            }
        }
        throw new LaunchException("instance " + id + ": no free port on " + HOST + " after 50 attempts");
    }

    // Reads the wrapper's control lines: "pid <n>" once started, "exit <code>" when the main process exited.
    private void readControl(String id, Process wrapper, CompletableFuture<Long> pid, CompletableFuture<Entry> entry) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(wrapper.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!pid.isDone() && line.startsWith("pid ")) {
                    pid.complete(Long.parseLong(line.substring(4).trim()));
                } else if (line.startsWith("exit ")) {
                    int code = Integer.parseInt(line.substring(5).trim());
                    entry.thenAccept(e -> scheduler.execute(() -> onMainExit(e, code)));
                } else {
                    log.debug("instance {}: watchdog wrapper: {}", id, line); // e.g. the shell's "Terminated"
                }
            }
        } catch (IOException | NumberFormatException e) {
            pid.completeExceptionally(e);
        }
        pid.completeExceptionally(new IOException("wrapper closed its control pipe without a pid"));
    }

    private static void pumpLog(String id, InputStream in, RotatingLog out) {
        byte[] buf = new byte[8192];
        boolean writable = true;
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (writable) {
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        // keep draining the pipe so the instance never blocks on a full pipe
                        log.warn("instance {}: cannot write its log, dropping output: {}", id, e.getMessage());
                        writable = false;
                    }
                }
            }
        } catch (IOException e) {
            // the pipe was closed: the instance is gone
        } finally {
            closeQuietly(out);
        }
    }

    private static void startThread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    static String substitute(String s, Map<String, String> vars) {
        String out = s;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        return out;
    }

    private static long graceTenths(Duration grace) {
        long ms = grace.toMillis();
        return (ms + 99) / 100;
    }

    // Where exec would find the program, or null; relative paths with a '/' resolve against the working dir.
    static Path findExecutable(String program, String pathVar, Path workingDir) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!p.isAbsolute() && workingDir != null) {
                p = workingDir.resolve(p);
            }
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        if (pathVar == null) {
            return null;
        }
        for (String dir : pathVar.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing useful to do
        }
    }

    /** One launched instance; fields shared across threads are volatile or guarded. */
    private static final class Entry {
        final LaunchSpec spec;
        final int port;
        final long pid;
        final Instant launchTime;
        final Path logFile;
        final Process wrapper;
        final CompletableFuture<ProviderInstance> exited = new CompletableFuture<>();
        final AtomicBoolean terminateRequested = new AtomicBoolean();
        final Object sampleLock = new Object();
        volatile ProviderInstance snapshot;
        volatile Instant exitTime;
        volatile Integer mainExitCode;
        volatile boolean leftoversKilled;
        long prevSampleNanos;
        long prevSampleTicks;
        long prevSampleRead;
        long prevSampleWritten;

        Entry(LaunchSpec spec, int port, long pid, Instant launchTime, Path logFile, Process wrapper, long nowNanos) {
            this.spec = spec;
            this.port = port;
            this.pid = pid;
            this.launchTime = launchTime;
            this.logFile = logFile;
            this.wrapper = wrapper;
            this.prevSampleNanos = nowNanos; // the first sample averages over the instance's life so far
            this.snapshot = new ProviderInstance(spec.instanceId(), HOST, port, pid, launchTime,
                    ProviderState.RUNNING, OptionalInt.empty(), logFile);
        }

        // Asks the watchdog wrapper to signal the whole process group; signals pid by pid if it is gone.
        synchronized void send(String signal) {
            try {
                OutputStream out = wrapper.getOutputStream();
                out.write((signal + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                if (signal.equals("TERM") || signal.equals("KILL")) {
                    signalDirectly(signal.equals("KILL"));
                }
            }
        }

        void signalDirectly(boolean kill) {
            for (ProcFs.Stat s : ProcFs.tree(pid)) {
                ProcessHandle.of(s.pid()).ifPresent(h -> {
                    if (kill) {
                        h.destroyForcibly();
                    } else {
                        h.destroy();
                    }
                });
            }
        }
    }
}
