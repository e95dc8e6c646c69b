package io.headroom.proxy.target;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.config.UnhealthyStateRoutingConfig;
import io.headroom.core.target.AnomalyDetector;
import io.headroom.core.target.HealthStateMachine;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.SelectionStrategy;
import io.headroom.core.target.SlowStart;
import io.headroom.core.target.SourceIpAffinity;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.health.HealthChecker;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target group at run time: its members (registered targets), their health, and the selection of a target
 * for each new request. Three pieces kept apart:
 *
 * <pre>
 *  membership (register / deregister / drain)  ─┐
 *  health (HealthChecker → HealthStateMachine)  ─┼─► rebuild ─► volatile Selectable {candidates[], failOpen}
 *  config (algorithm → SelectionStrategy,       ─┘   candidates: the healthy targets, │
 *          unhealthyStateRouting thresholds)           or all available ones when the  │
 *                                                      thresholds are breached         ▼
 *                                                   select(exclude): strategy over candidates[]
 * </pre>
 *
 * <p>Selection reads one volatile snapshot and never locks or allocates. Membership and health changes take
 * the group's lock (rare, never on the request path) and publish a new snapshot.
 *
 * <p><b>Fail-open</b> (routing failover, ALB and NLB): when fewer targets are healthy than the group's
 * {@link UnhealthyStateRoutingConfig thresholds} ask for (by default: when none is healthy), requests go to every
 * registered target that is not draining, whatever its health; that includes {@code initial} targets, so a group
 * whose targets are all still being checked (e.g. just after start) serves rather than answering 503, and they
 * count towards the percentage. Once enough targets are healthy, only healthy targets get traffic: a new target
 * gets none until its first check passes. The decision is taken when membership, health or config change, never
 * per request; entering and leaving it is logged.
 *
 * <p><b>Slow start</b> ({@code slowStartSeconds} &gt; 0, ALB's rules): a target that becomes healthy while at
 * least one other healthy target is not in slow start enters slow start, except on its first healthy state when
 * it was registered into a group with no healthy target (e.g. the static targets at startup); its weight
 * ({@link SlowStart#weight}) is refreshed every second from near zero to 1 over the period, and the
 * group's round robin honours weights ({@link SlowStart#roundRobin()}; weighted random always does). It
 * leaves slow start when the period ends or it stops being healthy.
 *
 * <p><b>Automatic target weights</b> (HTTP and HTTPS groups): every second the outcomes the data plane counted
 * per target ({@link Target#outcome}) go to an {@link AnomalyDetector}, which compares the healthy targets' error
 * rates; its result is shown per target, and with {@code anomalyMitigation: on} (weighted random) it scales an
 * anomalous target's weight down and ramps it back up after recovery. Health is untouched by it.
 *
 * <p><b>Network load balancers' connections</b> (TCP, UDP and TCP_UDP groups): a new connection or UDP flow gets
 * its target by {@link #selectFlow} (its flow hash, or with {@code source_ip} stickiness its client's IP address).
 * The data plane hands each open one's closer to {@link Target#whenDeregistered}; the group runs the closers when
 * the target's deregistration delay ends ({@code deregistrationDelayConnectionTermination}) and, in a TCP group with
 * unhealthy connection termination, when the target is {@code unhealthy} while the group is not in routing failover
 * (AWS: "unless the unhealthy target triggers the load balancer to fail open"). With an unhealthy draining interval
 * a failing healthy target is {@code unhealthy.draining} for that long first:
 * <pre>
 *  healthy ──fails──▶ unhealthy.draining ──interval (timer)──▶ unhealthy: connections reset
 *     ▲                       │ (no new connections; open ones kept)
 *     └──healthyThreshold─────┘
 * </pre>
 *
 * <p><b>Metrics</b>: {@link #healthyCount()} and {@link #unhealthyCount()} are the HealthyHostCount and
 * UnHealthyHostCount gauges; {@link #anomalousCount()} and {@link #mitigatedCount()} are AnomalousHostCount and
 * MitigatedHostCount. The data plane calls {@link #countRequest()} once per request forwarded to this
 * group; the 1-second sampler calls {@link #takeRequestCount()} and {@link #requestCountPerTarget(long)} to
 * record RequestCountPerTarget; {@link TargetGroupGauges} registers all three with a metric registry.
 */
public final class TargetGroup {
    private static final Logger log = LoggerFactory.getLogger(TargetGroup.class);
    private static final Target[] NONE = new Target[0];

    /**
     * What select() reads, published as a unit: the targets to choose from (the healthy ones, or all available ones
     * when {@code failOpen}), the available (registered, not draining) ones, and the counts.
     */
    private record Selectable(Target[] candidates, Target[] available, boolean failOpen, int healthyCount,
                              int unhealthyCount, Map<TargetAddress, Target> selectableByAddress,
                              long[] candidateAffinityKeys) {
    }

    final Object lock = new Object();
    private final String name;
    private final Clock clock;
    private final EventLoopGroup loops;
    private final HealthChecker checker;
    private final Duration second;
    private final RandomGenerator random;
    private final LongAdder requests = new LongAdder();

    private volatile TargetGroupConfig config;
    private volatile SelectionStrategy strategy;
    private volatile Selectable selectable = new Selectable(NONE, NONE, true, 0, 0, Map.of(), new long[0]);
    private volatile int anomalousCount;
    private volatile int mitigatedCount;

    // Guarded by lock.
    private final Map<TargetAddress, Target> targets = new LinkedHashMap<>();
    private boolean closed;
    private io.netty.util.concurrent.ScheduledFuture<?> slowStartTimer;
    private final AnomalyDetector<Target> anomalies;
    private io.netty.util.concurrent.ScheduledFuture<?> anomalyTimer;

    TargetGroup(TargetGroupConfig config, Clock clock, EventLoopGroup loops, HealthChecker checker, Duration second,
                RandomGenerator random) {
        this.name = config.name();
        this.config = config;
        this.clock = clock;
        this.loops = loops;
        this.checker = checker;
        this.second = second;
        this.random = random;
        this.strategy = strategyFor(config, random);
        this.anomalies = new AnomalyDetector<>(config.anomalyMitigation());
    }

    /** Round robin honours slow start weights only when slow start is on; plain rotation otherwise. */
    private static SelectionStrategy strategyFor(TargetGroupConfig c, RandomGenerator random) {
        if (c.slowStartSeconds() > 0 && c.algorithm() == TargetGroupConfig.Algorithm.ROUND_ROBIN) {
            return SlowStart.roundRobin();
        }
        return SelectionStrategy.of(c.algorithm(), random);
    }

    public String name() {
        return name;
    }

    public TargetGroupConfig config() {
        return config;
    }

    /**
     * A target for a new request, by the group's algorithm among healthy targets; in routing failover (too few
     * healthy targets, see {@link #failOpen()}), among all registered targets that are not draining. Never a
     * draining target.
     *
     * @param exclude a target to avoid (it just failed; retry elsewhere), or null; chosen only if it is the
     *                only candidate
     * @return the target, or null when the group has no registered non-draining target (answer 503)
     */
    public Target select(Target exclude) {
        Target[] c = selectable.candidates;
        int n = c.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return c[0];
        }
        int ex = -1;
        if (exclude != null) {
            for (int i = 0; i < n; i++) {
                if (c[i] == exclude) {
                    ex = i;
                    break;
                }
            }
        }
        return c[strategy.select(c, ex)];
    }

    /**
     * A target for a new connection of a network load balancer, chosen by the connection's flow hash among
     * healthy targets (all registered non-draining targets in routing failover: fail-open). The same hash gives
     * the same target while membership and health stay the same. Lock-free and allocation-free.
     *
     * @return the target, or null when the group has no registered non-draining target
     */
    public Target selectByHash(int hash) {
        Target[] c = selectable.candidates;
        return c.length == 0 ? null : c[Math.floorMod(hash, c.length)];
    }

    /**
     * A target for a new connection or UDP flow of a network load balancer from {@code client}: by its flow hash
     * ({@link #selectByHash}), or with {@code source_ip} stickiness by the client's IP address alone
     * ({@link SourceIpAffinity}), so that every connection and flow of one client goes to the same target while it
     * stays selectable. Lock-free and allocation-free.
     *
     * @return the target, or null when the group has no registered non-draining target
     */
    public Target selectFlow(InetSocketAddress client, int flowHash) {
        if (!config.stickiness().sourceIpSticky()) {
            return selectByHash(flowHash);
        }
        Selectable s = selectable;
        int i = SourceIpAffinity.pick(SourceIpAffinity.clientKey(client.getAddress()), s.candidateAffinityKeys);
        return i < 0 ? null : s.candidates[i];
    }

    /**
     * The target at {@code address} if {@link #select} could choose it now: healthy, or (in routing failover)
     * registered and not draining; else null. Sticky sessions use it to honour a cookie's target or
     * to move the client on. Lock-free: one lookup in the current selectable snapshot.
     */
    public Target selectable(TargetAddress address) {
        return selectable.selectableByAddress.get(address);
    }

    /** Registered targets, draining ones excluded. */
    public int registeredCount() {
        return selectable.available.length;
    }

    /**
     * Whether routing failover is in effect: fewer targets are healthy than {@code unhealthyStateRouting} asks for,
     * so requests go to all registered targets that are not draining (fail-open). Lock-free; the data plane reads it
     * to count UnhealthyRoutingRequestCount and UnhealthyRoutingFlowCount.
     */
    public boolean failOpen() {
        return selectable.failOpen;
    }

    /** Targets in state healthy (HealthyHostCount). */
    public int healthyCount() {
        return selectable.healthyCount;
    }

    /** Targets in state unhealthy (UnHealthyHostCount). */
    public int unhealthyCount() {
        return selectable.unhealthyCount;
    }

    /** Healthy targets whose error rate is anomalous (AnomalousHostCount), as of the last evaluation. */
    public int anomalousCount() {
        return anomalousCount;
    }

    /** Targets whose traffic anomaly mitigation reduces now, recovering ones included (MitigatedHostCount). */
    public int mitigatedCount() {
        return mitigatedCount;
    }

    /** Counts one request forwarded to this group (lock-free; called by the data plane). */
    public void countRequest() {
        requests.increment();
    }

    /** Requests counted since the previous call (the 1-second sampler's RequestCount for this group). */
    public long takeRequestCount() {
        return requests.sumThenReset();
    }

    /**
     * RequestCountPerTarget for a period: the group's request count divided by the targets that get requests (its
     * healthy targets, or its registered targets in routing failover), or by 1 when it has none (demand on an empty
     * group stays visible).
     */
    public double requestCountPerTarget(long requestCount) {
        return (double) requestCount / Math.max(1, selectable.candidates.length);
    }

    /** The registered target at this address (draining included), or null. */
    public Target target(TargetAddress address) {
        synchronized (lock) {
            return targets.get(address);
        }
    }

    /** The health of every registered target, draining ones included, in registration order. */
    public List<TargetHealth> describe() {
        synchronized (lock) {
            List<TargetHealth> out = new ArrayList<>(targets.size());
            for (Target t : targets.values()) {
                out.add(t.health.health(t.address()).withAnomalyDetection(t.anomalyDetection()));
            }
            return out;
        }
    }

    // ---- membership ----

    void register(TargetAddress address, boolean fromConfig) {
        CompletableFuture<Void> superseded = null;
        register:
        synchronized (lock) {
            if (closed) {
                return;
            }
            Target t = targets.get(address);
            if (t != null) {
                if (fromConfig) {
                    t.staticTarget = true;
                } else {
                    t.runtimeRegistered = true;
                }
                if (t.draining()) {
                    // Registered again while draining: the deregistration is superseded (its future completes,
                    // the target stays) and the target is checked anew from initial (ALB).
                    cancelDrainTimer(t);
                    superseded = t.drained;
                    t.drained = null;
                    t.draining(false);
                    t.health.reset();
                    t.skipSlowStart = selectable.healthyCount == 0;
                    startProbing(t);
                    rebuild();
                }
                break register;
            }
            HealthCheckConfig hc = config.healthCheck();
            t = new Target(address, this, new HealthStateMachine(clock, hc.healthyThreshold(), hc.unhealthyThreshold()));
            t.health.unhealthyDraining(config.targetHealthState().drainingIntervalSeconds() > 0);
            t.staticTarget = fromConfig;
            t.runtimeRegistered = !fromConfig;
            t.skipSlowStart = selectable.healthyCount == 0;
            targets.put(address, t);
            startProbing(t);
            startAnomalyTimer();
            rebuild();
        }
        if (superseded != null) {
            superseded.complete(null);
        }
    }

    CompletableFuture<Void> deregister(TargetAddress address) {
        Target t;
        CompletableFuture<Void> f;
        synchronized (lock) {
            t = targets.get(address);
            if (t == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (t.draining()) {
                return t.drained;
            }
            t.staticTarget = false;
            t.runtimeRegistered = false;
            f = new CompletableFuture<>();
            t.drained = f;
            t.draining(true);
            t.health.drain();
            cancelUnhealthyDrainTimer(t);
            stopProbing(t);
            rebuild();
            long delayNanos = second.toNanos() * Math.max(0, config.deregistrationDelaySeconds());
            if (delayNanos > 0) {
                Target drainingTarget = t;
                t.drainTimer = loops.next().schedule(() -> finishDrain(drainingTarget), delayNanos, TimeUnit.NANOSECONDS);
            }
        }
        drainIfIdle(t);
        if (config.deregistrationDelaySeconds() <= 0) {
            finishDrain(t);
        }
        return f;
    }

    /** Completes the deregistration of a draining target that has nothing in flight. */
    void drainIfIdle(Target t) {
        if (t.draining() && t.outstanding() <= 0) {
            finishDrain(t);
        }
    }

    private void finishDrain(Target t) {
        CompletableFuture<Void> f;
        boolean terminate;
        synchronized (lock) {
            terminate = config.terminatesConnectionsAfterDeregistration();
            if (!t.draining() || targets.get(t.address()) != t) {
                return;
            }
            targets.remove(t.address());
            cancelDrainTimer(t);
            t.health.unused();
            t.publishState();
            f = t.drained;
            t.drained = null;
        }
        log.debug("target group {}: {} deregistered", name, t.address());
        if (!terminate && t.outstanding() > 0) {
            log.info("target group {}: {} deregistered; its {} open connection(s) go on until they close or are idle "
                    + "(deregistrationDelayConnectionTermination: false)", name, t.address(), t.outstanding());
        }
        t.deregistered(terminate);
        if (f != null) {
            f.complete(null);
        }
    }

    private static void cancelUnhealthyDrainTimer(Target t) {
        if (t.unhealthyDrainTimer != null) {
            t.unhealthyDrainTimer.cancel(false);
            t.unhealthyDrainTimer = null;
        }
    }

    private static void cancelDrainTimer(Target t) {
        if (t.drainTimer != null) {
            t.drainTimer.cancel(false);
            t.drainTimer = null;
        }
    }

    // ---- config ----

    /** A reload: new settings in place; members and their health are kept. Static targets are handled by the caller. */
    void update(TargetGroupConfig newConfig) {
        synchronized (lock) {
            TargetGroupConfig old = config;
            config = newConfig;
            boolean unhealthyDraining = newConfig.targetHealthState().drainingIntervalSeconds() > 0;
            for (Target t : targets.values()) {
                if (!unhealthyDraining) {
                    cancelUnhealthyDrainTimer(t);
                }
                t.health.unhealthyDraining(unhealthyDraining);
            }
            if (!old.unhealthyStateRouting().equals(newConfig.unhealthyStateRouting())
                    || !old.targetHealthState().equals(newConfig.targetHealthState())) {
                rebuild();
            }
            anomalies.mitigation(newConfig.anomalyMitigation());
            if (old.algorithm() != newConfig.algorithm()
                    || (old.slowStartSeconds() > 0) != (newConfig.slowStartSeconds() > 0)) {
                strategy = strategyFor(newConfig, random);
            }
            HealthCheckConfig hc = newConfig.healthCheck();
            for (Target t : targets.values()) {
                t.health.setThresholds(hc.healthyThreshold(), hc.unhealthyThreshold());
            }
        }
    }

    /** Addresses registered from config (static targets) that are not draining. */
    List<TargetAddress> staticTargets() {
        synchronized (lock) {
            List<TargetAddress> out = new ArrayList<>();
            for (Target t : targets.values()) {
                if (t.staticTarget && !t.draining()) {
                    out.add(t.address());
                }
            }
            return out;
        }
    }

    /** A static target left the config: drain it unless the controller registered it too. */
    void removeStatic(TargetAddress address) {
        boolean keep;
        synchronized (lock) {
            Target t = targets.get(address);
            if (t == null) {
                return;
            }
            t.staticTarget = false;
            keep = t.runtimeRegistered;
        }
        if (!keep) {
            deregister(address);
        }
    }

    /** The group left the config: stop checking, forget members, complete pending deregistrations. */
    void close() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            stopSlowStartTimer();
            if (anomalyTimer != null) {
                anomalyTimer.cancel(false);
                anomalyTimer = null;
            }
            for (Target t : targets.values()) {
                stopProbing(t);
                if (t.drainTimer != null) {
                    t.drainTimer.cancel(false);
                }
                cancelUnhealthyDrainTimer(t);
                if (t.drained != null) {
                    pending.add(t.drained);
                }
                t.health.unused();
                t.publishState();
            }
            targets.clear();
            rebuild();
        }
        pending.forEach(f -> f.complete(null));
    }

    // ---- health ----

    private void startProbing(Target t) {
        stopProbing(t);
        t.probing = checker.watch(t.address(), () -> config.healthCheck(), new HealthChecker.Listener() {
            @Override
            public void probeStarted() {
                synchronized (lock) {
                    t.health.probeStarted();
                }
            }

            @Override
            public void probeCompleted(ProbeResult result) {
                onProbe(t, result);
            }
        });
    }

    private void stopProbing(Target t) {
        if (t.probing != null) {
            try {
                t.probing.close();
            } catch (Exception e) {
                log.warn("target group {}: stopping health checks of {} failed", name, t.address(), e);
            }
            t.probing = null;
        }
    }

    private void onProbe(Target t, ProbeResult result) {
        synchronized (lock) {
            if (targets.get(t.address()) != t) {
                return;
            }
            TargetState before = t.health.state();
            if (t.health.onResult(result)) {
                slowStartOnStateChange(t);
                log.info("target group {}: {} is {} (was {}){}", name, t.address(), t.health.state(), before,
                        t.health.reason() == null ? "" : ": " + t.health.reason() + " " + t.health.description());
                unhealthyDrainingTimer(t);
                rebuild();
            }
        }
    }

    /** A target's state changed (lock held): times its unhealthy draining interval, or stops timing it. */
    private void unhealthyDrainingTimer(Target t) {
        cancelUnhealthyDrainTimer(t);
        if (t.health.state() == TargetState.UNHEALTHY_DRAINING && !closed) {
            int interval = config.targetHealthState().drainingIntervalSeconds();
            Instant entered = t.health.since();
            t.unhealthyDrainTimer = loops.next().schedule(() -> unhealthyDrainingOver(t, entered),
                    second.toNanos() * interval, TimeUnit.NANOSECONDS);
            log.info("target group {}: {} keeps its {} open connection(s) for the unhealthy draining interval ({} s)",
                    name, t.address(), t.outstanding(), interval);
        }
    }

    /** The unhealthy draining interval of a target that entered {@code unhealthy.draining} at {@code entered} ended. */
    private void unhealthyDrainingOver(Target t, Instant entered) {
        synchronized (lock) {
            if (targets.get(t.address()) != t || t.health.state() != TargetState.UNHEALTHY_DRAINING
                    || !t.health.since().equals(entered)) {
                return; // recovered, deregistered or failed anew since
            }
            t.unhealthyDrainTimer = null;
            t.health.drainingIntervalOver();
            log.info("target group {}: {} is unhealthy (was unhealthy.draining): its unhealthy draining interval ended",
                    name, t.address());
            rebuild();
        }
    }

    // ---- slow start ----

    /** A target's health state changed (lock held): it enters slow start, or leaves it at full weight. */
    private void slowStartOnStateChange(Target t) {
        int period = config.slowStartSeconds();
        boolean enter = period > 0 && t.health.state() == TargetState.HEALTHY && !t.skipSlowStart;
        if (t.health.state() == TargetState.HEALTHY) {
            t.skipSlowStart = false;
        }
        if (enter) {
            // ALB: a target enters slow start only when another healthy target is not in slow start.
            enter = false;
            for (Target o : targets.values()) {
                if (o != t && !o.draining() && o.health.state() == TargetState.HEALTHY && o.slowStartSince == null) {
                    enter = true;
                    break;
                }
            }
        }
        if (enter) {
            t.slowStartSince = t.health.since();
            t.weight(SlowStart.weight(t.slowStartSince, clock.instant(), period));
            if (slowStartTimer == null && !closed) {
                long every = second.toNanos();
                slowStartTimer = loops.next().scheduleAtFixedRate(this::refreshSlowStart, every, every,
                        TimeUnit.NANOSECONDS);
            }
            log.info("target group {}: {} is in slow start for {} s", name, t.address(), period);
        } else {
            t.slowStartSince = null;
            t.weight(1.0);
        }
    }

    /** Every second while a target is in slow start: new weights; the timer stops when none is left. */
    void refreshSlowStart() {
        synchronized (lock) {
            Instant now = clock.instant();
            int period = config.slowStartSeconds();
            boolean any = false;
            for (Target t : targets.values()) {
                if (t.slowStartSince == null) {
                    continue;
                }
                double w = SlowStart.weight(t.slowStartSince, now, period);
                if (w >= 1.0) {
                    t.slowStartSince = null;
                    log.info("target group {}: {} finished slow start", name, t.address());
                } else {
                    any = true;
                }
                t.weight(w);
            }
            if (!any) {
                stopSlowStartTimer();
            }
        }
    }

    private void stopSlowStartTimer() {
        if (slowStartTimer != null) {
            slowStartTimer.cancel(false);
            slowStartTimer = null;
        }
    }

    // ---- automatic target weights ----

    private void startAnomalyTimer() {
        if (anomalyTimer == null && !closed && !config.protocol().network()) {
            long every = second.toNanos();
            anomalyTimer = loops.next().scheduleAtFixedRate(this::evaluateAnomalies, every, every, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Every second: the outcomes counted since the last time go to the detector, the healthy targets are compared,
     * and each target gets its result and weight factor (normal and 1 when it is not healthy).
     */
    void evaluateAnomalies() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            List<Target> healthy = new ArrayList<>();
            for (Target t : targets.values()) {
                long n = t.outcomes.sumThenReset();
                long failed = t.failures.sumThenReset();
                if (!t.draining() && t.health.state() == TargetState.HEALTHY) {
                    healthy.add(t);
                    anomalies.record(t, n, failed, now);
                }
            }
            for (AnomalyDetector.Change<Target> c : anomalies.evaluate(healthy, now)) {
                String rate = Double.isNaN(c.errorRate()) ? "-"
                        : String.format(java.util.Locale.ROOT, "%.1f %%", c.errorRate() * 100);
                if (c.after().result() != c.before().result()) {
                    log.info("target group {}: {} is {} (was {}), mitigation in effect: {} (error rate {} over {} s)",
                            name, c.target().address(), c.after().result(), c.before().result(),
                            c.after().mitigationInEffectText(), rate, AnomalyDetector.WINDOW_SECONDS);
                } else {
                    log.info("target group {}: {} is {}, mitigation in effect: {} (was {})", name, c.target().address(),
                            c.after().result(), c.after().mitigationInEffectText(),
                            c.before().mitigationInEffectText());
                }
            }
            for (Target t : targets.values()) {
                t.anomaly(anomalies.status(t), anomalies.weight(t, now));
            }
            anomalousCount = anomalies.anomalousCount();
            mitigatedCount = anomalies.mitigatedCount();
        }
    }

    /** Publishes a new selectable snapshot; called with the lock held after any membership or health change. */
    private void rebuild() {
        List<Target> healthy = new ArrayList<>();
        List<Target> all = new ArrayList<>();
        int unhealthy = 0;
        for (Target t : targets.values()) {
            t.publishState();
            if (t.draining()) {
                continue;
            }
            all.add(t);
            TargetState s = t.health.state();
            if (s == TargetState.HEALTHY) {
                healthy.add(t);
            } else if (s.unhealthy()) {
                unhealthy++;
            }
        }
        UnhealthyStateRoutingConfig thresholds = config.unhealthyStateRouting();
        boolean failOpen = thresholds.failOpen(healthy.size(), all.size());
        terminateUnhealthyConnections(all, failOpen);
        Target[] available = all.toArray(NONE);
        Target[] candidates = failOpen ? available : healthy.toArray(NONE);
        Map<TargetAddress, Target> byAddress = new java.util.HashMap<>();
        long[] affinityKeys = new long[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            byAddress.put(candidates[i].address(), candidates[i]);
            affinityKeys[i] = candidates[i].affinityKey;
        }
        // Not when the group closes or empties: no target is left to fail open to.
        if (failOpen != selectable.failOpen && !closed && !all.isEmpty()) {
            if (failOpen) {
                log.warn("target group {}: routing failover in effect, requests go to all {} available targets: {} "
                        + "healthy ({})", name, all.size(), healthy.size(), thresholds.describe());
            } else {
                log.info("target group {}: routing failover ended, requests go to the {} healthy of {} available "
                        + "targets ({})", name, healthy.size(), all.size(), thresholds.describe());
            }
        }
        selectable = new Selectable(candidates, available, failOpen, healthy.size(), unhealthy, byAddress,
                affinityKeys);
    }

    /**
     * Unhealthy connection termination (lock held): the connections of every {@code unhealthy} target end, unless
     * the group is in routing failover (then they, and new ones, go to unhealthy targets too) or its config keeps
     * them. The closers only queue work on event loops.
     */
    private void terminateUnhealthyConnections(List<Target> available, boolean failOpen) {
        boolean terminate = config.targetHealthState().terminatesUnhealthy() && !failOpen && !closed;
        for (Target t : available) {
            boolean on = terminate && t.health.state() == TargetState.UNHEALTHY;
            int n = t.terminateUnhealthy(on);
            if (n > 0) {
                log.info("target group {}: {} is unhealthy; resetting its {} open connection(s)", name, t.address(), n);
            }
        }
    }

    @Override
    public String toString() {
        return "TargetGroup[" + name + "]";
    }
}
