package io.headroom.proxy.target;

import io.headroom.core.target.AnomalyDetection;
import io.headroom.core.target.Candidate;
import io.headroom.core.target.HealthStateMachine;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetState;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One registered target of one {@link TargetGroup}. The data plane calls {@link #requestStarted()} when it
 * sends a request to the target and {@link #requestFinished()} exactly once when that request is over (response
 * complete, failed or aborted); the in-flight count feeds least outstanding requests and draining. Both are
 * lock-free. It also calls {@link #outcome(boolean)} once per finished attempt, for anomaly detection.
 */
public final class Target implements Candidate {
    private final TargetAddress address;
    private final TargetGroup group;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Relative weight for selection; slow start may lower it while the target warms up. */
    private volatile double weight = 1.0;
    /** Anomaly mitigation's factor on {@link #weight}: 1, or less while mitigated (see AnomalyDetector). */
    private volatile double anomalyWeight = 1.0;
    /** The last anomaly detection result, readable without the group's lock. */
    private volatile AnomalyDetection anomaly = AnomalyDetection.NORMAL;
    /** Attempts and failed attempts since the group's last anomaly evaluation took them. */
    final LongAdder outcomes = new LongAdder();
    final LongAdder failures = new LongAdder();
    private volatile boolean draining;
    /** The health machine's state as of the last change, readable without the group's lock. */
    private volatile TargetState state = TargetState.INITIAL;
    /**
     * Closers of the connections the load balancer ends itself (a network load balancer's connections and UDP flows,
     * WebSockets): run when the deregistration delay ends with connection termination, or when the target is
     * unhealthy with unhealthy connection termination.
     */
    private final Set<Runnable> onDeregistered = ConcurrentHashMap.newKeySet();
    /** Set once the closers ran for good: a closer added later runs at once. */
    private volatile boolean deregistered;
    /** Set while the target's connections are being terminated because it is unhealthy (see TargetGroup#rebuild). */
    private volatile boolean terminatedUnhealthy;
    /** {@link io.headroom.core.target.SourceIpAffinity#targetKey} of the address. */
    final long affinityKey;

    // Guarded by the group's lock.
    final HealthStateMachine health;
    CompletableFuture<Void> drained;
    io.netty.util.concurrent.Future<?> drainTimer;
    AutoCloseable probing;
    boolean staticTarget;
    boolean runtimeRegistered;
    /** When this target's slow start began (it became healthy), null when it is not in slow start. */
    Instant slowStartSince;
    /** Registered while its group had no healthy target: its first healthy state skips slow start (ALB). */
    boolean skipSlowStart;
    /** Ends the target's {@code unhealthy.draining} state; null when it is not in it. */
    io.netty.util.concurrent.Future<?> unhealthyDrainTimer;

    Target(TargetAddress address, TargetGroup group, HealthStateMachine health) {
        this.address = address;
        this.group = group;
        this.health = health;
        this.affinityKey = io.headroom.core.target.SourceIpAffinity.targetKey(address);
    }

    public TargetAddress address() {
        return address;
    }

    /** A request was sent to this target: in flight +1. */
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** A request to this target ended: in flight -1; the last one of a draining target completes deregistration. */
    public void requestFinished() {
        int left = inFlight.decrementAndGet();
        if (left <= 0 && draining) {
            group.drainIfIdle(this);
        }
    }

    /** Requests sent and not yet finished. */
    @Override
    public int outstanding() {
        return inFlight.get();
    }

    @Override
    public double weight() {
        return weight * anomalyWeight;
    }

    /**
     * One attempt at a request on this target ended: with a response ({@code failed} when its status is 5xx), or
     * without one ({@code failed}: connection error, timeout, reset). Lock-free; feeds anomaly detection.
     */
    public void outcome(boolean failed) {
        outcomes.increment();
        if (failed) {
            failures.increment();
        }
    }

    /** The anomaly detection result and mitigation as of the group's last evaluation. */
    public AnomalyDetection anomalyDetection() {
        return anomaly;
    }

    void anomaly(AnomalyDetection a, double weightFactor) {
        anomaly = a;
        anomalyWeight = weightFactor;
    }

    /** Sets the selection weight (&gt; 0; slow start). Takes effect on the next selection. */
    public void weight(double w) {
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("weight: " + w + " (expected: a finite number > 0)");
        }
        this.weight = w;
    }

    /**
     * Runs {@code action} once when the load balancer ends this target's connections: its deregistration delay
     * expired and whatever is still open must now be closed (unless a network load balancer's group has
     * {@code deregistrationDelayConnectionTermination: false}), or (TCP target groups) it became unhealthy with
     * unhealthy connection termination. Runs at once if that already happened. A closer can tell the two apart by
     * {@link #state()}: unhealthy, or draining/unused. Remove the action with {@link #removeWhenDeregistered} when it
     * is no longer needed (its connection closed first). Thread-safe; the action runs on the thread that ends the
     * connections and must not block.
     */
    public void whenDeregistered(Runnable action) {
        onDeregistered.add(action);
        if ((deregistered || terminatedUnhealthy) && onDeregistered.remove(action)) {
            action.run();
        }
    }

    /** Forgets an action given to {@link #whenDeregistered}; no-op if it already ran. */
    public void removeWhenDeregistered(Runnable action) {
        onDeregistered.remove(action);
    }

    /**
     * The deregistration ended: with {@code terminate}, run (once) every action waiting for it; without, leave the
     * connections to end on their own.
     */
    void deregistered(boolean terminate) {
        if (terminate) {
            deregistered = true;
            runClosers();
        }
    }

    /**
     * The target is unhealthy and its connections must end ({@code on}), or no longer ({@code false}: healthy again,
     * or the group is in routing failover).
     *
     * @return the number of connections told to end
     */
    int terminateUnhealthy(boolean on) {
        terminatedUnhealthy = on;
        return on ? runClosers() : 0;
    }

    private int runClosers() {
        int n = 0;
        for (Runnable r : onDeregistered) {
            if (onDeregistered.remove(r)) {
                r.run();
                n++;
            }
        }
        return n;
    }

    /** The current state (lock-free read). */
    public TargetState state() {
        return state;
    }

    void publishState() {
        state = health.state();
    }

    public TargetHealth describe() {
        synchronized (group.lock) {
            return health.health(address).withAnomalyDetection(anomaly);
        }
    }

    boolean draining() {
        return draining;
    }

    void draining(boolean d) {
        draining = d;
    }

    @Override
    public String toString() {
        return group.name() + "/" + address;
    }
}
