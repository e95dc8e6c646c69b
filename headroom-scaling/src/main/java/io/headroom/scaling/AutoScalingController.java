package io.headroom.scaling;

import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.scaling.ScalingPolicies;
import io.headroom.core.scaling.ScheduledAction;
import io.headroom.core.target.TargetRegistry;
import io.headroom.scaling.provider.InstanceProvider;
import io.headroom.scaling.provider.InstanceStats;
import io.headroom.scaling.provider.ProviderInstance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the auto scaling groups of a config: one scheduled thread ticks every group once a second
 * ({@link AutoScalingGroup#tick}); launches run on a small executor and report back to the next tick.
 * Removed groups (on {@link #apply reload}) are deleted: their instances drain and terminate while the
 * controller keeps ticking them out of sight.
 *
 * <p>The controller never closes the {@link InstanceProvider}, the {@link TargetRegistry} or the
 * {@link MetricStore}: whoever made them does, after {@link #close()}.
 */
public final class AutoScalingController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AutoScalingController.class);

    /** How long {@link #close()} waits for instances to drain and stop, on top of the longest grace period. */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);

    private final InstanceProvider provider;
    private final TargetRegistry registry;
    private final MetricStore metrics;
    private final Clock clock;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("headroom-asg-controller"));
    /** Runs the actions that wait (launches); the pool below unless a caller gave its own (the simulator's). */
    private final Executor actions;
    private final ExecutorService ownActions;

    // Guarded by "this". Both lists are replaced, never changed in place, so ticking reads a stable snapshot.
    private volatile Map<String, AutoScalingGroup> groups = Map.of();
    private volatile Map<String, String> instanceEnvironment = Map.of();
    private volatile List<AutoScalingGroup> groupOrder;
    private volatile List<AutoScalingGroup> deleting = List.of();
    private HeadroomConfig config;
    private final List<GroupListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Instances users detached from their groups: still running, Headroom's to stop, until attached to a group. */
    private final Map<String, DetachedInstance> detached = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean started;
    private boolean closed;

    /**
     * Creates one group per {@code config.autoScalingGroups()}; nothing runs before {@link #start()} (or a
     * {@link #tick} call).
     *
     * @throws IllegalArgumentException if a group names a launch template the config does not have
     */
    public AutoScalingController(HeadroomConfig config, InstanceProvider provider, TargetRegistry registry,
            MetricStore metrics, Clock clock) {
        this(config, provider, registry, metrics, clock, null);
    }

    /**
     * As above, with launches run on {@code actions}: the simulator passes {@code Runnable::run}, so that a launch
     * reports back by the next tick, whatever the machine's speed.
     *
     * @param actions null for the controller's own pool of 4 threads
     */
    public AutoScalingController(HeadroomConfig config, InstanceProvider provider, TargetRegistry registry,
            MetricStore metrics, Clock clock, Executor actions) {
        this.ownActions = actions == null ? Executors.newFixedThreadPool(4, daemon("headroom-asg-action")) : null;
        this.actions = actions == null ? ownActions : actions;
        this.provider = provider;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
        Map<String, AutoScalingGroup> made = new LinkedHashMap<>();
        for (AutoScalingGroupConfig c : config.autoScalingGroups()) {
            made.put(c.name(), newGroup(c, config));
        }
        this.groups = Map.copyOf(made);
        this.groupOrder = List.copyOf(made.values());
        provider.onExit(pi -> {
            for (AutoScalingGroup g : allGroups()) {
                g.instanceExited(pi);
            }
            if (detached.remove(pi.instanceId()) != null) {
                log.info("detached instance {} exited", pi.instanceId());
            }
        });
    }

    /**
     * Adds a listener to every group, and to every group a reload creates later (see {@link GroupListener}:
     * it is called under a group's lock and must only hand events on).
     */
    public synchronized void addListener(GroupListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        for (AutoScalingGroup g : allGroups()) {
            g.addListener(listener);
        }
    }

    /** Starts ticking every group once a second. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the auto scaling controller is closed");
        }
        if (started) {
            return;
        }
        started = true;
        ticker.scheduleAtFixedRate(() -> {
            try {
                tick(clock.instant());
            } catch (Throwable t) {
                log.error("auto scaling controller tick failed", t);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** One tick of every group (and of the groups being deleted) at {@code now}; the ticker calls this. */
    public void tick(Instant now) {
        Map<String, InstanceStats> samples;
        try {
            samples = provider.sampleAll(); // one /proc scan for every group's instances
        } catch (RuntimeException e) {
            log.debug("auto scaling controller: sampling instances failed", e);
            samples = Map.of();
        }
        for (AutoScalingGroup g : groupOrder) {
            try {
                g.tick(now, samples);
            } catch (RuntimeException e) {
                log.error("auto scaling group {}: tick failed", g.name(), e);
            }
        }
        List<AutoScalingGroup> gone = new ArrayList<>();
        for (AutoScalingGroup g : deleting) {
            g.tick(now, samples);
            if (g.isEmpty()) {
                gone.add(g);
            }
        }
        if (!gone.isEmpty()) {
            synchronized (this) {
                List<AutoScalingGroup> left = new ArrayList<>(deleting);
                left.removeAll(gone);
                deleting = List.copyOf(left);
            }
        }
    }

    /**
     * The group of that name.
     *
     * @throws NoSuchElementException naming the group when there is none
     */
    public AutoScalingGroup group(String name) {
        AutoScalingGroup g = groups.get(name);
        if (g == null) {
            throw new NoSuchElementException("no auto scaling group named '" + name + "' (groups: " + groups.keySet() + ")");
        }
        return g;
    }

    /** The instances users detached and did not attach again, in the order they were detached. */
    public List<DetachedInstance> detachedInstances() {
        return detached.values().stream().sorted(java.util.Comparator.comparing(DetachedInstance::detachedTime)
                .thenComparing(DetachedInstance::instanceId)).toList();
    }

    /**
     * Attaches detached instances to {@code group} (AWS's AttachInstances): see {@link AutoScalingGroup#attachInstances}.
     * Only instances Headroom runs and no group holds can be attached: the detached ones.
     *
     * @throws NoSuchElementException   naming the group when there is none
     * @throws IllegalArgumentException naming the instance: unknown to Headroom, no longer running, part of a group
     *                                  (detaching ones included), the zone; or when maxSize would be exceeded
     */
    public synchronized List<Activity> attachInstances(String group, java.util.Collection<String> instanceIds) {
        AutoScalingGroup g = group(group);
        List<DetachedInstance> found = new ArrayList<>();
        for (String id : AutoScalingGroup.checkInstanceIds(instanceIds)) {
            DetachedInstance d = detached.get(id);
            if (d == null) {
                for (AutoScalingGroup owner : allGroups()) {
                    LifecycleState state = owner.stateOf(id).orElse(null);
                    if (state != null) {
                        throw new IllegalArgumentException("The instance " + id + " is already part of AutoScalingGroup '"
                                + owner.name() + "' (it is " + state + (state == LifecycleState.Detaching
                                ? ": attach it once it is Detached" : ": detach it first") + ").");
                    }
                }
                throw new IllegalArgumentException("The instance " + id + " is not an instance Headroom can attach"
                        + " (expected: a detached instance; GET /api/v1/instances lists them).");
            }
            if (provider.describe(id).map(pi -> !pi.isRunning()).orElse(true)) {
                detached.remove(id);
                throw new IllegalArgumentException("The instance " + id + " is no longer running.");
            }
            found.add(d);
        }
        List<Activity> activities = g.attachInstances(found);
        found.forEach(d -> detached.remove(d.instanceId()));
        return activities;
    }

    /** The groups, in config order. */
    public List<AutoScalingGroup> groups() {
        return groupOrder;
    }

    /**
     * Applies a reloaded config: new groups start, removed groups are deleted (drained, terminated), and kept
     * groups take the new launch template, target groups, health checks, policies and scheduled actions.
     * Their minSize, maxSize and desiredCapacity change only where the file changed them, so a reload does
     * not undo what policies or users did since.
     *
     * @throws IllegalArgumentException if a group names a launch template the config does not have, or a
     *                                  policy or scheduled action does not build (nothing is changed then)
     */
    public synchronized void apply(HeadroomConfig next) {
        if (closed) {
            throw new IllegalStateException("the auto scaling controller is closed");
        }
        for (AutoScalingGroupConfig c : next.autoScalingGroups()) {
            // Fail before changing anything: every template, policy and schedule must build.
            template(c, next);
            c.policies().forEach(p -> ScalingPolicies.create(p, c));
            c.scheduledActions().forEach(ScheduledAction::of);
        }
        Map<String, AutoScalingGroup> made = new LinkedHashMap<>();
        List<AutoScalingGroup> removed = new ArrayList<>(groups.values());
        for (AutoScalingGroupConfig c : next.autoScalingGroups()) {
            AutoScalingGroup g = groups.get(c.name());
            if (g == null) {
                g = newGroup(c, next);
                log.info("auto scaling group {}: created", c.name());
            } else {
                g.reconfigure(c, template(c, next));
                removed.remove(g);
            }
            made.put(c.name(), g);
        }
        for (AutoScalingGroup g : removed) {
            log.info("auto scaling group {}: deleted from the config; terminating its instances", g.name());
            g.delete("a user request deleted the auto scaling group " + g.name() + ", taking the instance out of service");
        }
        List<AutoScalingGroup> nowDeleting = new ArrayList<>(deleting);
        nowDeleting.addAll(removed);
        this.deleting = List.copyOf(nowDeleting);
        this.groups = Map.copyOf(made);
        this.groupOrder = List.copyOf(made.values());
        this.config = next;
    }

    /**
     * Stops ticking, then drains and terminates every instance of every group (deregistering first), and the detached
     * instances too (after those being detached have finished), waiting at most the longest termination grace period
     * plus 30 s.
     */
    @Override
    public void close() {
        List<AutoScalingGroup> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = allGroups();
        }
        ticker.shutdown();
        try {
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            for (AutoScalingGroup g : all) {
                g.delete("Headroom shut down, taking the instance out of service");
            }
            long grace = config.launchTemplates().stream().flatMap(t -> t.versions().stream())
                    .mapToLong(LaunchTemplateConfig.Version::terminationGracePeriodSeconds).max().orElse(0);
            long deadline = System.nanoTime() + Duration.ofSeconds(grace).plus(CLOSE_MARGIN).toNanos();
            while (true) {
                boolean empty = true;
                for (AutoScalingGroup g : all) {
                    g.tick(clock.instant());
                    empty &= g.isEmpty();
                }
                if (empty) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    log.warn("auto scaling controller: instances still stopping after the close deadline; giving up on them");
                    break;
                }
                // Shutdown path only: the stops report back asynchronously, so poll them in.
                Thread.sleep(20);
            }
            terminateDetached(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownActions != null) {
                ownActions.shutdownNow();
            }
        }
    }

    /** At close: terminates every detached instance, waiting for them until {@code deadline} (System.nanoTime). */
    private void terminateDetached(long deadline) throws InterruptedException {
        List<java.util.concurrent.CompletableFuture<?>> stops = new ArrayList<>();
        for (String id : List.copyOf(detached.keySet())) {
            log.info("auto scaling controller: Headroom shut down: terminating detached instance {}", id);
            try {
                stops.add(provider.terminate(id).exceptionally(e -> null));
            } catch (RuntimeException e) {
                log.warn("auto scaling controller: terminating detached instance {} failed: {}", id, e.toString());
            }
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(stops.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("auto scaling controller: detached instances still stopping after the close deadline; giving up on them");
        }
        detached.clear();
    }

    private List<AutoScalingGroup> allGroups() {
        List<AutoScalingGroup> all = new ArrayList<>(groupOrder);
        all.addAll(deleting);
        return all;
    }

    /**
     * Variables every instance launched from now on gets in its environment, before its launch template's own (which
     * win): the program sets {@code HEADROOM_ADMIN_URL} here, so that an instance can complete its lifecycle hooks.
     */
    public void setInstanceEnvironment(Map<String, String> environment) {
        instanceEnvironment = Map.copyOf(environment);
    }

    private AutoScalingGroup newGroup(AutoScalingGroupConfig c, HeadroomConfig cfg) {
        AutoScalingGroup g = new AutoScalingGroup(c, template(c, cfg), provider, registry, metrics, clock, actions);
        g.instanceEnvironment = () -> instanceEnvironment;
        g.onDetached = d -> {
            if (provider.describe(d.instanceId()).map(ProviderInstance::isRunning).orElse(false)) {
                detached.put(d.instanceId(), d);
            } else {
                log.info("detached instance {} exited while it was detaching", d.instanceId());
            }
        };
        listeners.forEach(g::addListener); // empty while the constructor runs
        return g;
    }

    private static LaunchTemplateConfig template(AutoScalingGroupConfig c, HeadroomConfig cfg) {
        return cfg.launchTemplate(c.launchTemplateName()).orElseThrow(() -> new IllegalArgumentException(
                "autoScalingGroups[" + c.name() + "].launchTemplate.name: '" + c.launchTemplateName()
                        + "' (expected: the name of a launch template in launchTemplates)"));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
