package io.headroom.proxy.target;

import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.proxy.health.HealthChecker;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * All target groups at run time, by name: the {@link TargetRegistry} the auto scaling controller uses, and
 * where the data plane resolves a forward action's group once per routing snapshot ({@link #get}).
 *
 * <p>Static targets from the config and targets registered at run time (by the controller) live side by side.
 * {@link #apply} reconciles the config: groups are added, updated in place or closed; static targets are
 * registered or drained; runtime targets and all health state survive a reload.
 *
 * <p>Unknown group names: {@link #register} throws, {@link #deregister} completes at once (the group, and so
 * the target, is gone), {@link #describe} returns an empty list.
 */
public final class TargetGroups implements TargetRegistry {
    private final Clock clock;
    private final EventLoopGroup loops;
    private final TargetGroupListener listener;
    private final Duration second;
    private final RandomGenerator random;
    private final HealthChecker checker;
    private final Map<String, TargetGroup> groups = new ConcurrentHashMap<>();
    private final Object applyLock = new Object();

    /**
     * @param clock    time for health state decisions (when a state changed)
     * @param loops    where health checks and deregistration timers run
     * @param listener told of added and removed groups (metrics); null for none
     */
    public TargetGroups(Clock clock, EventLoopGroup loops, TargetGroupListener listener) {
        this(clock, loops, listener, Duration.ofSeconds(1), null);
    }

    /**
     * For tests: {@code second} is how long one configured second lasts for health check intervals and
     * timeouts and for deregistration delays (e.g. 20 ms makes a 5 s interval last 100 ms); {@code random}
     * (thread-safe; null for {@code ThreadLocalRandom}) drives weighted random selection.
     */
    public TargetGroups(Clock clock, EventLoopGroup loops, TargetGroupListener listener, Duration second,
                        RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.listener = listener == null ? TargetGroupListener.NONE : listener;
        this.second = Objects.requireNonNull(second, "second");
        this.random = random;
        this.checker = new HealthChecker(loops, second);
    }

    /** The group of this name, or null if the config has none. */
    public TargetGroup get(String name) {
        return groups.get(name);
    }

    /** Every group, in no particular order. */
    public List<TargetGroup> all() {
        return List.copyOf(groups.values());
    }

    /**
     * Makes the run-time groups match the config (at start and on reload). New groups are created and their
     * static targets registered; existing groups take the new settings in place (algorithm, health check,
     * delays) and keep their runtime-registered targets and every target's health; static targets no longer
     * listed are deregistered (drained); groups no longer listed are closed.
     */
    public void apply(List<TargetGroupConfig> configs) {
        synchronized (applyLock) {
            Set<String> names = new HashSet<>();
            for (TargetGroupConfig c : configs) {
                if (!names.add(c.name())) {
                    throw new IllegalArgumentException("targetGroups: duplicate name '" + c.name() + "'");
                }
            }
            List<TargetGroup> added = new ArrayList<>();
            for (TargetGroupConfig c : configs) {
                TargetGroup g = groups.get(c.name());
                if (g == null) {
                    g = new TargetGroup(c, clock, loops, checker, second, random);
                    groups.put(c.name(), g);
                    added.add(g);
                } else {
                    g.update(c);
                }
                Set<TargetAddress> wanted = new HashSet<>();
                for (TargetGroupConfig.TargetConfig t : c.targets()) {
                    TargetAddress a = new TargetAddress(t.host(), t.port());
                    wanted.add(a);
                    g.register(a, true);
                }
                for (TargetAddress a : g.staticTargets()) {
                    if (!wanted.contains(a)) {
                        g.removeStatic(a);
                    }
                }
            }
            for (TargetGroup g : List.copyOf(groups.values())) {
                if (!names.contains(g.name())) {
                    groups.remove(g.name());
                    g.close();
                    listener.groupRemoved(g);
                }
            }
            added.forEach(listener::groupAdded);
        }
    }

    @Override
    public void register(String targetGroup, TargetAddress target) {
        Objects.requireNonNull(target, "target");
        group(targetGroup).register(target, false);
    }

    @Override
    public CompletableFuture<Void> deregister(String targetGroup, TargetAddress target) {
        TargetGroup g = groups.get(targetGroup);
        return g == null ? CompletableFuture.completedFuture(null) : g.deregister(target);
    }

    @Override
    public List<TargetHealth> describe(String targetGroup) {
        TargetGroup g = groups.get(targetGroup);
        return g == null ? List.of() : g.describe();
    }

    /** Stops every health check and timer; pending deregistrations complete. Does not shut the event loops down. */
    public void close() {
        synchronized (applyLock) {
            for (TargetGroup g : List.copyOf(groups.values())) {
                groups.remove(g.name());
                g.close();
                listener.groupRemoved(g);
            }
        }
    }

    private TargetGroup group(String name) {
        TargetGroup g = groups.get(name);
        if (g == null) {
            throw new IllegalArgumentException("target group '" + name + "' does not exist (known: "
                    + groups.keySet().stream().sorted().toList() + ")");
        }
        return g;
    }
}
