package io.headroom.scaling;

import io.headroom.core.alarm.Alarm;
import io.headroom.core.alarm.AlarmTransition;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.AutoScalingGroupConfig.HealthCheckType;
import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import io.headroom.core.config.InstanceMaintenancePolicyConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.LifecycleHookConfig.Result;
import io.headroom.core.config.LifecycleHookConfig.Transition;
import io.headroom.core.config.WarmPoolConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.scaling.CapacityChange;
import io.headroom.core.scaling.Forecast;
import io.headroom.core.scaling.GroupState;
import io.headroom.core.scaling.PolicyCombiner;
import io.headroom.core.scaling.ScalingDecision;
import io.headroom.core.scaling.ScalingPolicies;
import io.headroom.core.scaling.ScalingPolicy;
import io.headroom.core.scaling.ScheduledAction;
import io.headroom.core.scaling.ScheduledUpdate;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.target.TargetState;
import io.headroom.scaling.provider.InstanceIds;
import io.headroom.scaling.provider.InstanceProvider;
import io.headroom.scaling.provider.InstanceStats;
import io.headroom.scaling.provider.LaunchSpec;
import io.headroom.scaling.provider.ProviderInstance;
import io.headroom.scaling.provider.ProviderState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One auto scaling group: its capacity limits, its instances and the level-based controller that keeps
 * them as the group wants. Every {@link #tick} compares what is wanted with what is there and acts.
 *
 * <h2>Instance lifecycle</h2>
 * <pre>
 *                 launch (zone with the fewest instances)
 *                    │
 *                    ▼
 *               (Pending:Wait) ── with launch lifecycle hooks: running, in no target group, until every hook's
 *                    │              action is completed or times out (ABANDON: terminated and replaced)
 *                    ▼
 *                 Pending ──── registered in the group's target groups at once; gets no traffic until healthy
 *                    │
 *                    │  ELB: its target is healthy in all target groups / EC2: its process is running
 *                    ▼
 *                 InService ◄── counted as capacity; in warmup for defaultInstanceWarmupSeconds
 *                    │
 *                    │  scale in, user request, or (Unhealthy): process exited (EC2) or target unhealthy
 *                    │  after healthCheckGracePeriodSeconds (ELB); an unhealthy InService instance waits
 *                    │  for its replacement to be InService when maxSize allows ("launch before terminating"),
 *                    │  unless the instance maintenance policy says terminate and launch (see #reconcile)
 *                    ▼
 *           Terminating:Draining ── deregistered from every target group; waits for in-flight requests
 *                    │               (or the target group's deregistration delay)
 *                    ▼
 *             (Terminating:Wait) ── with termination lifecycle hooks: still running, until every hook's action
 *                    │                is completed or times out (either result goes on to terminate it)
 *                    ▼
 *               Terminating ──── provider stops it: SIGTERM, SIGKILL after the termination grace period
 *                    │
 *                    ▼
 *               Terminated ───── listed for a minute, then forgotten
 * </pre>
 * A user can also move an InService instance to standby ({@link #enterStandby}): EnteringStandby while its target
 * groups drain it, then Standby (running, not capacity, not health checked) until {@link #exitStandby} makes it
 * Pending again (no lifecycle hooks run for standby, as on AWS). A user can detach an InService or Standby instance
 * ({@link #detachInstances}): Detaching while its target groups drain it, then Detached: it leaves the group, keeps
 * running and is handed to the controller, from where {@link AutoScalingController#attachInstances} brings it into a
 * group again as Pending (no lifecycle hooks either way, as on AWS). A user's health check ({@link #setInstanceHealth})
 * marks an instance (Unhealthy) as a failed health check does. With a warm pool ({@link #maintainWarmPool}),
 * instances are also launched ahead into Warmed:Pending → (Warmed:Pending:Wait) → Warmed:Stopped or Warmed:Running,
 * and a scale out takes them from there to Pending. Lifecycle hooks ({@link #completeLifecycleAction})
 * apply to every launch and termination but those of a group being deleted. Instance refreshes ({@link #startInstanceRefresh}) and suspended processes
 * ({@link #suspendProcesses}) are described where they are started.
 *
 * <h2>Metrics</h2>
 * Every tick records, with dimension {@code AutoScalingGroupName}: GroupMinSize, GroupMaxSize,
 * GroupDesiredCapacity, GroupInServiceInstances, GroupPendingInstances, GroupTerminatingInstances (both
 * Terminating states) and GroupTotalInstances (Pending + InService + Terminating). Per running instance, with
 * dimension {@code InstanceId}: CPUUtilization (percent of the launch template's vcpus) and MemoryUtilization
 * (resident set size in <em>bytes</em>, not a percentage: a process has no memory limit to be a share of). The
 * group's CPUUtilization and MemoryUtilization are the averages over InService instances past their
 * instance warmup (defaultInstanceWarmupSeconds after becoming InService), which AWS leaves out too.
 *
 * <h2>Threads</h2>
 * All state is guarded by one lock. {@link #tick} runs on the controller's thread (or a test's); the admin
 * methods ({@link #setDesiredCapacity}, {@link #terminateInstance}, ...) on any thread. Work that waits
 * (a launch, a drain, a process stop) runs elsewhere and reports back through a queue the next tick drains,
 * so every state change happens inside a tick or an admin call, stamped with that call's time: given the
 * same ticks and the same reports, the group does the same thing.
 */
public final class AutoScalingGroup {
    private static final Logger log = LoggerFactory.getLogger(AutoScalingGroup.class);

    static final int MAX_ACTIVITIES = 500;
    /** Terminated instances stay listed this long. */
    static final Duration TERMINATED_RETENTION = Duration.ofMinutes(1);
    /** A Pending instance not healthy after its grace period plus this is replaced. */
    static final Duration PENDING_TIMEOUT = Duration.ofMinutes(5);
    static final Duration MAX_LAUNCH_BACKOFF = Duration.ofMinutes(1);
    /** Instance refreshes listed, the newest first. */
    static final int MAX_REFRESHES = 10;
    /** AWS's default CheckpointDelay. */
    static final int DEFAULT_CHECKPOINT_DELAY = 3600;

    private static final String ELB_HEALTH_CAUSE = "an ELB system health check failure";
    private static final String EC2_HEALTH_CAUSE = "an EC2 health check indicating it has been terminated or stopped";
    private static final String USER_HEALTH_CAUSE = "a user health-check";

    private final String name;
    private final InstanceProvider provider;
    private final TargetRegistry registry;
    private final MetricStore metrics;
    private final Clock clock;
    private final Executor executor;
    private final Queue<Consumer<Instant>> reports = new ConcurrentLinkedQueue<>();
    private final ActivityLog activityLog;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, MetricKey> groupKeys = new HashMap<>();
    private final List<GroupListener> listeners = new CopyOnWriteArrayList<>();
    /** The last transition of each alarm that listeners were told of. */
    private final Map<Alarm, AlarmTransition> toldAlarms = new IdentityHashMap<>();

    // Guarded by "this".
    private AutoScalingGroupConfig config;
    private LaunchTemplateConfig launchTemplate;
    /**
     * The launch template version the group launches ("3", "$Latest", "$Default"): the config's, until an instance
     * refresh with a desired configuration succeeds (then that one, until a reload changes the config's).
     */
    private String launchTemplateVersion;
    private int minSize;
    private int maxSize;
    private int desiredCapacity;
    private List<ScalingPolicy> policies;
    private List<ScheduledAction> scheduledActions;
    private Instant lastTick;
    /** The cause of the last change of the desired capacity, to prefix the activities that carry it out. */
    private String desiredChangeCause;
    private int launchFailures;
    private Instant nextLaunchAttempt = Instant.MIN;
    private boolean deleting;
    /** Suspended processes and why (AWS's SuspensionReason), in suspension order. */
    private final Map<ScalingProcess, String> suspended = new LinkedHashMap<>();
    /** The instance refreshes, newest first; the first may be active. */
    private final Deque<RefreshRun> refreshes = new ArrayDeque<>();
    /** Set by the controller: takes each instance once it is Detached (no longer this group's; see {@link #detachInstances}). */
    Consumer<DetachedInstance> onDetached = d -> { };
    /** Set by the controller: variables for every instance's environment, before its launch template's. */
    java.util.function.Supplier<Map<String, String>> instanceEnvironment = Map::of;
    /** The capacity listeners were last told of: min, max, desired. */
    private int toldMin;
    private int toldMax;
    private int toldDesired;

    AutoScalingGroup(AutoScalingGroupConfig config, LaunchTemplateConfig launchTemplate, InstanceProvider provider,
            TargetRegistry registry, MetricStore metrics, Clock clock, Executor executor) {
        this.name = config.name();
        this.provider = provider;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
        this.activityLog = new ActivityLog(name, MAX_ACTIVITIES, this::fireActivity);
        this.config = config;
        this.launchTemplate = launchTemplate;
        this.launchTemplateVersion = config.launchTemplateVersion();
        this.minSize = config.minSize();
        this.maxSize = config.maxSize();
        this.desiredCapacity = Math.max(minSize, Math.min(maxSize, config.desiredCapacity()));
        this.toldMin = minSize;
        this.toldMax = maxSize;
        this.toldDesired = desiredCapacity;
        this.policies = createPolicies(config);
        this.scheduledActions = config.scheduledActions().stream().map(ScheduledAction::of).toList();
        Dimensions d = Dimensions.of("AutoScalingGroupName", name);
        for (String metric : List.of("GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances",
                "GroupPendingInstances", "GroupTerminatingInstances", "GroupStandbyInstances", "GroupTotalInstances",
                "CPUUtilization", "TotalCPUUtilization", "MemoryUtilization", "NetworkIn", "TotalNetworkIn", "NetworkOut",
                "TotalNetworkOut", "WarmPoolDesiredCapacity", "WarmPoolWarmedCapacity", "WarmPoolPendingCapacity",
                "WarmPoolTotalCapacity", "GroupAndWarmPoolDesiredCapacity", "GroupAndWarmPoolTotalCapacity")) {
            groupKeys.put(metric, MetricKey.of(metric, d));
        }
    }

    public String name() {
        return name;
    }

    public synchronized int minSize() {
        return minSize;
    }

    public synchronized int maxSize() {
        return maxSize;
    }

    public synchronized int desiredCapacity() {
        return desiredCapacity;
    }

    /**
     * The launch template version the group is configured to launch ("3", "$Latest", "$Default"): the config file's,
     * or the desired configuration of the last Successful instance refresh since the file last changed it. (While a
     * refresh with a desired configuration, or a rollback, is active, new instances run its version instead.)
     */
    public synchronized String launchTemplateVersion() {
        return launchTemplateVersion;
    }

    /** The group's instances in launch order, Terminated ones included for a short while. */
    public synchronized List<Instance> instances() {
        return members.values().stream().map(Member::snapshot).toList();
    }

    /** The activity history, newest first, at most the last 500. */
    public synchronized List<Activity> activities() {
        return activityLog.snapshot();
    }

    /** The forecasts of the group's predictive scaling policies (as of their last evaluation), in policy order. */
    public synchronized List<Forecast> forecasts() {
        List<Forecast> out = new ArrayList<>();
        for (ScalingPolicy p : policies) {
            p.forecast().ifPresent(out::add);
        }
        return out;
    }

    /** The alarms of the group's scaling policies, in policy order. */
    public synchronized List<PolicyAlarm> alarms() {
        List<PolicyAlarm> out = new ArrayList<>();
        for (ScalingPolicy p : policies) {
            for (Alarm a : p.alarms()) {
                out.add(new PolicyAlarm(p.name(), a.name(), a.toString(), a.state(), a.stateReason(), a.stateSince(),
                        a.history()));
            }
        }
        return List.copyOf(out);
    }

    /** Adds a listener of activities, capacity changes and alarm state changes (see {@link GroupListener}). */
    public void addListener(GroupListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Calls {@code listener} with a snapshot of every activity as it starts and at every change (see {@link GroupListener}). */
    public void onActivity(java.util.function.Consumer<Activity> listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        addListener(new GroupListener() {
            @Override
            public void activity(Activity activity) {
                listener.accept(activity);
            }
        });
    }

    /**
     * Brings back what an earlier run of Headroom left: the desired capacity ({@code desired}, clamped to the
     * current minSize..maxSize; a change is an activity of its own) and the activity history ({@code history},
     * newest first, listed after the activities of this run; ones that never ended are listed as Cancelled).
     * Meant to be called once, before the first tick.
     */
    public synchronized void restore(int desired, List<Activity> history) {
        Instant now = clock.instant();
        activityLog.restore(history, now);
        int to = Math.max(minSize, Math.min(maxSize, desired));
        if (to != desiredCapacity && !deleting) {
            changeDesired(to, "a restart of Headroom restored the desired capacity saved before it stopped,", now);
            tellCapacity();
        }
    }

    /**
     * Sets the desired capacity (AWS's SetDesiredCapacity); the next ticks launch or terminate instances to
     * match it.
     *
     * @param cause what asked for it, in AWS's words ("a user request explicitly set group desired capacity"
     *              when null); the activity's cause is "At &lt;time&gt; &lt;cause&gt; changing the desired capacity from X to Y."
     * @throws IllegalArgumentException if {@code n} is outside minSize..maxSize
     */
    public synchronized Activity setDesiredCapacity(int n, String cause) {
        if (n < minSize || n > maxSize) {
            throw new IllegalArgumentException("desiredCapacity: " + n + " is " + (n < minSize ? "below minSize " + minSize
                    : "above maxSize " + maxSize) + " of auto scaling group '" + name + "' (expected: " + minSize + ".."
                    + maxSize + ")");
        }
        if (deleting) {
            throw new IllegalStateException("auto scaling group '" + name + "' is being deleted");
        }
        String why = cause == null || cause.isBlank() ? "a user request explicitly set group desired capacity" : cause;
        Activity a = changeDesired(n, why, clock.instant()).toActivity();
        tellCapacity();
        return a;
    }

    /**
     * Starts a rolling replacement of the group's instances (AWS's StartInstanceRefresh with the Rolling strategy);
     * see {@link RefreshRun} for how it proceeds. Instances protected from scale in are left alone; with
     * {@code skipMatching} so are those already on the launch template version the group launches.
     *
     * @param instanceWarmupSeconds null for the group's defaultInstanceWarmupSeconds
     * @throws IllegalArgumentException for a percentage outside 0..100 or a warmup outside 0..3600
     * @throws IllegalStateException    if a refresh is already active (AWS's InstanceRefreshInProgress)
     */
    public synchronized InstanceRefresh startInstanceRefresh(int minHealthyPercentage, Integer instanceWarmupSeconds,
                                                             boolean skipMatching) {
        return startInstanceRefresh(minHealthyPercentage, 100, instanceWarmupSeconds, skipMatching);
    }

    /**
     * As above, with AWS's MaxHealthyPercentage: above 100, each batch's replacements are launched ahead, up to that
     * share of the desired capacity (and maxSize), and their predecessors terminated once the replacements are ready.
     *
     * @throws IllegalArgumentException also for a maximum outside 100..200 or more than 100 above the minimum
     */
    public synchronized InstanceRefresh startInstanceRefresh(int minHealthyPercentage, int maxHealthyPercentage,
                                                             Integer instanceWarmupSeconds, boolean skipMatching) {
        return startInstanceRefresh(minHealthyPercentage, maxHealthyPercentage, instanceWarmupSeconds, skipMatching,
                List.of(), null);
    }

    /**
     * As above, with AWS's CheckpointPercentages and CheckpointDelay: the refresh waits {@code checkpointDelaySeconds}
     * each time another of those shares of the instances to replace has been replaced (see {@link RefreshRun}).
     *
     * @param checkpointDelaySeconds null for AWS's default, 3600 s
     * @throws IllegalArgumentException also for checkpoints not ascending within 1..100, or a delay outside 0..172800
     */
    public synchronized InstanceRefresh startInstanceRefresh(int minHealthyPercentage, int maxHealthyPercentage,
                                                             Integer instanceWarmupSeconds, boolean skipMatching,
                                                             List<Integer> checkpointPercentages,
                                                             Integer checkpointDelaySeconds) {
        return startInstanceRefresh(null, new RefreshPreferences(minHealthyPercentage, maxHealthyPercentage,
                instanceWarmupSeconds, skipMatching, checkpointPercentages, checkpointDelaySeconds, false, List.of(),
                null, null));
    }

    /**
     * Starts an instance refresh (AWS's StartInstanceRefresh, Rolling strategy) with every preference and, unless
     * null, a desired configuration: the launch template version ("3", "$Latest" or "$Default") that replacements and
     * every instance launched meanwhile run, that {@code skipMatching} compares with, and that the group launches from
     * once the refresh is Successful. With a desired configuration and the group on a numbered version, the refresh can
     * be rolled back ({@link #rollbackInstanceRefresh}, or {@code autoRollback} when it fails). Nothing starts when
     * anything is wrong.
     *
     * @throws IllegalArgumentException naming the preference (or {@code desiredConfiguration.launchTemplateVersion}) that
     *                                  is wrong: out of range, an unknown version or alarm, autoRollback without a
     *                                  desired configuration or with the group on $Latest / $Default
     * @throws IllegalStateException    if a refresh is already active (AWS's InstanceRefreshInProgress)
     */
    public synchronized InstanceRefresh startInstanceRefresh(String desiredLaunchTemplateVersion, RefreshPreferences p) {
        List<Integer> checkpointPercentages = p.checkpointPercentages();
        for (int i = 0; i < checkpointPercentages.size(); i++) {
            int cp = checkpointPercentages.get(i);
            if (cp < 1 || cp > 100 || (i > 0 && cp <= checkpointPercentages.get(i - 1))) {
                throw new IllegalArgumentException("checkpointPercentages: " + checkpointPercentages
                        + " (expected: ascending, each once, 1..100)");
            }
        }
        int delay = p.checkpointDelay() == null ? DEFAULT_CHECKPOINT_DELAY : p.checkpointDelay();
        if (delay < 0 || delay > 172_800) {
            throw new IllegalArgumentException("checkpointDelay: " + delay + " (expected: 0..172800 seconds)");
        }
        if (p.checkpointDelay() != null && checkpointPercentages.isEmpty()) {
            throw new IllegalArgumentException("checkpointDelay: " + delay + " (expected: only with checkpointPercentages)");
        }
        // Not given: the group's instance maintenance policy's, else AWS's 90 % and 100 %.
        InstanceMaintenancePolicyConfig policy = config.instanceMaintenancePolicy();
        int minHealthyPercentage = p.minHealthyPercentage() != null ? p.minHealthyPercentage()
                : policy != null ? policy.minHealthyPercentage() : RefreshPreferences.DEFAULT_MIN_HEALTHY_PERCENTAGE;
        int maxHealthyPercentage = p.maxHealthyPercentage() != null ? p.maxHealthyPercentage()
                : policy != null ? policy.maxHealthyPercentage() : RefreshPreferences.DEFAULT_MAX_HEALTHY_PERCENTAGE;
        if (minHealthyPercentage < 0 || minHealthyPercentage > 100) {
            throw new IllegalArgumentException("minHealthyPercentage: " + minHealthyPercentage + " (expected: 0..100)");
        }
        if (maxHealthyPercentage < 100 || maxHealthyPercentage > 200) {
            throw new IllegalArgumentException("maxHealthyPercentage: " + maxHealthyPercentage + " (expected: 100..200)");
        }
        if (maxHealthyPercentage - minHealthyPercentage > 100) {
            throw new IllegalArgumentException("maxHealthyPercentage: " + maxHealthyPercentage + " (expected: at most 100"
                    + " above minHealthyPercentage " + minHealthyPercentage + (p.minHealthyPercentage() == null
                            || p.maxHealthyPercentage() == null ? ", one of them from the group's instanceMaintenancePolicy"
                            : "") + ")");
        }
        int warmup = p.instanceWarmup() == null ? config.defaultInstanceWarmupSeconds() : p.instanceWarmup();
        if (warmup < 0 || warmup > 3600) {
            throw new IllegalArgumentException("instanceWarmup: " + warmup + " (expected: 0..3600 seconds)");
        }
        int rollOut = desiredLaunchTemplateVersion == null ? currentTemplateVersion()
                : resolveVersion(desiredLaunchTemplateVersion);
        List<String> known = alarms().stream().map(PolicyAlarm::alarmName).toList();
        for (String alarm : p.alarms()) {
            if (!known.contains(alarm)) {
                throw new IllegalArgumentException("alarmSpecification.alarms: no alarm '" + alarm + "' in auto scaling"
                        + " group '" + name + "' (its alarms: " + (known.isEmpty() ? "none" : String.join(", ", known))
                        + ")");
            }
        }
        Integer rollbackVersion = desiredLaunchTemplateVersion == null ? null : numberedVersion();
        if (p.autoRollback() && rollbackVersion == null) {
            throw new IllegalArgumentException("autoRollback: true (expected: only with a desiredConfiguration, and with"
                    + " the group on a numbered launch template version: " + irreversibleBecause(
                            desiredLaunchTemplateVersion) + ")");
        }
        RefreshRun active = activeRefresh();
        if (active != null) {
            throw new IllegalStateException("An instance refresh is already in progress for auto scaling group '" + name
                    + "' (" + active.id + "); cancel it first.");
        }
        if (deleting) {
            throw new IllegalStateException("auto scaling group '" + name + "' is being deleted");
        }
        RefreshPreferences resolved = new RefreshPreferences(minHealthyPercentage, maxHealthyPercentage, warmup,
                p.skipMatching(), checkpointPercentages, delay, p.autoRollback(), p.alarms(),
                p.scaleInProtectedInstances(), p.standbyInstances());
        RefreshRun r = new RefreshRun(members.values(), resolved, rollOut, desiredLaunchTemplateVersion, rollbackVersion,
                clock.instant());
        refreshes.addFirst(r);
        while (refreshes.size() > MAX_REFRESHES) {
            refreshes.removeLast();
        }
        log.info("auto scaling group {}: instance refresh {} started ({} instances to replace with launch template version"
                + " {}, min healthy {} %)", name, r.id, r.snapshot().instancesToUpdate(), rollOut, minHealthyPercentage);
        return r.snapshot();
    }

    /** Thrown when a refresh cannot be rolled back (AWS's IrreversibleInstanceRefresh). */
    public static final class IrreversibleInstanceRefreshException extends IllegalStateException {
        IrreversibleInstanceRefreshException(String message) {
            super(message);
        }
    }

    /**
     * Rolls the active instance refresh back (AWS's RollbackInstanceRefresh): no further instance gets the desired
     * configuration; the instances launched since the refresh started are replaced, by the same batch rules, with the
     * launch template version the group launched before it, and the group keeps launching that version. As on AWS, only
     * a refresh with a desired configuration, of a group on a numbered version (not $Latest or $Default), can be
     * rolled back.
     *
     * @throws IllegalStateException                if no refresh is active, or it is rolling back already (AWS's
     *                                              ActiveInstanceRefreshNotFound)
     * @throws IrreversibleInstanceRefreshException if it cannot be rolled back
     */
    public synchronized InstanceRefresh rollbackInstanceRefresh() {
        RefreshRun r = activeRefresh();
        if (r == null || r.rollingBack()) {
            throw new IllegalStateException(r == null
                    ? "No instance refresh is in progress for auto scaling group '" + name + "' to roll back."
                    : "The instance refresh " + r.id + " of auto scaling group '" + name + "' is rolling back already.");
        }
        if (r.rollbackVersion == null) {
            throw new IrreversibleInstanceRefreshException("The instance refresh " + r.id + " of auto scaling group '"
                    + name + "' cannot be rolled back: " + irreversibleBecause(r.desiredVersion) + ".");
        }
        Instant now = clock.instant();
        r.rollback(members.values(), "Rollback initiated by a user request.", now);
        log.info("auto scaling group {}: instance refresh {} rolling back to launch template version {}: {}", name, r.id,
                r.rollbackVersion, r.snapshot().statusReason());
        return r.snapshot();
    }

    /** Why a refresh with this desired configuration (null: none) could not be rolled back. */
    private String irreversibleBecause(String desiredVersion) {
        return desiredVersion == null ? "it has no desired configuration (a launch template version to roll out)"
                : "the group launched launch template version " + launchTemplateVersion + " before it, not a numbered"
                        + " version to go back to";
    }

    /** The group's launch template version when it is a number ("2"), else null ($Latest, $Default). */
    private Integer numberedVersion() {
        return launchTemplateVersion != null && launchTemplateVersion.matches("[1-9][0-9]*")
                ? currentOwnVersion() : null;
    }

    /**
     * {@code version} ("3", "$Latest", "$Default") resolved against the group's launch template.
     *
     * @throws IllegalArgumentException naming {@code desiredConfiguration.launchTemplateVersion} when there is no such
     *                                  version
     */
    private int resolveVersion(String version) {
        int count = launchTemplate.versions().size();
        if (!version.equals("$Latest") && !version.equals("$Default")
                && !(version.matches("[1-9][0-9]{0,8}") && Integer.parseInt(version) <= count)) {
            throw new IllegalArgumentException("desiredConfiguration.launchTemplateVersion: '" + version + "' is not a"
                    + " version of launch template " + launchTemplate.name() + " (expected: 1.." + count
                    + ", $Latest or $Default)");
        }
        return launchTemplate.resolve(version).versionNumber();
    }

    /**
     * Cancels the active instance refresh (AWS's CancelInstanceRefresh): no further batch starts; replacements
     * already launched go on, and the group launches its own launch template version again.
     *
     * @throws IllegalStateException if no refresh is active (AWS's ActiveInstanceRefreshNotFound), or it is rolling back
     */
    public synchronized InstanceRefresh cancelInstanceRefresh() {
        RefreshRun r = activeRefresh();
        if (r == null) {
            throw new IllegalStateException("No instance refresh is in progress for auto scaling group '" + name + "'.");
        }
        if (r.rollingBack()) {
            throw new IllegalStateException("The instance refresh " + r.id + " of auto scaling group '" + name
                    + "' is rolling back: a rollback cannot be cancelled.");
        }
        r.cancel(clock.instant());
        log.info("auto scaling group {}: instance refresh {} cancelled", name, r.id);
        return r.snapshot();
    }

    /** The instance refresh in progress, or null. */
    private RefreshRun activeRefresh() {
        RefreshRun r = refreshes.peekFirst();
        return r != null && r.isActive() ? r : null;
    }

    /** The group's instance refreshes, newest first (the last {@value #MAX_REFRESHES}). */
    public synchronized List<InstanceRefresh> instanceRefreshes() {
        return refreshes.stream().map(RefreshRun::snapshot).toList();
    }

    /**
     * Suspends processes of the group (AWS's SuspendProcesses); none given means all. Suspending one already
     * suspended keeps its reason. See {@link ScalingProcess} for what each stops.
     */
    public synchronized void suspendProcesses(Collection<ScalingProcess> processes) {
        String reason = "User suspended at " + at(clock.instant());
        boolean changed = false;
        for (ScalingProcess p : processes.isEmpty() ? EnumSet.allOf(ScalingProcess.class) : processes) {
            if (suspended.putIfAbsent(p, reason) == null) {
                log.info("auto scaling group {}: {} suspended", name, p);
                changed = true;
            }
        }
        if (changed) {
            tellProcesses();
        }
    }

    /** Resumes suspended processes (AWS's ResumeProcesses); none given means all. */
    public synchronized void resumeProcesses(Collection<ScalingProcess> processes) {
        boolean changed = false;
        for (ScalingProcess p : processes.isEmpty() ? EnumSet.allOf(ScalingProcess.class) : processes) {
            if (suspended.remove(p) != null) {
                log.info("auto scaling group {}: {} resumed", name, p);
                changed = true;
            }
        }
        if (changed) {
            tellProcesses();
        }
    }

    /** Suspensions saved by an earlier run, with their reasons (at startup, before the first tick). */
    public synchronized void restoreSuspendedProcesses(Map<ScalingProcess, String> saved) {
        suspended.clear();
        suspended.putAll(saved);
        if (!saved.isEmpty()) {
            log.info("auto scaling group {}: processes still suspended from before the restart: {}", name, saved.keySet());
        }
    }

    private void tellProcesses() {
        Map<ScalingProcess, String> now = suspendedProcesses();
        for (GroupListener l : listeners) {
            try {
                l.processesChanged(name, now);
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: a listener failed on a process change", name, e);
            }
        }
    }

    /** The suspended processes with their reasons, in the order they were suspended. */
    public synchronized Map<ScalingProcess, String> suspendedProcesses() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(suspended));
    }

    private boolean isSuspended(ScalingProcess p) {
        return suspended.containsKey(p);
    }

    /**
     * Moves an InService instance to standby (AWS's EnterStandby): it is deregistered from its target groups and
     * drained, keeps running, and is neither health checked nor counted as capacity until {@link #exitStandby}.
     * Without decrementing the desired capacity, the group launches a replacement.
     *
     * @throws IllegalStateException    if the instance is not InService
     * @throws IllegalArgumentException if it is not in this group, or decrementing would go below minSize
     */
    public synchronized Activity enterStandby(String instanceId, boolean decrementDesiredCapacity) {
        Member m = member(instanceId);
        if (m.state != LifecycleState.InService) {
            throw new IllegalStateException("instance " + instanceId + " of auto scaling group '" + name + "' is "
                    + m.state + " (expected: InService)");
        }
        if (decrementDesiredCapacity && desiredCapacity - 1 < minSize) {
            throw belowMinSize("Moving instance " + instanceId + " to standby");
        }
        Instant now = clock.instant();
        String cause = "At " + at(now) + " instance " + instanceId + " was moved to standby in response to a user request";
        if (decrementDesiredCapacity) {
            cause += ", shrinking the capacity from " + desiredCapacity + " to " + (desiredCapacity - 1);
            desiredCapacity--;
        }
        m.state = LifecycleState.EnteringStandby;
        m.retiring = false; // not retired while out of service; back in service it may be, if still past the limit
        m.rebalancing = false;
        m.standbyActivity = activityLog.start("Moving EC2 instance to Standby: " + instanceId, cause + ".", now);
        log.info("auto scaling group {}: {} entering standby", name, instanceId);
        deregisterAll(m, now, t -> standbyReached(m, t));
        tellCapacity();
        return m.standbyActivity.toActivity();
    }

    /**
     * Returns a Standby instance to service (AWS's ExitStandby): it is Pending again, registered in the group's
     * target groups, and InService once it passes their health checks; the desired capacity grows by one.
     *
     * @throws IllegalStateException    if the instance is not in Standby
     * @throws IllegalArgumentException if it is not in this group, or the desired capacity would exceed maxSize
     */
    public synchronized Activity exitStandby(String instanceId) {
        Member m = member(instanceId);
        if (m.state != LifecycleState.Standby) {
            throw new IllegalStateException("instance " + instanceId + " of auto scaling group '" + name + "' is "
                    + m.state + " (expected: Standby)");
        }
        if (desiredCapacity + 1 > maxSize) {
            throw new IllegalArgumentException("Moving instance " + instanceId + " out of standby would raise the desired"
                    + " capacity of auto scaling group '" + name + "' to " + (desiredCapacity + 1) + ", above its maxSize "
                    + maxSize + ".");
        }
        Instant now = clock.instant();
        String cause = "At " + at(now) + " instance " + instanceId + " was moved out of standby in response to a user"
                + " request, increasing the capacity from " + desiredCapacity + " to " + (desiredCapacity + 1) + ".";
        desiredCapacity++;
        m.state = LifecycleState.Pending;
        m.health = HealthStatus.Healthy;
        m.inServiceTime = null;
        m.pendingSince = now;
        m.launchActivity = null;
        register(m);
        log.info("auto scaling group {}: {} left standby", name, instanceId);
        ActivityLog.Entry a = activityLog.done("Moving EC2 instance out of Standby: " + instanceId, cause, now,
                Activity.SUCCESSFUL, null);
        tellCapacity();
        return a.toActivity();
    }

    /** AWS's refusal when an action without replacement would take the desired capacity below minSize. */
    private IllegalArgumentException belowMinSize(String action) {
        return new IllegalArgumentException("Currently, desiredCapacity equals minSize (" + minSize + ") of auto scaling"
                + " group '" + name + "'. " + action + " without replacement would violate the group's min size constraint.");
    }

    private void standbyReached(Member m, Instant now) {
        if (m.state != LifecycleState.EnteringStandby) {
            return; // terminated meanwhile
        }
        m.state = LifecycleState.Standby;
        m.standbyActivity.end(now, Activity.SUCCESSFUL, null);
        log.info("auto scaling group {}: {} is in Standby", name, m.id);
    }

    /** The group's lifecycle hooks, in config order (AWS's DescribeLifecycleHooks). */
    public synchronized List<LifecycleHookConfig> lifecycleHooks() {
        return config.lifecycleHooks();
    }

    /** The lifecycle actions waiting to be completed, in launch order of their instances. */
    public synchronized List<LifecycleAction> lifecycleActions() {
        List<LifecycleAction> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (!m.state.isWait()) {
                continue; // still launching
            }
            for (LifecycleWait w : m.waits) {
                if (w.waiting()) {
                    out.add(w.snapshot(name, m));
                }
            }
        }
        return out;
    }

    /**
     * Completes a lifecycle action (AWS's CompleteLifecycleAction). Once every hook of the instance's transition is
     * complete, or one is ABANDONed, the instance goes on at once: a launching one into its target groups
     * (CONTINUE) or to termination (ABANDON); a terminating one is stopped either way.
     *
     * @param hookName   the hook; may be null when the instance waits on one hook only, or a token is given
     * @param instanceId the instance; may be null when {@code token} is given
     * @param token      the lifecycle action's token; may be null when the instance is given
     * @throws IllegalArgumentException when no such lifecycle action is waiting (AWS's ValidationError)
     */
    public synchronized LifecycleAction completeLifecycleAction(String hookName, String instanceId, String token,
                                                                Result result) {
        java.util.Objects.requireNonNull(result, "result");
        Instant now = clock.instant();
        Member m = waitingMember(instanceId, token);
        LifecycleWait w = waitOf(m, hookName, token);
        w.end(result, "completed with " + result);
        log.info("auto scaling group {}: lifecycle action {} of {} on {} completed with {}", name, w.token, w.hook.name(),
                m.id, result);
        LifecycleAction done = w.snapshot(name, m);
        finishWaits(m, now);
        return done;
    }

    /**
     * Restarts a lifecycle action's heartbeat timeout (AWS's RecordLifecycleActionHeartbeat), up to its global timeout.
     *
     * @throws IllegalArgumentException when no such lifecycle action is waiting
     */
    public synchronized LifecycleAction recordLifecycleActionHeartbeat(String hookName, String instanceId, String token) {
        Member m = waitingMember(instanceId, token);
        LifecycleWait w = waitOf(m, hookName, token);
        w.heartbeat(clock.instant());
        return w.snapshot(name, m);
    }

    /** Protects an instance from scale in, or lifts the protection (AWS's SetInstanceProtection). */
    public synchronized void setInstanceProtection(String instanceId, boolean protectedFromScaleIn) {
        member(instanceId).protectedFromScaleIn = protectedFromScaleIn;
    }

    /**
     * Terminates one instance (AWS's TerminateInstanceInAutoScalingGroup); protection from scale in does not
     * stop this. Without decrementing, the group launches a replacement.
     *
     * @throws IllegalArgumentException if the instance is not in this group, is already terminating, or
     *                                  decrementing would go below minSize
     */
    public synchronized Activity terminateInstance(String instanceId, boolean decrementDesiredCapacity) {
        Member m = member(instanceId);
        if (m.state.isStandby() || m.state.isWarm()) {
            // Not capacity: the desired capacity is not what it is counted against, so it stays as it is.
            Instant now = clock.instant();
            beginTermination(m, "At " + at(now) + " instance " + instanceId + " was taken out of service in response to a"
                    + " user request.", now);
            return m.terminateActivity.toActivity();
        }
        if (!m.state.isActive()) {
            throw new IllegalArgumentException("instance " + instanceId + " of auto scaling group '" + name + "' is already "
                    + m.state);
        }
        Instant now = clock.instant();
        String cause = "At " + at(now) + " instance " + instanceId + " was taken out of service in response to a user request";
        if (decrementDesiredCapacity) {
            if (desiredCapacity - 1 < minSize) {
                throw belowMinSize("Terminating instance " + instanceId);
            }
            cause += ", shrinking the capacity from " + desiredCapacity + " to " + (desiredCapacity - 1);
            desiredCapacity--;
        }
        beginTermination(m, cause + ".", now);
        tellCapacity();
        return m.terminateActivity.toActivity();
    }

    /** AWS's limit of instance ids in one DetachInstances or AttachInstances call. */
    static final int MAX_INSTANCE_IDS = 20;

    /**
     * Sets an instance's health status as a user's health check (AWS's SetInstanceHealth). Unhealthy: the group
     * replaces it as it replaces an instance that failed its health checks (the instance maintenance policy and the
     * suspended processes ReplaceUnhealthy, Launch and Terminate apply; HealthCheck does not, as on AWS, where custom
     * health checks keep working while it is suspended); the termination's cause is "an instance was taken out of
     * service in response to a user health-check". Healthy: an Unhealthy instance not yet being replaced is healthy
     * again. With {@code respectGracePeriod} (AWS's default), a call within the instance's health check grace period is
     * ignored, as on AWS.
     *
     * @return null when the status was set, else why the call was ignored
     * @throws IllegalArgumentException if the instance is not in this group
     * @throws IllegalStateException    if it is not Pending or InService (already being replaced, in standby, ...)
     */
    public synchronized String setInstanceHealth(String instanceId, HealthStatus status, boolean respectGracePeriod) {
        java.util.Objects.requireNonNull(status, "status");
        Member m = member(instanceId);
        if (!m.state.isActive()) {
            throw new IllegalStateException("instance " + instanceId + " of auto scaling group '" + name + "' is "
                    + m.state + " (expected: Pending or InService)");
        }
        Instant now = clock.instant();
        Instant graceEnd = m.pendingSince.plusSeconds(config.healthCheckGracePeriodSeconds());
        if (respectGracePeriod && now.isBefore(graceEnd)) {
            return "instance " + instanceId + " is within the health check grace period of auto scaling group '" + name
                    + "' (" + config.healthCheckGracePeriodSeconds() + " s, until " + at(graceEnd) + "): its health"
                    + " status stays " + m.health + " (set shouldRespectGracePeriod to false to set it anyway)";
        }
        if (status == HealthStatus.Unhealthy && m.health == HealthStatus.Healthy) {
            takeOutOfService(m, USER_HEALTH_CAUSE, now);
        } else if (status == HealthStatus.Healthy && m.health == HealthStatus.Unhealthy) {
            m.health = HealthStatus.Healthy;
            m.unhealthyCause = null;
            log.info("auto scaling group {}: {} set Healthy by a user health check", name, instanceId);
        }
        return null;
    }

    /**
     * Detaches instances from the group (AWS's DetachInstances): each goes to Detaching while its target groups drain
     * it (the deregistration delay, as for a termination), then to Detached: out of the group, still running, handed to
     * the controller (see {@link DetachedInstance}). No lifecycle hooks run: AWS has no wait state for a detach. Without
     * decrementing the desired capacity, the group launches replacements. Nothing changes when one id is wrong.
     *
     * @throws IllegalArgumentException if an id is not in this group, there are none or more than 20, or decrementing
     *                                  would go below minSize
     * @throws IllegalStateException    if an instance is not InService or Standby
     */
    public synchronized List<Activity> detachInstances(Collection<String> instanceIds, boolean decrementDesiredCapacity) {
        List<String> ids = checkInstanceIds(instanceIds);
        List<Member> detaching = new ArrayList<>();
        for (String id : ids) {
            Member m = members.get(id);
            if (m == null || m.state == LifecycleState.Terminated || m.state == LifecycleState.Detached) {
                throw new IllegalArgumentException("The instance " + id + " is not part of Auto Scaling group '" + name
                        + "'.");
            }
            if (m.state != LifecycleState.InService && m.state != LifecycleState.Standby) {
                throw new IllegalStateException("The instance " + id + " is not in InService or Standby (it is " + m.state
                        + ").");
            }
            detaching.add(m);
        }
        if (deleting) {
            throw new IllegalStateException("auto scaling group '" + name + "' is being deleted");
        }
        // Standby instances are not capacity: decrementing counts only the InService ones.
        int capacity = desiredCapacity;
        int to = capacity - (decrementDesiredCapacity ? (int) detaching.stream()
                .filter(m -> m.state == LifecycleState.InService).count() : 0);
        if (to < minSize) {
            throw new IllegalArgumentException("Detaching " + ids.size() + " instance(s) with shouldDecrementDesiredCapacity"
                    + " would lower the desired capacity of auto scaling group '" + name + "' from " + capacity + " to "
                    + to + ", below its minSize " + minSize + ". Lower the minSize first, or detach without decrementing.");
        }
        Instant now = clock.instant();
        desiredCapacity = to;
        List<Activity> out = new ArrayList<>();
        for (Member m : detaching) {
            String cause = "At " + at(now) + " instance " + m.id + " was detached in response to a user request";
            if (decrementDesiredCapacity && m.state == LifecycleState.InService) {
                cause += ", shrinking the capacity from " + capacity + " to " + (capacity - 1);
                capacity--;
            }
            m.state = LifecycleState.Detaching;
            m.retiring = false;
            m.rebalancing = false;
            m.detachActivity = activityLog.start("Detaching EC2 instance: " + m.id, cause + ".", now);
            m.detachActivity.progress(50, m.registeredIn.isEmpty() ? Activity.IN_PROGRESS : Activity.WAITING_FOR_DRAINING);
            log.info("auto scaling group {}: detaching {}", name, m.id);
            out.add(m.detachActivity.toActivity());
            deregisterAll(m, now, t -> detached(m, t));
        }
        tellCapacity();
        return out;
    }

    private void detached(Member m, Instant now) {
        if (m.state != LifecycleState.Detaching) {
            return;
        }
        m.state = LifecycleState.Detached;
        m.terminatedTime = now;
        m.detachActivity.end(now, Activity.SUCCESSFUL, null);
        log.info("auto scaling group {}: {} is Detached (still running at {})", name, m.id, m.address);
        onDetached.accept(new DetachedInstance(m.id, m.zone, m.launchTemplateVersion, m.launchTime, m.address.host(),
                m.address.port(), name, now));
    }

    /**
     * Attaches running instances that belong to no group (AWS's AttachInstances; the controller checks that): the
     * desired capacity grows by their number, and each is Pending, registered in the group's target groups, until it
     * passes the group's health checks (no launch lifecycle hooks: it is running already).
     *
     * @throws IllegalArgumentException if the desired capacity would exceed maxSize, or an instance runs in a zone the
     *                                  group does not use
     */
    synchronized List<Activity> attachInstances(List<DetachedInstance> instances) {
        int to = desiredCapacity + instances.size();
        if (to > maxSize) {
            throw new IllegalArgumentException("Attaching " + instances.size() + " instance(s) would raise the desired"
                    + " capacity of auto scaling group '" + name + "' from " + desiredCapacity + " to " + to + ", above"
                    + " its maxSize " + maxSize + ".");
        }
        for (DetachedInstance d : instances) {
            if (!zones().contains(d.availabilityZone())) {
                throw new IllegalArgumentException("The instance " + d.instanceId() + " runs in Availability Zone "
                        + d.availabilityZone() + ", not in one of auto scaling group '" + name + "' (" + zones() + ").");
            }
        }
        if (deleting) {
            throw new IllegalStateException("auto scaling group '" + name + "' is being deleted");
        }
        Instant now = clock.instant();
        desiredCapacity = to;
        List<Activity> out = new ArrayList<>();
        for (DetachedInstance d : instances) {
            Member m = new Member(d.instanceId(), d.availabilityZone(), d.launchTemplateVersion(), d.launchTime(), false);
            m.launched = true;
            m.address = new TargetAddress(d.host(), d.port());
            m.pendingSince = now; // the health check grace period starts now that it goes into the target groups
            m.launchActivity = activityLog.start("Attaching an existing EC2 instance: " + m.id, "At " + at(now)
                    + " an instance was added in response to user request. Keeping the capacity at the new " + to + ".",
                    now);
            m.launchActivity.progress(50, Activity.IN_PROGRESS);
            members.remove(m.id); // listed as Detached from this group: the new record replaces it
            members.put(m.id, m);
            log.info("auto scaling group {}: attached {} at {}", name, m.id, m.address);
            register(m);
            out.add(m.launchActivity.toActivity());
        }
        tellCapacity();
        return out;
    }

    /** Whether {@code instanceId} is one of the group's instances now (not Terminated, not Detached). */
    synchronized Optional<LifecycleState> stateOf(String instanceId) {
        Member m = members.get(instanceId);
        return m == null || m.state == LifecycleState.Terminated || m.state == LifecycleState.Detached
                ? Optional.empty() : Optional.of(m.state);
    }

    /** AWS's InstanceIds of DetachInstances and AttachInstances: 1..20, each once. */
    static List<String> checkInstanceIds(Collection<String> instanceIds) {
        List<String> ids = instanceIds.stream().distinct().toList();
        if (ids.isEmpty() || ids.size() > MAX_INSTANCE_IDS) {
            throw new IllegalArgumentException("instanceIds: " + (ids.isEmpty() ? "empty" : ids.size() + " instances")
                    + " (expected: 1.." + MAX_INSTANCE_IDS + " instance ids)");
        }
        return ids;
    }

    /**
     * Executes a simple or step scaling policy at a user's request (AWS's ExecutePolicy): its adjustment applies to the
     * desired capacity at once, clamped to minSize..maxSize, with the activity cause "a user request executed policy
     * P". A simple policy's cooldown starts as for its alarm; with {@code honorCooldown} a simple policy in its
     * cooldown does nothing.
     *
     * @param metricValue     step policies only, required there (with {@code breachThreshold})
     * @throws IllegalArgumentException naming the field: no such policy, a target tracking or predictive one (AWS does
     *                                  not execute those), a missing or misplaced metricValue / breachThreshold
     */
    public synchronized PolicyExecution executePolicy(String policyName, boolean honorCooldown, Double metricValue,
                                                      Double breachThreshold) {
        List<io.headroom.core.config.ScalingPolicyConfig> configs = config.policies();
        int i = 0;
        while (i < configs.size() && !configs.get(i).name().equals(policyName)) {
            i++;
        }
        if (i == configs.size()) {
            throw new IllegalArgumentException("policyName: no policy '" + policyName + "' in auto scaling group '" + name
                    + "' (its policies: " + (configs.isEmpty() ? "none" : String.join(", ",
                            configs.stream().map(io.headroom.core.config.ScalingPolicyConfig::name).toList())) + ")");
        }
        io.headroom.core.config.ScalingPolicyConfig pc = configs.get(i);
        if (pc instanceof io.headroom.core.config.ScalingPolicyConfig.TargetTracking
                || pc instanceof io.headroom.core.config.ScalingPolicyConfig.Predictive) {
            throw new IllegalArgumentException("policyName: " + policyName + " is a " + (pc instanceof
                    io.headroom.core.config.ScalingPolicyConfig.TargetTracking ? "TargetTrackingScaling"
                    : "PredictiveScaling") + " policy (expected: a SimpleScaling or StepScaling policy; as on AWS, only"
                    + " those can be executed)");
        }
        if (deleting) {
            throw new IllegalStateException("auto scaling group '" + name + "' is being deleted");
        }
        ScalingPolicy p = policies.get(i);
        Instant now = clock.instant();
        int from = desiredCapacity;
        ScalingDecision d = p.execute(from, now, honorCooldown, metricValue, breachThreshold);
        if (d.wantedCapacity().isEmpty()) {
            return new PolicyExecution(policyName, from, from, null, d.cause());
        }
        int wanted = d.wantedCapacity().getAsInt();
        int to = Math.max(minSize, Math.min(maxSize, wanted));
        if (to == from) {
            return new PolicyExecution(policyName, from, from, null, d.cause() + ", but the desired capacity is already at"
                    + " " + (wanted > to ? "maxSize " + maxSize : "minSize " + minSize));
        }
        Activity a = changeDesired(to, d.cause(), now).toActivity();
        p.scaled(from, to, now);
        log.info("auto scaling group {}: policy {} executed by a user request: desired capacity {} -> {}", name,
                policyName, from, to);
        tellCapacity();
        return new PolicyExecution(policyName, from, to, a, null);
    }

    /**
     * One reconcile step at {@code now}: take in what finished since the last tick, run scheduled actions, check
     * health, sample metrics, evaluate the scaling policies, then launch or terminate instances so that the
     * healthy ones match the desired capacity. Idempotent: a second tick at the same time with nothing new
     * reported does nothing more.
     */
    public void tick(Instant now) {
        tick(now, null);
    }

    /** A tick with the provider's samples of all its instances taken once for every group; null = sample here. */
    synchronized void tick(Instant now, Map<String, InstanceStats> samples) {
        Consumer<Instant> report;
        while ((report = reports.poll()) != null) {
            report.accept(now);
        }
        if (!deleting) {
            runScheduledActions(now);
            timeOutWaits(now);
            checkHealth(now);
            sampleInstances(now, samples);
            runPolicies(now);
            stepRefresh(now);
            retireOldInstance(now);
            rebalanceZones(now);
            reconcile(now);
            maintainWarmPool(now);
            tellAlarms();
            tellCapacity();
        }
        members.values().removeIf(m -> (m.state == LifecycleState.Terminated || m.state == LifecycleState.Detached)
                && !now.isBefore(m.terminatedTime.plus(TERMINATED_RETENTION)));
        recordGroupMetrics(now);
        lastTick = now;
    }

    // ---- controller-facing (package-private) ----

    /** Called by the provider's exit listener, on a provider thread. Unknown instances are ignored. */
    void instanceExited(ProviderInstance pi) {
        reports.add(now -> {
            Member m = members.get(pi.instanceId());
            if (m != null) {
                m.exited = true;
            }
        });
    }

    /** Takes a reloaded config; sizes change only where the file changed them. */
    synchronized void reconfigure(AutoScalingGroupConfig next, LaunchTemplateConfig template) {
        AutoScalingGroupConfig prev = this.config;
        // Build what can fail first, so that a bad policy or schedule leaves the group as it was.
        List<ScalingPolicy> nextPolicies = next.policies().equals(prev.policies()) ? policies : createPolicies(next);
        List<ScheduledAction> nextSchedule = next.scheduledActions().equals(prev.scheduledActions()) ? scheduledActions
                : next.scheduledActions().stream().map(ScheduledAction::of).toList();
        this.config = next;
        this.launchTemplate = template;
        if (!java.util.Objects.equals(next.launchTemplateVersion(), prev.launchTemplateVersion())) {
            launchTemplateVersion = next.launchTemplateVersion(); // the file changed it: it wins over a refresh's
        }
        Instant now = clock.instant();
        int min = next.minSize() != prev.minSize() ? next.minSize() : minSize;
        int max = next.maxSize() != prev.maxSize() ? next.maxSize() : maxSize;
        if (min > max) {
            // The file's limits win when the kept ones would contradict them.
            min = next.minSize();
            max = next.maxSize();
        }
        int desired = next.desiredCapacity() != prev.desiredCapacity() ? next.desiredCapacity() : desiredCapacity;
        desired = Math.max(min, Math.min(max, desired));
        String update = "a user request update of AutoScalingGroup constraints to min: " + min + ", max: " + max
                + ", desired: " + desired;
        boolean limitsChanged = min != minSize || max != maxSize;
        minSize = min;
        maxSize = max;
        if (desired != desiredCapacity) {
            changeDesired(desired, update, now);
        } else if (limitsChanged) {
            activityLog.done("Updating the group constraints", "At " + at(now) + " " + update + ".", now, Activity.SUCCESSFUL,
                    null);
        }
        policies = nextPolicies;
        scheduledActions = nextSchedule;
        endRemovedHooks(now);
        tellCapacity();
        if (!next.targetGroups().equals(prev.targetGroups())) {
            for (Member m : members.values()) {
                if (m.registrable() && m.address != null) {
                    for (String tg : List.copyOf(m.registeredIn)) {
                        if (!next.targetGroups().contains(tg)) {
                            m.registeredIn.remove(tg);
                            registry.deregister(tg, m.address);
                        }
                    }
                    register(m);
                }
            }
        }
    }

    /**
     * Deletes the group: desired capacity 0, every instance (protected ones too) drained and terminated, but those a user
     * is detaching: they finish their detach and keep running.
     */
    synchronized void delete(String cause) {
        Instant now = clock.instant();
        deleting = true;
        RefreshRun r = activeRefresh();
        if (r != null) {
            r.cancel(now);
        }
        minSize = 0;
        maxSize = 0;
        desiredCapacity = 0;
        for (Member m : List.copyOf(members.values())) {
            if (m.state.isActive() || m.state.isStandby() || m.state.isWarm()) {
                beginTermination(m, "At " + at(now) + " " + cause + ".", now);
            } else if (m.state == LifecycleState.TerminatingWait) {
                m.waits.forEach(w -> w.end(Result.CONTINUE, "ended by the group's deletion"));
                finishWaits(m, now);
            }
        }
    }

    /** True when no instance is left that is not Terminated or Detached (a Detaching one finishes its detach). */
    synchronized boolean isEmpty() {
        return members.values().stream().allMatch(m -> m.state == LifecycleState.Terminated
                || m.state == LifecycleState.Detached);
    }

    // ---- the reconcile steps ----

    private void runScheduledActions(Instant now) {
        if (isSuspended(ScalingProcess.ScheduledActions)) {
            return; // those due meanwhile are skipped: the next run looks from this tick on
        }
        Instant from = lastTick != null ? lastTick : now.minusSeconds(1);
        if (!now.isAfter(from)) {
            return;
        }
        for (ScheduledAction action : scheduledActions) {
            Optional<ScheduledUpdate> due;
            try {
                due = action.due(from, now);
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: scheduled action failed", name, e);
                continue;
            }
            due.ifPresent(u -> applyScheduledUpdate(u, now));
        }
    }

    private void applyScheduledUpdate(ScheduledUpdate u, Instant now) {
        int min = u.minSize() != null ? u.minSize() : minSize;
        int max = u.maxSize() != null ? u.maxSize() : maxSize;
        String executed = "At " + at(u.scheduledTime()) + " the scheduled action " + u.actionName() + " executed.";
        if (min > max) {
            activityLog.done("Executing scheduled action " + u.actionName(), executed, now, Activity.FAILED,
                    "minSize " + min + " is above maxSize " + max);
            return;
        }
        int desired = u.desiredCapacity() != null ? u.desiredCapacity() : desiredCapacity;
        desired = Math.max(min, Math.min(max, desired));
        int from = desiredCapacity;
        minSize = min;
        maxSize = max;
        desiredCapacity = desired;
        String cause = "At " + at(u.scheduledTime()) + " a scheduled action update of AutoScalingGroup constraints to min: "
                + min + ", max: " + max + ", desired: " + desired
                + (from != desired ? " changing the desired capacity from " + from + " to " + desired + "." : ".")
                + " " + executed;
        activityLog.done("Executing scheduled action " + u.actionName(), cause, now, Activity.SUCCESSFUL, null);
        if (from != desired) {
            desiredChangeCause = cause;
        }
    }

    private void checkHealth(Instant now) {
        boolean elb = config.healthCheckType() == HealthCheckType.ELB && !config.targetGroups().isEmpty();
        for (Member m : members.values()) {
            if (!m.state.isActive() || m.health == HealthStatus.Unhealthy || !m.launched) {
                continue;
            }
            if (m.exited || provider.describe(m.id).map(pi -> pi.state() == ProviderState.EXITED).orElse(true)) {
                m.exited = true; // also when only describe saw it: the exit report may still be on its way
                markUnhealthy(m, EC2_HEALTH_CAUSE, now);
                continue;
            }
            if (m.state == LifecycleState.PendingWait) {
                continue; // not in its target groups yet; its grace period starts when its hooks are done
            }
            if (!elb) {
                if (m.state == LifecycleState.Pending) {
                    toInService(m, now);
                }
                continue;
            }
            Instant graceEnd = m.pendingSince.plusSeconds(config.healthCheckGracePeriodSeconds());
            boolean allHealthy = true;
            boolean anyUnhealthy = false;
            for (String tg : m.registeredIn) {
                TargetState s = registry.health(tg, m.address).map(TargetHealth::state).orElse(null);
                allHealthy &= s == TargetState.HEALTHY;
                anyUnhealthy |= s != null && s.unhealthy(); // unhealthy.draining too: it failed its checks
            }
            if (allHealthy && m.state == LifecycleState.Pending) {
                toInService(m, now);
            } else if (anyUnhealthy && !now.isBefore(graceEnd)) {
                markUnhealthy(m, ELB_HEALTH_CAUSE, now);
            } else if (m.state == LifecycleState.Pending && !now.isBefore(graceEnd.plus(PENDING_TIMEOUT))) {
                markUnhealthy(m, ELB_HEALTH_CAUSE, now);
            }
        }
    }

    private void toInService(Member m, Instant now) {
        m.state = LifecycleState.InService;
        m.inServiceTime = now;
        if (m.launchActivity != null) {
            m.launchActivity.end(now, Activity.SUCCESSFUL, null);
        }
        log.info("auto scaling group {}: {} is InService", name, m.id);
    }

    /**
     * maxInstanceLifetime: the oldest InService instance past it (not protected from scale in) retires, one at a time
     * and not during an instance refresh. A retiring instance no longer counts as capacity, so reconcile launches its
     * replacement and terminates it once the healthy InService instances cover the desired capacity again (launch
     * before terminating, as for an unhealthy one; terminate first when maxSize leaves no room, or when the instance
     * maintenance policy says terminate and launch).
     */
    private void retireOldInstance(Instant now) {
        int limit = config.maxInstanceLifetime();
        if (limit <= 0 || activeRefresh() != null || isSuspended(ScalingProcess.Launch)
                || isSuspended(ScalingProcess.Terminate) || isSuspended(ScalingProcess.ReplaceUnhealthy)) {
            return;
        }
        Member oldest = null;
        for (Member m : members.values()) {
            if (m.retiring && m.state.isActive() || m.state.isPending()) {
                return; // one at a time: also while the last one's replacement (or anything else) is launching
            }
            if (m.state == LifecycleState.InService && m.health == HealthStatus.Healthy && !m.protectedFromScaleIn
                    && !now.isBefore(m.launchTime.plusSeconds(limit))
                    && (oldest == null || m.launchTime.isBefore(oldest.launchTime))) {
                oldest = m;
            }
        }
        if (oldest != null) {
            oldest.retiring = true;
            oldest.unhealthyCause = "At " + at(now) + " an instance was taken out of service in response to a maximum"
                    + " instance lifetime limit. At " + at(now) + " instance " + oldest.id + " was selected for"
                    + " termination.";
            log.info("auto scaling group {}: {} reached the maximum instance lifetime ({} s); replacing it", name,
                    oldest.id, limit);
        }
    }

    /**
     * AZRebalance: when the group's InService instances are spread unevenly over its zones (two zones differ by two or
     * more), or some run in a zone a reload removed, one of them retires as an instance past its lifetime does: its
     * replacement is launched first, into the zone with the fewest instances, and it is terminated once the
     * replacement is InService. One at a time, and only while the group is settled (every instance InService and
     * healthy, as many as desired, no instance refresh), so the next step sees where the last one left the zones.
     * The launch may go up to 10 % (at least one instance) above maxSize, as on AWS. Unlike AWS, nothing is rebalanced
     * while Launch or Terminate is suspended (AWS would launch and then stay above maxSize), and instances protected
     * from scale in are left where they are.
     */
    private void rebalanceZones(Instant now) {
        if (isSuspended(ScalingProcess.AZRebalance) || isSuspended(ScalingProcess.Launch)
                || isSuspended(ScalingProcess.Terminate) || activeRefresh() != null || now.isBefore(nextLaunchAttempt)) {
            return;
        }
        List<Member> inService = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.state.isActive() && (m.state != LifecycleState.InService || m.health != HealthStatus.Healthy
                    || m.retiring)) {
                return; // not settled: something is launching, unhealthy or already being replaced
            }
            if (m.state == LifecycleState.InService) {
                inService.add(m);
            }
        }
        if (inService.size() != desiredCapacity) {
            return;
        }
        List<String> zones = zones();
        List<Member> stranded = inService.stream().filter(m -> !zones.contains(m.zone)).toList();
        Member pick;
        String cause;
        if (!stranded.isEmpty()) {
            List<Member> chosen = TerminationOrder.choose(stranded, 1, terminationPolicies(), currentTemplateVersion());
            if (chosen.isEmpty()) {
                return; // protected: left where they are
            }
            pick = chosen.get(0);
            cause = "At " + at(now) + " an instance was taken out of service in response to the removal of its"
                    + " Availability Zone " + pick.zone + " from the group.";
        } else {
            Map<String, Integer> perZone = new LinkedHashMap<>();
            zones.forEach(z -> perZone.put(z, 0));
            inService.forEach(m -> perZone.merge(m.zone, 1, Integer::sum));
            int fewest = Collections.min(perZone.values());
            List<Member> chosen = TerminationOrder.choose(inService, 1, terminationPolicies(), currentTemplateVersion());
            if (chosen.isEmpty() || perZone.get(chosen.get(0).zone) - fewest < 2) {
                return; // balanced, or only protected instances would move
            }
            pick = chosen.get(0);
            cause = "At " + at(now) + " an instance was taken out of service to aid in balancing the group's zones ("
                    + perZone.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                            .collect(java.util.stream.Collectors.joining(", ")) + ").";
        }
        pick.retiring = true;
        pick.rebalancing = true;
        pick.unhealthyCause = cause + " At " + at(now) + " instance " + pick.id + " was selected for termination.";
        log.info("auto scaling group {}: rebalancing zones: replacing {} in {}", name, pick.id, pick.zone);
    }

    /**
     * The active instance refresh's next batch: terminated without decrementing, so reconcile replaces them. Its alarms
     * are looked up by name on every step, so that a reload that rebuilt the policies is followed.
     */
    private void stepRefresh(Instant now) {
        RefreshRun r = activeRefresh();
        if (r == null || isSuspended(ScalingProcess.InstanceRefresh)
                || isSuspended(ScalingProcess.Terminate)) {
            return;
        }
        if (!r.alarms.isEmpty()) {
            List<String> inAlarm = new ArrayList<>();
            for (ScalingPolicy p : policies) {
                for (Alarm a : p.alarms()) {
                    if (r.alarms.contains(a.name()) && a.state() == io.headroom.core.alarm.AlarmState.ALARM) {
                        inAlarm.add(a.name());
                    }
                }
            }
            r.alarmsInAlarm(inAlarm, now);
        }
        boolean wasRollingBack = r.rollingBack();
        List<Member> victims = r.step(members.values(), desiredCapacity, maxSize, now);
        if (r.rollingBack() && !wasRollingBack) {
            log.warn("auto scaling group {}: instance refresh {} rolling back to launch template version {}: {}", name,
                    r.id, r.rollbackVersion, r.snapshot().rollbackDetails().rollbackReason());
        }
        String what = r.rollingBack() ? "an instance refresh rollback" : "an instance refresh";
        for (Member m : victims) {
            beginTermination(m, "At " + at(now) + " an instance was taken out of service in response to " + what
                    + ". At " + at(now) + " instance " + m.id + " was selected for termination.", now);
        }
        if (r.takeCheckpointReached()) {
            log.info("auto scaling group {}: instance refresh {}: {}", name, r.id, r.snapshot().statusReason());
        }
        if (!r.isActive()) {
            log.info("auto scaling group {}: instance refresh {} {}: {}", name, r.id, r.status(),
                    r.snapshot().statusReason());
            if (r.status() == InstanceRefresh.Status.Successful && r.desiredVersion != null) {
                // AWS: a successful refresh's desired configuration becomes the group's.
                launchTemplateVersion = r.desiredVersion;
                log.info("auto scaling group {}: launches launch template {} version {} from now on (the desired"
                        + " configuration of instance refresh {})", name, launchTemplate.name(), r.desiredVersion, r.id);
            }
        }
    }

    private void refreshFailure(Member m, String why, Instant now) {
        RefreshRun r = activeRefresh();
        if (r != null) {
            r.failed(m, why, now);
        }
    }

    private void markUnhealthy(Member m, String cause, Instant now) {
        if (isSuspended(ScalingProcess.HealthCheck)) {
            return;
        }
        takeOutOfService(m, cause, now);
    }

    /** Unhealthy, to be replaced by reconcile: a failed health check's, or a user's (whatever HealthCheck's suspension). */
    private void takeOutOfService(Member m, String cause, Instant now) {
        refreshFailure(m, m.id + " was taken out of service in response to " + cause, now);
        m.health = HealthStatus.Unhealthy;
        m.unhealthyCause = "At " + at(now) + " an instance was taken out of service in response to " + cause + ".";
        log.info("auto scaling group {}: {} is Unhealthy ({})", name, m.id, cause);
    }

    /**
     * Per-instance CPU and memory, and the group averages over InService instances past their warmup; also their
     * summed CPU ({@code TotalCPUUtilization}, the load metric of predictive scaling's ASGCPUUtilization pair).
     */
    private void sampleInstances(Instant now, Map<String, InstanceStats> samples) {
        long second = now.getEpochSecond();
        double cpuSum = 0;
        double memSum = 0;
        double inSum = 0;
        double outSum = 0;
        int n = 0;
        int inN = 0;
        int outN = 0;
        for (Member m : members.values()) {
            if (!(m.state.isActive() || m.state == LifecycleState.Standby) || !m.launched) {
                continue;
            }
            Optional<InstanceStats> stats;
            try {
                stats = samples != null ? Optional.ofNullable(samples.get(m.id)) : provider.sample(m.id);
            } catch (RuntimeException e) {
                log.debug("auto scaling group {}: sampling {} failed", name, m.id, e);
                continue;
            }
            if (stats.isEmpty() || !Double.isFinite(stats.get().cpuUtilizationPercent())) {
                continue;
            }
            InstanceStats s = stats.get();
            metrics.record(m.cpuKey, second, s.cpuUtilizationPercent());
            metrics.record(m.memoryKey, second, s.rssBytes());
            boolean in = Double.isFinite(s.networkInBytesPerSecond());
            boolean out = Double.isFinite(s.networkOutBytesPerSecond());
            if (in) {
                metrics.record(m.networkInKey, second, s.networkInBytesPerSecond());
            }
            if (out) {
                metrics.record(m.networkOutKey, second, s.networkOutBytesPerSecond());
            }
            if (m.state == LifecycleState.InService && !inWarmup(m, now)) {
                cpuSum += s.cpuUtilizationPercent();
                memSum += s.rssBytes();
                n++;
                if (in) {
                    inSum += s.networkInBytesPerSecond();
                    inN++;
                }
                if (out) {
                    outSum += s.networkOutBytesPerSecond();
                    outN++;
                }
            }
        }
        if (n > 0) {
            metrics.record(groupKeys.get("CPUUtilization"), second, cpuSum / n);
            metrics.record(groupKeys.get("TotalCPUUtilization"), second, cpuSum);
            metrics.record(groupKeys.get("MemoryUtilization"), second, memSum / n);
        }
        if (inN > 0) {
            metrics.record(groupKeys.get("NetworkIn"), second, inSum / inN);
            metrics.record(groupKeys.get("TotalNetworkIn"), second, inSum);
        }
        if (outN > 0) {
            metrics.record(groupKeys.get("NetworkOut"), second, outSum / outN);
            metrics.record(groupKeys.get("TotalNetworkOut"), second, outSum);
        }
    }

    private boolean inWarmup(Member m, Instant now) {
        return m.inServiceTime != null && now.isBefore(m.inServiceTime.plusSeconds(config.defaultInstanceWarmupSeconds()));
    }

    private void runPolicies(Instant now) {
        if (policies.isEmpty()) {
            return;
        }
        GroupState state = groupState(now);
        List<ScalingDecision> decisions = new ArrayList<>(policies.size());
        for (ScalingPolicy p : policies) {
            try {
                decisions.add(p.evaluate(metrics, state, now));
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: policy {} failed", name, p.name(), e);
            }
        }
        for (ScalingDecision d : decisions) {
            // Predictive scaling with IncreaseMaxCapacity: the forecast (plus its buffer) exceeds the maximum size.
            // As on AWS the raised maximum stays until the config changes it.
            if (d.maxSize().isPresent() && d.maxSize().getAsInt() > maxSize) {
                log.info("auto scaling group {}: policy {} raises the maximum size from {} to {} for its forecast",
                        name, d.policyName(), maxSize, d.maxSize().getAsInt());
                maxSize = d.maxSize().getAsInt();
                state = groupState(now);
            }
        }
        Optional<CapacityChange> change = PolicyCombiner.combine(decisions, state);
        if (change.isEmpty() || isSuspended(ScalingProcess.AlarmNotification)) {
            return;
        }
        int from = desiredCapacity;
        int to = Math.max(minSize, Math.min(maxSize, change.get().newDesiredCapacity()));
        if (to == from) {
            return;
        }
        ScalingDecision cause = change.get().cause();
        changeDesired(to, cause.cause(), now);
        for (ScalingPolicy p : policies) {
            if (p.name().equals(cause.policyName())) {
                p.scaled(from, to, now);
            }
        }
    }

    GroupState groupState(Instant now) {
        int inService = 0;
        int pending = 0;
        int warming = 0;
        List<Instant> since = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.state == LifecycleState.InService) {
                inService++;
                since.add(m.inServiceTime != null ? m.inServiceTime : now);
                if (inWarmup(m, now)) {
                    warming++;
                }
            } else if (m.state.isPending()) {
                pending++;
                warming++;
            }
        }
        return new GroupState(name, minSize, maxSize, desiredCapacity, inService, pending, warming, since);
    }

    /** Launches and terminates so that the healthy Pending + InService instances match the desired capacity. */
    private void reconcile(Instant now) {
        boolean terminate = !isSuspended(ScalingProcess.Terminate);
        boolean replaceUnhealthy = !isSuspended(ScalingProcess.ReplaceUnhealthy);
        if (!isSuspended(ScalingProcess.AddToLoadBalancer)) {
            for (Member m : members.values()) {
                if (m.registrable() && m.launched && m.registeredIn.size() < config.targetGroups().size()) {
                    register(m); // launched while AddToLoadBalancer was suspended (or a registration failed)
                }
            }
        }
        // Unhealthy instances that never served, or whose process is gone, have nothing to keep: terminate now. So do
        // the instances the instance maintenance policy replaces by terminating first.
        int ready = (int) members.values().stream().filter(m -> ready(m, now)).count();
        for (Member m : List.copyOf(members.values())) {
            if (!terminate || !replaceUnhealthy || !m.state.isActive()) {
                continue;
            }
            if (m.health == HealthStatus.Unhealthy && (m.state.isPending() || m.exited || terminatesFirst(m, ready))) {
                beginTermination(m, m.unhealthyCause, now);
            } else if (m.retiring && terminatesFirst(m, ready)) {
                beginTermination(m, m.unhealthyCause, now);
                ready--;
            }
        }
        List<Member> healthy = members.values().stream().filter(Member::isActiveHealthy).toList();
        int active = (int) members.values().stream().filter(m -> m.state.isActive()).count();
        // An instance refresh may want replacements launched ahead of the instances they replace (its surge).
        RefreshRun refresh = activeRefresh();
        int surge = refresh == null ? 0 : refresh.surge();
        int wanted = Math.min(maxSize, desiredCapacity + surge);
        // With ReplaceUnhealthy suspended an unhealthy instance still counts: nothing is launched in its place.
        int need = wanted - (replaceUnhealthy ? healthy.size() : active);
        long rebalancing = members.values().stream().filter(m -> m.rebalancing && m.state.isActive()).count();
        if (need > 0) {
            // A zone rebalancing launches first even at maxSize: AWS allows 10 % (at least one instance) above it.
            int room = maxSize + (rebalancing > 0 ? Math.max(1, (maxSize + 9) / 10) : 0) - active;
            if (room < need && terminate && replaceUnhealthy) {
                // maxSize leaves no room to launch before terminating: take unhealthy ones out first.
                for (Member m : List.copyOf(members.values())) {
                    if (room >= need) {
                        break;
                    }
                    if (m.state.isActive() && (m.health == HealthStatus.Unhealthy || m.retiring)) {
                        beginTermination(m, m.unhealthyCause, now);
                        room++;
                    }
                }
            }
            int count = Math.min(need, room);
            if (rebalancing >= need) {
                // Into the zone with the fewest instances: a warm pool instance may be in the wrong one.
                launch(count, healthy, now, Reason.REBALANCE);
            } else {
                int taken = takeFromWarmPool(count, healthy.size(), now);
                launch(count - taken, healthy, now,
                        surge > 0 && healthy.size() >= desiredCapacity ? Reason.REFRESH : Reason.CAPACITY);
            }
        } else if (need < 0 && terminate) {
            List<Member> victims = TerminationOrder.choose(healthy, -need, terminationPolicies(), currentTemplateVersion());
            int size = healthy.size();
            for (Member m : victims) {
                String cause = prefix() + "At " + at(now) + " an instance was taken out of service in response to a difference"
                        + " between desired and actual capacity, shrinking the capacity from " + size + " to "
                        + (healthy.size() - victims.size()) + ". At " + at(now) + " instance " + m.id
                        + " was selected for termination.";
                WarmPoolConfig pool = config.warmPool();
                if (pool != null && pool.reuseOnScaleIn() && !isSuspended(ScalingProcess.Launch)) {
                    returnToWarmPool(m, cause.replace("was selected for termination", "was selected to return to the"
                            + " warm pool"), now);
                } else {
                    beginTermination(m, cause, now);
                }
            }
            if (!victims.isEmpty()) {
                desiredChangeCause = null;
            }
        }
        // Launch before terminating: an unhealthy InService instance goes once ready ones suffice.
        long healthyInService = members.values().stream().filter(m -> ready(m, now) && !m.retiring).count();
        if (healthyInService >= desiredCapacity && terminate && replaceUnhealthy) {
            for (Member m : List.copyOf(members.values())) {
                if (m.state.isActive() && (m.health == HealthStatus.Unhealthy || m.retiring)) {
                    beginTermination(m, m.unhealthyCause, now);
                }
            }
        }
    }

    /**
     * Whether the group's instance maintenance policy has {@code m}, which is being replaced (unhealthy, past its
     * lifetime, or moved by zone rebalancing), terminated before its replacement is launched: with
     * maxHealthyPercentage 100 an unhealthy instance at once (it serves nothing: AWS replaces it whatever the minimum),
     * a healthy one while {@code ready - 1} still keeps minHealthyPercentage of the desired capacity (else it launches
     * first, as an instance refresh does). Without a policy, Headroom launches first (see docs/scaling.md).
     *
     * @param ready the instances {@link #ready} now
     */
    private boolean terminatesFirst(Member m, int ready) {
        InstanceMaintenancePolicyConfig policy = config.instanceMaintenancePolicy();
        if (policy == null || policy.launchesBeforeTerminating()) {
            return false;
        }
        if (m.health == HealthStatus.Unhealthy) {
            return true;
        }
        return !isSuspended(ScalingProcess.Launch) && ready - 1 >= policy.minHealthy(desiredCapacity);
    }

    /**
     * InService and healthy: serving. With an instance maintenance policy also past the group's instance warmup, as AWS
     * counts an instance toward the healthy percentage only once it is warmed up.
     */
    private boolean ready(Member m, Instant now) {
        return m.state == LifecycleState.InService && m.health == HealthStatus.Healthy
                && (config.instanceMaintenancePolicy() == null || !inWarmup(m, now));
    }

    /** Why instances are launched: it decides the activity's cause, and where a launch goes. */
    private enum Reason {
        /** The desired capacity wants more than there are. */
        CAPACITY,
        /** An instance refresh's replacements, ahead of the desired capacity. */
        REFRESH,
        /** A replacement that moves an instance to the zone with the fewest ({@link #rebalanceZones}). */
        REBALANCE,
        /** Into the warm pool (Warmed:Pending), not into service. */
        WARM_POOL
    }

    /** @param healthy the instances the new ones are balanced against across zones */
    private void launch(int count, List<Member> healthy, Instant now, Reason reason) {
        boolean warm = reason == Reason.WARM_POOL;
        if (count <= 0 || now.isBefore(nextLaunchAttempt) || isSuspended(ScalingProcess.Launch)) {
            return;
        }
        LaunchTemplateConfig.Version version;
        try {
            version = launchTemplate.resolve(launchVersion());
        } catch (RuntimeException e) {
            activityLog.done("Launching a new EC2 instance", "At " + at(now) + " an instance was started in response to a"
                    + " difference between desired and actual capacity.", now, Activity.FAILED, "launch template "
                    + launchTemplate.name() + " has no version " + launchVersion());
            backOff(now);
            return;
        }
        Map<String, Integer> perZone = new LinkedHashMap<>();
        for (String z : zones()) {
            perZone.put(z, 0);
        }
        for (Member m : healthy) {
            perZone.computeIfPresent(m.zone, (z, n) -> n + 1); // zones dropped by a reload get no new instances
        }
        int from = healthy.size();
        int to = from + count;
        String cause = switch (reason) {
            case WARM_POOL -> "At " + at(now) + " an instance was launched into the warm pool in response to a difference"
                    + " between its wanted and actual size, increasing it from " + from + " to " + to + ".";
            case REFRESH -> "At " + at(now) + " an instance was started in response to an instance refresh, increasing the"
                    + " capacity from " + from + " to " + to + ".";
            case REBALANCE -> "At " + at(now) + " an instance was launched to aid in balancing the group's zones.";
            case CAPACITY -> prefix() + "At " + at(now) + " an instance was started in response to a difference between"
                    + " desired and actual capacity, increasing the capacity from " + from + " to " + to + ".";
        };
        if (reason == Reason.CAPACITY) {
            desiredChangeCause = null;
        }
        for (int i = 0; i < count; i++) {
            // AWS's zone rebalancing on launch: the zone with the fewest instances, the first listed on ties.
            String zone = perZone.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            perZone.merge(zone, 1, Integer::sum);
            Member m = new Member(InstanceIds.newId(), zone, version.versionNumber(), now, false);
            if (warm) {
                m.state = LifecycleState.WarmedPending;
            }
            members.put(m.id, m);
            RefreshRun refresh = activeRefresh();
            if (refresh != null) {
                refresh.launched(m);
            }
            // Its launch hooks' actions exist from the start, so that the instance can complete them as soon as it runs.
            config.lifecycleHooks(Transition.LAUNCHING).forEach(h -> m.waits.add(new LifecycleWait(h, now)));
            m.launchActivity = activityLog.start((warm ? "Launching a new EC2 instance into warm pool: "
                    : "Launching a new EC2 instance: ") + m.id, cause, now);
            LaunchSpec spec;
            try {
                spec = launchSpec(m, version);
            } catch (RuntimeException e) {
                launchFailed(m, "launch template " + launchTemplate.name() + " version " + version.versionNumber() + ": "
                        + e.getMessage(), now);
                return;
            }
            try {
                executor.execute(() -> launchNow(m, spec));
            } catch (RejectedExecutionException e) {
                reports.add(t -> launchFailed(m, "the controller is shutting down", t));
            }
        }
    }

    private LaunchSpec launchSpec(Member m, LaunchTemplateConfig.Version v) {
        Map<String, String> env = new LinkedHashMap<>(instanceEnvironment.get());
        env.put("HEADROOM_AUTO_SCALING_GROUP_NAME", name);
        env.put("HEADROOM_AVAILABILITY_ZONE", m.zone);
        env.putAll(v.environment());
        Path dir = v.workingDirectory() == null ? null : Path.of(v.workingDirectory());
        return new LaunchSpec(m.id, v.command(), env, dir, v.vcpus(), Duration.ofSeconds(v.terminationGracePeriodSeconds()));
    }

    /** On the executor: the provider's launch blocks until the process has started. */
    private void launchNow(Member m, LaunchSpec spec) {
        try {
            ProviderInstance pi = provider.launch(spec);
            reports.add(now -> launched(m, pi, now));
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            reports.add(now -> launchFailed(m, why, now));
        }
    }

    private void launched(Member m, ProviderInstance pi, Instant now) {
        m.launched = true;
        m.address = new TargetAddress(pi.host(), pi.port());
        launchFailures = 0;
        nextLaunchAttempt = Instant.MIN;
        log.info("auto scaling group {}: launched {} in {} at {}", name, m.id, m.zone, m.address);
        if (m.state == LifecycleState.TerminatingDraining) {
            // Chosen for termination while it was starting: nothing registered, nothing to drain.
            drained(m, now);
            return;
        }
        m.launchActivity.progress(50, Activity.IN_PROGRESS);
        boolean warm = m.state == LifecycleState.WarmedPending;
        if (m.waits.isEmpty()) {
            if (warm && config.targetGroups().isEmpty()) {
                toWarmed(m, m.launchActivity, now); // nothing to listen for: stopped once started
            } else if (warm) {
                // Stopped once it listens (maintainWarmPool probes it), so that it is stopped initialized.
                m.launchActivity.progress(30, Activity.IN_PROGRESS);
            } else {
                register(m);
            }
        } else {
            enterWait(m, warm ? LifecycleState.WarmedPendingWait : LifecycleState.PendingWait, now);
            finishWaits(m, now); // its actions may have been completed already: the process can call before we get here
        }
    }

    private void launchFailed(Member m, String why, Instant now) {
        log.warn("auto scaling group {}: launching {} failed: {}", name, m.id, why);
        refreshFailure(m, "launching " + m.id + " failed: " + why, now);
        m.launchActivity.end(now, Activity.FAILED, why);
        backOff(now);
        if (m.terminateActivity != null) {
            m.terminateActivity.end(now, Activity.SUCCESSFUL, null);
        }
        members.remove(m.id);
    }

    /** After a failed launch: wait 1, 2, 4 ... 60 s before the next, so that a broken launch template does not spin. */
    private void backOff(Instant now) {
        launchFailures++;
        long seconds = Math.min(MAX_LAUNCH_BACKOFF.toSeconds(), 1L << Math.min(launchFailures - 1, 10));
        nextLaunchAttempt = now.plusSeconds(seconds);
    }

    private void register(Member m) {
        if (isSuspended(ScalingProcess.AddToLoadBalancer)) {
            return; // the reconcile after ResumeProcesses registers it
        }
        for (String tg : config.targetGroups()) {
            if (m.registeredIn.contains(tg)) {
                continue;
            }
            try {
                registry.register(tg, m.address);
                m.registeredIn.add(tg);
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: registering {} in target group {} failed: {}", name, m.id, tg, e.getMessage());
            }
        }
    }

    /** Pending/InService → Terminating:Draining: deregister everywhere, then stop once drained. */
    private void beginTermination(Member m, String cause, Instant now) {
        m.fromWarmPool = m.state.isWarm();
        m.state = LifecycleState.TerminatingDraining;
        m.terminateActivity = activityLog.start("Terminating EC2 instance: " + m.id, cause, now);
        log.info("auto scaling group {}: terminating {}: {}", name, m.id, cause);
        if (m.launchActivity != null && !m.launchActivity.isOver()) {
            m.launchActivity.end(now, Activity.CANCELLED, "the instance was terminated before it was InService");
        }
        if (m.standbyActivity != null && !m.standbyActivity.isOver()) {
            m.standbyActivity.end(now, Activity.CANCELLED, "the instance was terminated before it reached Standby");
        }
        m.waits.clear(); // launch hooks it was waiting on: nothing left to continue
        if (!m.launched) {
            return; // launched() or launchFailed() takes it from here
        }
        if (!m.registeredIn.isEmpty()) {
            m.terminateActivity.progress(0, Activity.WAITING_FOR_DRAINING);
        }
        deregisterAll(m, now, t -> drained(m, t));
    }

    /** Terminating:Draining done: Terminating:Wait while termination hooks wait (not for a group being deleted), else stop. */
    private void drained(Member m, Instant now) {
        if (m.state != LifecycleState.TerminatingDraining) {
            return;
        }
        if (deleting || m.fromWarmPool || !startTerminationWaits(m, now)) {
            stop(m);
        }
    }

    /**
     * Deregisters {@code m} from every target group it is in; {@code then} runs once all of them have drained it:
     * at once when it was in none, else in the tick after the last drain ended.
     */
    private void deregisterAll(Member m, Instant now, Consumer<Instant> then) {
        if (m.registeredIn.isEmpty()) {
            then.accept(now);
            return;
        }
        List<CompletableFuture<Void>> drains = new ArrayList<>();
        for (String tg : m.registeredIn) {
            try {
                drains.add(registry.deregister(tg, m.address));
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: deregistering {} from {} failed: {}", name, m.id, tg, e.getMessage());
            }
        }
        m.registeredIn.clear();
        CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> reports.add(then));
    }

    /** Terminating:Draining or Terminating:Wait → Terminating: the provider stops the process. */
    private void stop(Member m) {
        if (m.state != LifecycleState.TerminatingDraining && m.state != LifecycleState.TerminatingWait) {
            return;
        }
        m.state = LifecycleState.Terminating;
        m.terminateActivity.progress(50, Activity.IN_PROGRESS);
        CompletableFuture<ProviderInstance> f;
        try {
            f = provider.terminate(m.id);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((pi, e) -> reports.add(t -> terminated(m, e, t)));
    }

    private void terminated(Member m, Throwable error, Instant now) {
        if (error != null) {
            log.warn("auto scaling group {}: provider could not terminate {}: {}", name, m.id, error.toString());
        }
        m.state = LifecycleState.Terminated;
        m.terminatedTime = now;
        m.terminateActivity.end(now, Activity.SUCCESSFUL, null);
        log.info("auto scaling group {}: {} is Terminated", name, m.id);
    }

    private void recordGroupMetrics(Instant now) {
        int pending = 0;
        int inService = 0;
        int terminating = 0;
        int standby = 0;
        int warmPending = 0;
        int warmed = 0;
        for (Member m : members.values()) {
            switch (m.state) {
                case Pending, PendingWait -> pending++;
                case InService -> inService++;
                case EnteringStandby, Standby -> standby++;
                case TerminatingDraining, TerminatingWait, Terminating -> terminating++;
                case WarmedPending, WarmedPendingWait -> warmPending++;
                case WarmedStopped, WarmedRunning -> warmed++;
                default -> { }
            }
        }
        long s = now.getEpochSecond();
        metrics.record(groupKeys.get("GroupMinSize"), s, minSize);
        metrics.record(groupKeys.get("GroupMaxSize"), s, maxSize);
        metrics.record(groupKeys.get("GroupDesiredCapacity"), s, desiredCapacity);
        metrics.record(groupKeys.get("GroupInServiceInstances"), s, inService);
        metrics.record(groupKeys.get("GroupPendingInstances"), s, pending);
        metrics.record(groupKeys.get("GroupTerminatingInstances"), s, terminating);
        metrics.record(groupKeys.get("GroupStandbyInstances"), s, standby);
        metrics.record(groupKeys.get("GroupTotalInstances"), s, pending + inService + terminating);
        WarmPoolConfig pool = config.warmPool();
        if (pool != null) {
            int poolSize = pool.size(desiredCapacity, maxSize);
            metrics.record(groupKeys.get("WarmPoolDesiredCapacity"), s, poolSize);
            metrics.record(groupKeys.get("WarmPoolWarmedCapacity"), s, warmed);
            metrics.record(groupKeys.get("WarmPoolPendingCapacity"), s, warmPending);
            metrics.record(groupKeys.get("WarmPoolTotalCapacity"), s, warmed + warmPending);
            metrics.record(groupKeys.get("GroupAndWarmPoolDesiredCapacity"), s, desiredCapacity + poolSize);
            metrics.record(groupKeys.get("GroupAndWarmPoolTotalCapacity"), s, pending + inService + terminating + warmed
                    + warmPending);
        }
    }

    // ---- warm pool ----

    /**
     * Puts up to {@code count} warmed instances in service for a scale out (AWS's "from warm pool"): a stopped one is
     * started (SIGCONT), each registered in the group's target groups and Pending until healthy. Returns how many.
     */
    private int takeFromWarmPool(int count, int healthyCount, Instant now) {
        if (count <= 0 || isSuspended(ScalingProcess.Launch)) {
            return 0;
        }
        int version = currentTemplateVersion();
        int taken = 0;
        for (Member m : List.copyOf(members.values())) {
            if (taken == count) {
                break;
            }
            if (!m.state.isWarmed() || m.exited || m.launchTemplateVersion != version) {
                continue;
            }
            if (m.state == LifecycleState.WarmedStopped && !provider.start(m.id)) {
                m.exited = true; // gone meanwhile: the pool's upkeep replaces it
                continue;
            }
            taken++;
            m.state = LifecycleState.Pending;
            m.health = HealthStatus.Healthy;
            m.pendingSince = now;
            m.inServiceTime = null;
            String cause = prefix() + "At " + at(now) + " an instance was taken from the warm pool in response to a"
                    + " difference between desired and actual capacity, increasing the capacity from " + healthyCount
                    + " to " + (healthyCount + taken) + ".";
            m.launchActivity = activityLog.start("Launching a new EC2 instance from warm pool: " + m.id, cause, now);
            m.launchActivity.progress(50, Activity.IN_PROGRESS);
            log.info("auto scaling group {}: {} taken from the warm pool", name, m.id);
            register(m);
        }
        if (taken > 0) {
            desiredChangeCause = null;
        }
        return taken;
    }

    /**
     * One TCP connect to a warm pool instance launched without launch hooks, off the controller's thread: once it
     * accepts, or once the health check grace period has passed, it goes to Warmed:Stopped or Warmed:Running.
     */
    private void probeListening(Member m, Instant now) {
        m.probing = true;
        TargetAddress a = m.address;
        boolean late = !now.isBefore(m.pendingSince.plusSeconds(config.healthCheckGracePeriodSeconds()));
        try {
            executor.execute(() -> {
                boolean ok = provider.listening(m.id, a.host(), a.port());
                reports.add(t -> {
                    m.probing = false;
                    if (m.state == LifecycleState.WarmedPending && (ok || late)) {
                        if (!ok) {
                            log.warn("auto scaling group {}: {} does not listen on {} after the health check grace"
                                    + " period; moving it into the warm pool anyway", name, m.id, a);
                        }
                        toWarmed(m, m.launchActivity, t);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            m.probing = false; // shutting down
        }
    }

    /** Warmed:Pending (launched, or back from service) → Warmed:Stopped (SIGSTOP) or Warmed:Running. */
    private void toWarmed(Member m, ActivityLog.Entry activity, Instant now) {
        WarmPoolConfig pool = config.warmPool();
        boolean stop = pool == null || pool.stopped();
        if (stop && provider.stop(m.id)) {
            m.state = LifecycleState.WarmedStopped;
        } else {
            m.state = LifecycleState.WarmedRunning; // Running pool, or a provider that cannot stop it
        }
        if (activity != null && !activity.isOver()) {
            activity.end(now, Activity.SUCCESSFUL, null);
        }
        log.info("auto scaling group {}: {} is {}", name, m.id, m.state);
    }

    /** Scale in with reuseOnScaleIn: deregister and drain, then back to the pool instead of terminating. */
    private void returnToWarmPool(Member m, String cause, Instant now) {
        m.state = LifecycleState.WarmedPending;
        m.inServiceTime = null;
        ActivityLog.Entry a = activityLog.start("Moving EC2 instance to warm pool: " + m.id, cause, now);
        if (!m.registeredIn.isEmpty()) {
            a.progress(0, Activity.WAITING_FOR_DRAINING);
        }
        log.info("auto scaling group {}: {} returns to the warm pool", name, m.id);
        deregisterAll(m, now, t -> {
            if (m.state == LifecycleState.WarmedPending) {
                toWarmed(m, a, t);
            } else if (!a.isOver()) {
                a.end(t, Activity.CANCELLED, "the instance was terminated before it was back in the warm pool");
            }
        });
    }

    /**
     * Keeps the warm pool at its size, {@code max(minSize, maxGroupPreparedCapacity - desiredCapacity)}: launches into
     * it, terminates what is above it (the newest first), and replaces pool instances whose process ended or that run
     * an older launch template version than the group launches. Without a warm pool, terminates what is left of one.
     */
    private void maintainWarmPool(Instant now) {
        WarmPoolConfig pool = config.warmPool();
        boolean terminate = !isSuspended(ScalingProcess.Terminate);
        int version = currentTemplateVersion();
        List<Member> warm = new ArrayList<>();
        for (Member m : List.copyOf(members.values())) {
            if (!m.state.isWarm()) {
                continue;
            }
            if (m.launched && !m.exited && provider.describe(m.id).map(pi -> pi.state() == ProviderState.EXITED).orElse(true)) {
                m.exited = true;
            }
            String why = pool == null ? "the group's warm pool was removed"
                    : m.exited ? EC2_HEALTH_CAUSE
                    : m.state.isWarmed() && m.launchTemplateVersion != version ? "its launch template version "
                            + m.launchTemplateVersion + " differing from the group's " + version
                    : null;
            if (why != null && terminate) {
                beginTermination(m, "At " + at(now) + " an instance in the warm pool was taken out of service in response"
                        + " to " + why + ".", now);
            } else if (why == null) {
                warm.add(m);
            }
        }
        if (pool == null) {
            return;
        }
        for (Member m : warm) {
            if (m.state == LifecycleState.WarmedPending && m.launched && m.waits.isEmpty() && !m.probing
                    && m.launchActivity != null && !m.launchActivity.isOver()) {
                probeListening(m, now);
            }
        }
        int want = pool.size(desiredCapacity, maxSize);
        if (warm.size() < want) {
            launch(want - warm.size(), warm, now, Reason.WARM_POOL);
        } else if (warm.size() > want && terminate) {
            for (int i = warm.size() - 1; i >= want; i--) {
                Member m = warm.get(i);
                beginTermination(m, "At " + at(now) + " an instance in the warm pool was taken out of service in response"
                        + " to a difference between its wanted and actual size, shrinking it from " + warm.size() + " to "
                        + want + ".", now);
            }
        }
    }

    // ---- lifecycle hooks ----

    /**
     * Puts {@code m} in Terminating:Wait on the group's termination hooks and tells the listeners; false when the
     * group has none (the caller goes straight on). Launch hooks' waits are made at the launch, see {@link #launch}.
     */
    private boolean startTerminationWaits(Member m, Instant now) {
        List<LifecycleHookConfig> hooks = config.lifecycleHooks(Transition.TERMINATING);
        if (hooks.isEmpty()) {
            return false;
        }
        m.waits.clear();
        for (LifecycleHookConfig h : hooks) {
            m.waits.add(new LifecycleWait(h, now));
        }
        enterWait(m, LifecycleState.TerminatingWait, now);
        return true;
    }

    /** Pending:Wait or Terminating:Wait on the member's waits, each told to the listeners. */
    private void enterWait(Member m, LifecycleState state, Instant now) {
        boolean launching = state != LifecycleState.TerminatingWait;
        m.state = state;
        ActivityLog.Entry a = launching ? m.launchActivity : m.terminateActivity;
        if (a != null) {
            a.progress(launching ? 30 : 40, Activity.MID_LIFECYCLE_ACTION);
        }
        log.info("auto scaling group {}: {} is {} on lifecycle hook(s) {}", name, m.id, m.state,
                m.waits.stream().map(w -> w.hook.name()).toList());
        for (LifecycleWait w : m.waits) {
            // Told even when the instance completed it already (it may call as soon as it runs), as AWS notifies
            // every Pending:Wait.
            if (w.waiting()) {
                w.start(now);
            }
            LifecycleAction action = w.snapshot(name, m);
            for (GroupListener l : listeners) {
                try {
                    l.lifecycleActionStarted(action);
                } catch (RuntimeException e) {
                    log.warn("auto scaling group {}: a listener failed on a lifecycle action", name, e);
                }
            }
        }
    }

    /** Applies the default result of every wait past its timeout. */
    private void timeOutWaits(Instant now) {
        for (Member m : List.copyOf(members.values())) {
            if (!m.state.isWait()) {
                continue; // a launch's waits count from when it is running
            }
            boolean any = false;
            for (LifecycleWait w : m.waits) {
                if (w.timeOut(now)) {
                    log.info("auto scaling group {}: lifecycle action {} of {} on {} timed out: {}", name, w.token,
                            w.hook.name(), m.id, w.result);
                    any = true;
                }
            }
            if (any) {
                finishWaits(m, now);
            }
        }
    }

    /** Hooks a reload removed end as AWS's DeleteLifecycleHook ends them: ABANDON for launches, CONTINUE for terminations. */
    private void endRemovedHooks(Instant now) {
        for (Member m : List.copyOf(members.values())) {
            boolean any = false;
            for (LifecycleWait w : m.waits) {
                boolean kept = config.lifecycleHooks().stream().anyMatch(h -> h.name().equals(w.hook.name())
                        && h.lifecycleTransition() == w.hook.lifecycleTransition());
                if (w.waiting() && !kept) {
                    w.end(w.hook.lifecycleTransition() == Transition.LAUNCHING ? Result.ABANDON : Result.CONTINUE,
                            "ended by a reload that removed the hook");
                    any = true;
                }
            }
            if (any) {
                finishWaits(m, now);
            }
        }
    }

    /** Goes on with {@code m} once its waits are over: all complete, or one ABANDONed (the rest need not finish). */
    private void finishWaits(Member m, Instant now) {
        if (!m.state.isWait()) {
            return; // still launching: launched() takes its waits from here
        }
        LifecycleWait abandoned = m.waits.stream().filter(w -> w.result == Result.ABANDON).findFirst().orElse(null);
        if (abandoned == null && m.waits.stream().anyMatch(LifecycleWait::waiting)) {
            return;
        }
        m.waits.clear();
        if (m.state == LifecycleState.TerminatingWait) {
            stop(m);
        } else if (abandoned != null) { // Pending:Wait or Warmed:Pending:Wait
            String why = "Instance failed to complete user's Lifecycle Action: Lifecycle Action with token "
                    + abandoned.token + " was abandoned with Lifecycle Action Result: ABANDON (hook " + abandoned.hook.name()
                    + ", " + abandoned.how + ")";
            refreshFailure(m, "launching " + m.id + " failed: " + why, now);
            if (m.launchActivity != null) {
                m.launchActivity.end(now, Activity.CANCELLED, why);
            }
            backOff(now); // a hook that always abandons must not make the group launch in a tight loop
            beginTermination(m, "At " + at(now) + " instance " + m.id + " was taken out of service in response to its"
                    + " launch lifecycle action being abandoned.", now);
        } else if (m.state == LifecycleState.WarmedPendingWait) {
            toWarmed(m, m.launchActivity, now);
        } else if (m.state == LifecycleState.PendingWait) {
            m.state = LifecycleState.Pending;
            m.pendingSince = now; // the health check grace period starts now that it goes into its target groups
            if (m.launchActivity != null) {
                m.launchActivity.progress(50, Activity.IN_PROGRESS);
            }
            log.info("auto scaling group {}: {} passed its launch lifecycle hooks", name, m.id);
            register(m);
        }
    }

    private Member waitingMember(String instanceId, String token) {
        if (token != null && !token.isBlank()) {
            for (Member m : members.values()) {
                for (LifecycleWait w : m.waits) {
                    if (w.waiting() && w.token.equals(token)) {
                        if (instanceId != null && !instanceId.isBlank() && !instanceId.equals(m.id)) {
                            throw new IllegalArgumentException("lifecycle action token " + token + " is for instance "
                                    + m.id + ", not " + instanceId);
                        }
                        return m;
                    }
                }
            }
            throw new IllegalArgumentException("No active Lifecycle Action found with token " + token
                    + " in auto scaling group '" + name + "'");
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId or lifecycleActionToken is required");
        }
        Member m = members.get(instanceId);
        if (m == null || m.waits.stream().noneMatch(LifecycleWait::waiting)) {
            throw new IllegalArgumentException("No active Lifecycle Action found with instance ID " + instanceId
                    + " in auto scaling group '" + name + "'" + (m == null ? " (no such instance)" : " (it is " + m.state + ")"));
        }
        return m;
    }

    private static LifecycleWait waitOf(Member m, String hookName, String token) {
        List<LifecycleWait> open = m.waits.stream().filter(LifecycleWait::waiting).toList();
        String names = String.join(", ", open.stream().map(w -> w.hook.name()).toList());
        if (token != null && !token.isBlank()) {
            LifecycleWait w = open.stream().filter(x -> x.token.equals(token)).findFirst().orElseThrow();
            if (hookName != null && !hookName.isBlank() && !hookName.equals(w.hook.name())) {
                throw new IllegalArgumentException("lifecycle action token " + token + " is for hook " + w.hook.name()
                        + ", not " + hookName);
            }
            return w;
        }
        if (hookName == null || hookName.isBlank()) {
            if (open.size() == 1) {
                return open.get(0);
            }
            throw new IllegalArgumentException("instance " + m.id + " waits on " + open.size() + " lifecycle hooks ("
                    + names + "): name one");
        }
        return open.stream().filter(w -> w.hook.name().equals(hookName)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("No active Lifecycle Action found with instance ID " + m.id + " and hook "
                        + hookName + " (it waits on " + names + ")"));
    }

    // ---- listeners ----

    private void fireActivity(Activity a) {
        for (GroupListener l : listeners) {
            try {
                l.activity(a);
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: activity listener failed", name, e);
            }
        }
    }

    /** Tells listeners of a capacity change since they were last told; nothing while the group is deleted. */
    private void tellCapacity() {
        if (deleting || (toldMin == minSize && toldMax == maxSize && toldDesired == desiredCapacity)) {
            return;
        }
        GroupCapacity c = new GroupCapacity(name, minSize, maxSize, desiredCapacity, toldDesired, config.desiredCapacity());
        toldMin = minSize;
        toldMax = maxSize;
        toldDesired = desiredCapacity;
        for (GroupListener l : listeners) {
            try {
                l.capacityChanged(c);
            } catch (RuntimeException e) {
                log.warn("auto scaling group {}: capacity listener failed", name, e);
            }
        }
    }

    /** Tells listeners of every alarm whose newest transition they have not seen. */
    private void tellAlarms() {
        if (listeners.isEmpty()) {
            return;
        }
        for (ScalingPolicy p : policies) {
            for (Alarm a : p.alarms()) {
                List<AlarmTransition> h = a.history();
                AlarmTransition last = h.isEmpty() ? null : h.get(h.size() - 1);
                if (last == null || last.equals(toldAlarms.get(a))) {
                    continue;
                }
                toldAlarms.put(a, last);
                PolicyAlarm snapshot = new PolicyAlarm(p.name(), a.name(), a.toString(), a.state(), a.stateReason(),
                        a.stateSince(), h);
                for (GroupListener l : listeners) {
                    try {
                        l.alarmChanged(name, snapshot);
                    } catch (RuntimeException e) {
                        log.warn("auto scaling group {}: alarm listener failed", name, e);
                    }
                }
            }
        }
        if (toldAlarms.size() > 64) {
            // Policies replaced by a reload leave their alarms behind: keep only the live ones.
            java.util.Set<Alarm> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            policies.forEach(p -> live.addAll(p.alarms()));
            toldAlarms.keySet().retainAll(live);
        }
    }

    // ---- helpers ----

    private ActivityLog.Entry changeDesired(int to, String cause, Instant now) {
        int from = desiredCapacity;
        desiredCapacity = to;
        String full = "At " + at(now) + " " + cause + " changing the desired capacity from " + from + " to " + to + ".";
        if (from != to) {
            desiredChangeCause = full;
        }
        log.info("auto scaling group {}: {}", name, full);
        return activityLog.done("Changing the desired capacity from " + from + " to " + to, full, now, Activity.SUCCESSFUL, null);
    }

    private String prefix() {
        return desiredChangeCause == null ? "" : desiredChangeCause + " ";
    }

    private Member member(String instanceId) {
        Member m = members.get(instanceId);
        if (m == null) {
            throw new IllegalArgumentException("instance " + instanceId + " is not in auto scaling group '" + name + "'");
        }
        return m;
    }

    private List<String> zones() {
        return config.availabilityZones().isEmpty() ? List.of("zone-a") : config.availabilityZones();
    }

    private List<TerminationPolicy> terminationPolicies() {
        return config.terminationPolicies().isEmpty() ? List.of(TerminationPolicy.DEFAULT) : config.terminationPolicies();
    }

    /** The version new instances get now: an active refresh's (its desired configuration's, or its rollback's), else the group's. */
    private String launchVersion() {
        RefreshRun r = activeRefresh();
        Integer v = r == null ? null : r.launchVersion();
        return v != null ? String.valueOf(v) : launchTemplateVersion;
    }

    /** The number of {@link #launchVersion()}. */
    private int currentTemplateVersion() {
        return versionNumber(launchVersion());
    }

    /** The number of the group's own {@link #launchTemplateVersion}, whatever a refresh launches meanwhile. */
    private int currentOwnVersion() {
        return versionNumber(launchTemplateVersion);
    }

    private int versionNumber(String version) {
        try {
            return launchTemplate.resolve(version).versionNumber();
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE; // no such version: every instance counts as on an older one
        }
    }

    private List<ScalingPolicy> createPolicies(AutoScalingGroupConfig c) {
        return c.policies().stream().map(p -> ScalingPolicies.create(p, c)).toList();
    }

    /** AWS's activity time format: ISO-8601 in UTC to the second, e.g. 2026-11-23T10:00:05Z. */
    static String at(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public String toString() {
        return "AutoScalingGroup[" + name + "]";
    }
}
