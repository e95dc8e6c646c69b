package io.headroom.sim;

import io.headroom.scaling.provider.InstanceProvider;
import io.headroom.scaling.provider.InstanceStats;
import io.headroom.scaling.provider.LaunchSpec;
import io.headroom.scaling.provider.ProviderInstance;
import io.headroom.scaling.provider.ProviderState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The simulator's instances: no processes, a model. An instance is ready to serve {@code startup} after its launch
 * (its application started); stopped (warm pool) it keeps being ready and uses no CPU. Its CPU is what
 * {@link Simulation} sets each second. Single-threaded: the simulation's thread only.
 */
final class SimProvider implements InstanceProvider {
    static final String HOST = "127.0.0.1";

    private final Clock clock;
    private final Duration startup;
    private final long rssBytes;
    private final Map<String, Sim> instances = new LinkedHashMap<>();
    private int nextPort = 20000;

    static final class Sim {
        final ProviderInstance running;
        final Instant readyAt;
        boolean stopped;
        boolean exited;
        double cpu;
        Instant terminatedAt;

        Sim(ProviderInstance running, Instant readyAt) {
            this.running = running;
            this.readyAt = readyAt;
        }
    }

    SimProvider(Clock clock, Duration startup, long rssBytes) {
        this.clock = clock;
        this.startup = startup;
        this.rssBytes = rssBytes;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public ProviderInstance launch(LaunchSpec spec) {
        Instant now = clock.instant();
        int port = nextPort++;
        if (nextPort > 65000) {
            nextPort = 20000;
        }
        ProviderInstance pi = new ProviderInstance(spec.instanceId(), HOST, port, 0, now, ProviderState.RUNNING,
                OptionalInt.empty(), Path.of("/dev/null"));
        instances.put(spec.instanceId(), new Sim(pi, now.plus(startup)));
        return pi;
    }

    @Override
    public CompletableFuture<ProviderInstance> terminate(String instanceId) {
        Sim s = instances.get(instanceId);
        if (s == null) {
            return CompletableFuture.failedFuture(new java.util.NoSuchElementException("instance " + instanceId));
        }
        s.exited = true;
        s.terminatedAt = clock.instant();
        return CompletableFuture.completedFuture(snapshot(s));
    }

    @Override
    public boolean stop(String instanceId) {
        Sim s = instances.get(instanceId);
        if (s == null || s.exited) {
            return false;
        }
        s.stopped = true;
        return true;
    }

    @Override
    public boolean start(String instanceId) {
        Sim s = instances.get(instanceId);
        if (s == null || s.exited) {
            return false;
        }
        s.stopped = false;
        return true;
    }

    @Override
    public boolean listening(String instanceId, String host, int port) {
        return ready(instanceId);
    }

    /** Started, running, not stopped and past its startup time. */
    boolean ready(String instanceId) {
        Sim s = instances.get(instanceId);
        return s != null && !s.exited && !s.stopped && !clock.instant().isBefore(s.readyAt);
    }

    /** The instance listening on {@code port}, if any is running there. */
    Optional<Sim> byPort(int port) {
        return instances.values().stream().filter(s -> !s.exited && s.running.port() == port).findFirst();
    }

    Instant readyAt(String instanceId) {
        return instances.get(instanceId).readyAt;
    }

    /** Instances not terminated (stopped ones included): what the machine pays for. */
    List<Sim> live() {
        List<Sim> out = new ArrayList<>();
        for (Sim s : instances.values()) {
            if (!s.exited) {
                out.add(s);
            }
        }
        return out;
    }

    void setCpu(String instanceId, double percent) {
        instances.get(instanceId).cpu = percent;
    }

    private static ProviderInstance snapshot(Sim s) {
        ProviderInstance r = s.running;
        return s.exited ? new ProviderInstance(r.instanceId(), r.host(), r.port(), r.pid(), r.launchTime(),
                ProviderState.EXITED, OptionalInt.of(0), r.logFile()) : r;
    }

    @Override
    public Optional<ProviderInstance> describe(String instanceId) {
        Sim s = instances.get(instanceId);
        return s == null ? Optional.empty() : Optional.of(snapshot(s));
    }

    @Override
    public List<ProviderInstance> describeAll() {
        return instances.values().stream().map(SimProvider::snapshot).toList();
    }

    @Override
    public Optional<InstanceStats> sample(String instanceId) {
        Sim s = instances.get(instanceId);
        if (s == null || s.exited) {
            return Optional.empty();
        }
        return Optional.of(new InstanceStats(s.stopped ? 0 : s.cpu, rssBytes, Double.NaN, Double.NaN));
    }

    @Override
    public void onExit(Consumer<ProviderInstance> listener) {
        // Simulated instances exit only when terminated; nobody needs telling.
    }

    /** Forgets instances terminated more than a minute ago, so that a long run stays small. */
    void prune() {
        Instant cutoff = clock.instant().minusSeconds(60);
        instances.values().removeIf(s -> s.exited && s.terminatedAt.isBefore(cutoff));
    }

    @Override
    public void close() {
    }
}
