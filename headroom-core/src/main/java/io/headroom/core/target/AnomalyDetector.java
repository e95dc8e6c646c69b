package io.headroom.core.target;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Automatic target weights (ALB's anomaly detection and mitigation) for one target group: finds targets whose
 * share of failed requests (HTTP 5xx from the target, connection errors, timeouts) is far above that of the
 * group's other targets and, with mitigation on, lowers their selection weight until they recover.
 *
 * <pre>
 *  outcomes ──record()──► per-target 60 s window (1-second buckets)
 *                               │ evaluate() every second
 *                               ▼
 *  error rate ≥ max(10 %, 3 × median of the others), ≥ 20 requests and ≥ 5 errors, ≥ 3 healthy targets
 *                               │ anomalous (Result); with mitigation on, at most half the targets:
 *                               ▼
 *  weight  1.0 ──► 0.1 (mitigated) ── normal again ──► linear ramp 0.1 → 1.0 over 60 s ──► 1.0
 *          mitigationInEffect: no      yes                          yes                      no
 * </pre>
 *
 * <p>Detection always runs (as ALB, where it cannot be turned off); only mitigation depends on the target
 * group's {@code anomalyMitigation}. Only the targets passed to {@link #evaluate} (the healthy ones) are
 * compared; a target that leaves that set is forgotten, so health checks and anomaly detection stay separate.
 * When more targets are anomalous than may be mitigated, the ones already mitigated stay so and then the
 * highest error rates are chosen.
 *
 * <p>Pure and single-threaded: time comes in as an argument and nothing here blocks or reads a clock. Keys are
 * compared by identity (a target object per registration).
 *
 * @param <K> the target
 */
public final class AnomalyDetector<K> {
    /** ALB: anomaly detection needs at least three healthy targets. */
    public static final int MIN_TARGETS = 3;
    /** The window over which a target's error rate is measured. */
    public static final int WINDOW_SECONDS = 60;
    /** Fewer requests in the window than this say nothing about a target. */
    public static final long MIN_REQUESTS = 20;
    /** Nor do fewer errors: a handful of failures is noise, not an anomaly. */
    public static final long MIN_ERRORS = 5;
    /** An anomalous target fails at least this share of its requests ... */
    public static final double MIN_ERROR_RATE = 0.10;
    /** ... and at least this many times the median error rate of the other targets. */
    public static final double FACTOR = 3.0;
    /** A mitigated target's share relative to a normal one: enough requests to notice its recovery. */
    public static final double MITIGATED_WEIGHT = 0.10;
    /** How long a recovered target's weight takes to climb back from {@link #MITIGATED_WEIGHT} to 1. */
    public static final Duration RECOVERY = Duration.ofSeconds(60);

    /** A change of one target's result or mitigation, for logging. */
    public record Change<K>(K target, AnomalyDetection before, AnomalyDetection after, double errorRate) {}

    private static final class State {
        final long[] second = new long[WINDOW_SECONDS];
        final long[] requests = new long[WINDOW_SECONDS];
        final long[] errors = new long[WINDOW_SECONDS];
        AnomalyDetection status = AnomalyDetection.NORMAL;
        boolean mitigated;
        /** When the ramp back to full weight began; null when not recovering. */
        Instant recoveringSince;
        // Scratch of one evaluation.
        long windowRequests;
        long windowErrors;
        double rate = Double.NaN;
    }

    private final Map<K, State> states = new IdentityHashMap<>();
    private boolean mitigation;
    private int anomalousCount;
    private int mitigatedCount;

    /** @param mitigation whether anomalous targets get less traffic ({@code anomalyMitigation: on}) */
    public AnomalyDetector(boolean mitigation) {
        this.mitigation = mitigation;
    }

    /** Turns mitigation on or off (a reload); off ends every mitigation at the next {@link #evaluate}. */
    public void mitigation(boolean on) {
        mitigation = on;
    }

    /** Adds a target's outcomes counted since the previous call to the second that contains {@code now}. */
    public void record(K target, long requests, long errors, Instant now) {
        if (requests <= 0 && errors <= 0) {
            return;
        }
        State s = states.computeIfAbsent(target, k -> new State());
        long sec = now.getEpochSecond();
        int i = (int) Math.floorMod(sec, (long) WINDOW_SECONDS);
        if (s.second[i] != sec) {
            s.second[i] = sec;
            s.requests[i] = 0;
            s.errors[i] = 0;
        }
        s.requests[i] += requests;
        s.errors[i] += Math.min(errors, requests);
    }

    /**
     * Compares the targets' error rates over the window ending at {@code now} and decides results and mitigation.
     *
     * @param targets the targets to compare (the healthy ones); every other target is forgotten
     * @return the targets whose result or mitigation changed
     */
    public List<Change<K>> evaluate(Collection<K> targets, Instant now) {
        Set<K> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(targets);
        states.keySet().retainAll(keep);
        List<State> all = new ArrayList<>(targets.size());
        for (K k : targets) {
            State s = states.computeIfAbsent(k, x -> new State());
            sum(s, now.getEpochSecond());
            all.add(s);
        }
        Set<State> anomalous = new HashSet<>();
        if (all.size() >= MIN_TARGETS) {
            for (State s : all) {
                if (isAnomalous(s, all)) {
                    anomalous.add(s);
                }
            }
        }
        int limit = mitigation ? all.size() / 2 : 0;
        List<State> candidates = new ArrayList<>(anomalous);
        candidates.sort(Comparator.comparing((State s) -> !s.mitigated).thenComparing(s -> -s.rate));
        Set<State> mitigate = new HashSet<>(candidates.subList(0, Math.min(limit, candidates.size())));

        List<Change<K>> changes = new ArrayList<>();
        anomalousCount = anomalous.size();
        mitigatedCount = 0;
        for (K k : targets) {
            State s = states.get(k);
            if (mitigate.contains(s)) {
                s.mitigated = true;
                s.recoveringSince = null;
            } else if (s.mitigated) {
                s.mitigated = false;
                s.recoveringSince = mitigation ? now : null;
            } else if (s.recoveringSince != null
                    && (!mitigation || !now.isBefore(s.recoveringSince.plus(RECOVERY)))) {
                s.recoveringSince = null;
            }
            boolean inEffect = s.mitigated || s.recoveringSince != null;
            if (inEffect) {
                mitigatedCount++;
            }
            AnomalyDetection next = new AnomalyDetection(anomalous.contains(s)
                    ? AnomalyDetection.Result.ANOMALOUS : AnomalyDetection.Result.NORMAL, inEffect);
            if (!next.equals(s.status)) {
                changes.add(new Change<>(k, s.status, next, s.rate));
                s.status = next;
            }
        }
        return changes;
    }

    private static void sum(State s, long nowSecond) {
        long r = 0;
        long e = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (s.second[i] > nowSecond - WINDOW_SECONDS && s.second[i] <= nowSecond) {
                r += s.requests[i];
                e += s.errors[i];
            }
        }
        s.windowRequests = r;
        s.windowErrors = e;
        s.rate = r >= MIN_REQUESTS ? (double) e / r : Double.NaN;
    }

    /** Far above the median of the other targets that have enough requests to be measured (at least two). */
    private static boolean isAnomalous(State s, List<State> all) {
        if (Double.isNaN(s.rate) || s.windowErrors < MIN_ERRORS || s.rate < MIN_ERROR_RATE) {
            return false;
        }
        double[] others = new double[all.size() - 1];
        int n = 0;
        for (State o : all) {
            if (o != s && !Double.isNaN(o.rate)) {
                others[n++] = o.rate;
            }
        }
        if (n < MIN_TARGETS - 1) {
            return false;
        }
        Arrays.sort(others, 0, n);
        double median = n % 2 == 1 ? others[n / 2] : (others[n / 2 - 1] + others[n / 2]) / 2;
        return s.rate >= FACTOR * median && s.rate > median;
    }

    /** The target's current result and mitigation; {@link AnomalyDetection#NORMAL} for one never evaluated. */
    public AnomalyDetection status(K target) {
        State s = states.get(target);
        return s == null ? AnomalyDetection.NORMAL : s.status;
    }

    /**
     * The factor by which mitigation scales the target's selection weight at {@code now}: {@link #MITIGATED_WEIGHT}
     * while mitigated, rising linearly to 1 over {@link #RECOVERY} once it is normal again, else 1.
     */
    public double weight(K target, Instant now) {
        State s = states.get(target);
        if (s == null || !mitigation) {
            return 1.0;
        }
        if (s.mitigated) {
            return MITIGATED_WEIGHT;
        }
        if (s.recoveringSince == null) {
            return 1.0;
        }
        double f = (double) Duration.between(s.recoveringSince, now).toNanos() / RECOVERY.toNanos();
        return f >= 1 ? 1.0 : MITIGATED_WEIGHT + (1 - MITIGATED_WEIGHT) * Math.max(0, f);
    }

    /** Targets found anomalous by the last evaluation (AnomalousHostCount). */
    public int anomalousCount() {
        return anomalousCount;
    }

    /** Targets whose traffic mitigation reduced at the last evaluation, ramping ones included (MitigatedHostCount). */
    public int mitigatedCount() {
        return mitigatedCount;
    }
}
