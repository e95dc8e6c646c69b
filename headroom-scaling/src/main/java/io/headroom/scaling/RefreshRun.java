package io.headroom.scaling;

import io.headroom.scaling.InstanceRefresh.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The state of one instance refresh (see {@link InstanceRefresh}), stepped by its group on every tick, under the
 * group's lock.
 *
 * <p>A step first drops from the instances to replace those that left service meanwhile (scaled in, replaced as
 * unhealthy, terminated by hand). While any active instance of the group is not <em>ready</em> — InService, healthy
 * and {@code instanceWarmupSeconds} past going InService — a batch is still settling and the step waits. Otherwise
 * it picks the next batch: as many instances as can leave while the ready ones stay at or above
 * {@code ceil(desired × minHealthyPercentage / 100)}, and at least one, as AWS replaces at least one at a time.
 * The group terminates them without decrementing the desired capacity, so its reconcile launches their
 * replacements, from the group's current launch template version, at once. When terminating even one would leave
 * fewer than that minimum serving (a group of one, or 100 %), the replacements are launched first, above the
 * desired capacity while maxSize allows ({@link #surge}), and their predecessors terminated once they are ready:
 * no moment without a healthy instance. Without room under maxSize it terminates first, as AWS does. The refresh is Successful when nothing
 * is left to replace and the last batch has settled; Failed after {@value #MAX_FAILURES} instances launched during
 * it failed to launch or went unhealthy.
 *
 * <p>Checkpoints (AWS's CheckpointPercentages and CheckpointDelay): batches are cut so as not to replace more than the
 * next checkpoint's share of the instances to replace; once that share is replaced and ready, the refresh waits
 * {@code checkpointDelaySeconds} before the next batch, so that the new instances can be checked (or the refresh
 * cancelled). When the last checkpoint is below 100, the refresh ends there, Successful, with the rest left as they
 * are.
 */
final class RefreshRun {
    static final int MAX_FAILURES = 3;

    final String id = UUID.randomUUID().toString();
    final int minHealthyPercentage;
    final int maxHealthyPercentage;
    final int instanceWarmupSeconds;
    final boolean skipMatching;
    final int launchTemplateVersion;
    final Instant startTime;
    /** Ascending, each 1..100; empty for none. */
    final List<Integer> checkpointPercentages;
    final int checkpointDelaySeconds;
    private final Set<String> toReplace = new LinkedHashSet<>();
    /** The index of the next checkpoint in {@link #checkpointPercentages}. */
    private int nextCheckpoint;
    /** While waiting at a checkpoint: when the wait ends; else null. */
    private Instant checkpointUntil;
    private final int total;
    private Status status = Status.Pending;
    private String statusReason = "Waiting for the group's next tick.";
    private Instant endTime;
    private int failures;
    private int percentage;
    /** Replacements launched ahead of the instances they replace (0 when none are). */
    private int surge;

    /**
     * @param candidates the group's active instances, oldest first; those protected from scale in are left alone (AWS's
     *                   default ScaleInProtectedInstances: Ignore), and with {@code skipMatching} those already on
     *                   {@code launchTemplateVersion}
     * @param checkpointPercentages ascending, each 1..100 (checked by the caller); empty for none
     */
    RefreshRun(Collection<Member> candidates, int minHealthyPercentage, int maxHealthyPercentage,
               int instanceWarmupSeconds, boolean skipMatching, int launchTemplateVersion,
               List<Integer> checkpointPercentages, int checkpointDelaySeconds, Instant now) {
        this.checkpointPercentages = List.copyOf(checkpointPercentages);
        this.checkpointDelaySeconds = checkpointDelaySeconds;
        this.minHealthyPercentage = minHealthyPercentage;
        this.maxHealthyPercentage = maxHealthyPercentage;
        this.instanceWarmupSeconds = instanceWarmupSeconds;
        this.skipMatching = skipMatching;
        this.launchTemplateVersion = launchTemplateVersion;
        this.startTime = now;
        for (Member m : candidates) {
            if (m.state.isActive() && !m.protectedFromScaleIn
                    && !(skipMatching && m.launchTemplateVersion == launchTemplateVersion)) {
                toReplace.add(m.id);
            }
        }
        this.total = toReplace.size();
    }

    boolean isActive() {
        return status.isActive();
    }

    /**
     * Instances the group should run above its desired capacity for now: replacements launched before the
     * instances they replace are terminated (see {@link #step}).
     */
    int surge() {
        return isActive() ? surge : 0;
    }

    /** The instances to terminate now (possibly none); ends the refresh when it is done. */
    List<Member> step(Collection<Member> members, int desiredCapacity, int maxSize, Instant now) {
        if (!isActive()) {
            return List.of();
        }
        status = Status.InProgress;
        List<Member> active = new ArrayList<>();
        Set<String> activeIds = new HashSet<>();
        for (Member m : members) {
            if (m.state.isActive()) {
                active.add(m);
                activeIds.add(m.id);
            }
        }
        toReplace.retainAll(activeIds);
        long settling = active.stream().filter(m -> !ready(m, now)).count();
        int done = total - toReplace.size();
        percentage = total == 0 ? 100 : (int) (100L * Math.max(0, done - settling) / total);
        if (toReplace.isEmpty()) {
            if (settling == 0) {
                end(Status.Successful, total == 0 ? "No instances to replace." : "Every instance was replaced.", now);
            } else {
                statusReason = "Waiting for the last replacements to be InService, healthy and warmed up.";
            }
            return List.of();
        }
        if (settling > 0) {
            statusReason = "Waiting for " + count(settling, "instance")
                    + " to be InService, healthy and warmed up before the next batch.";
            return List.of();
        }
        // Checkpoints: wait at one once its share is replaced and ready; never replace past the next one.
        int untilCheckpoint = Integer.MAX_VALUE;
        while (nextCheckpoint < checkpointPercentages.size() && surge == 0) {
            int cp = checkpointPercentages.get(nextCheckpoint);
            int needed = (int) Math.ceil(total * cp / 100.0);
            if (done < needed) {
                untilCheckpoint = needed - done;
                break;
            }
            if (checkpointUntil == null) {
                checkpointUntil = now.plusSeconds(checkpointDelaySeconds);
                reachedCheckpoint = true;
            }
            if (now.isBefore(checkpointUntil)) {
                statusReason = "Waiting at checkpoint " + (nextCheckpoint + 1) + " of " + checkpointPercentages.size()
                        + " (" + cp + " % replaced) until " + checkpointUntil + ".";
                return List.of();
            }
            checkpointUntil = null;
            nextCheckpoint++;
            if (nextCheckpoint == checkpointPercentages.size()) {
                end(Status.Successful, "Stopped at the last checkpoint (" + cp + " % replaced); "
                        + count(toReplace.size(), "instance") + " left as they were.", now);
                return List.of();
            }
        }
        int minHealthy = (int) Math.ceil(desiredCapacity * minHealthyPercentage / 100.0);
        int batch;
        if (surge > 0) {
            if (active.size() - surge < minHealthy) {
                // Not launched (Launch suspended, say): terminating now would leave too few serving.
                statusReason = "Waiting for " + count(surge, "replacement") + " to be launched before terminating.";
                return List.of();
            }
            batch = surge; // the replacements launched first are ready: their predecessors go now
            surge = 0;
        } else if (maxHealthyPercentage > 100
                && Math.min(maxSize, desiredCapacity * maxHealthyPercentage / 100) > desiredCapacity) {
            // maxHealthyPercentage above 100: launch up to that many replacements ahead, then terminate their
            // predecessors once they are ready, so the group never goes below its desired capacity.
            int ahead = Math.min(maxSize, desiredCapacity * maxHealthyPercentage / 100) - desiredCapacity;
            surge = Math.min(Math.min(toReplace.size(), untilCheckpoint), ahead);
            statusReason = "Launching " + count(surge, "replacement") + " ahead, up to " + maxHealthyPercentage
                    + " % of the desired capacity, before terminating.";
            return List.of();
        } else {
            batch = Math.min(Math.min(toReplace.size(), untilCheckpoint), Math.max(1, active.size() - minHealthy));
            if (active.size() - batch < minHealthy && desiredCapacity + batch <= maxSize) {
                // Terminating first would leave fewer than minHealthy serving (one instance, or 100 %): launch the
                // replacements first, above the desired capacity, as AWS does with a MaxHealthyPercentage over 100.
                surge = batch;
                statusReason = "Launching " + count(batch, "replacement") + " before terminating, to keep at least "
                        + minHealthy + " healthy.";
                return List.of();
            }
        }
        List<Member> victims = new ArrayList<>();
        for (Member m : active) {
            if (victims.size() < batch && toReplace.contains(m.id)) {
                victims.add(m);
            }
        }
        statusReason = "Replacing " + victims.size() + " of " + count(toReplace.size(), "instance") + " left, keeping at"
                + " least " + minHealthy + " healthy.";
        return victims;
    }

    /** True once after each checkpoint is reached (the group writes an activity for it). */
    private boolean reachedCheckpoint;

    /** Whether a checkpoint was reached since the last call; its wait is in {@link #snapshot()}'s reason. */
    boolean takeCheckpointReached() {
        boolean r = reachedCheckpoint;
        reachedCheckpoint = false;
        return r;
    }

    /** An instance launched during the refresh failed to launch or went unhealthy. */
    void failed(Member m, String why, Instant now) {
        if (!isActive() || m.launchTime.isBefore(startTime)) {
            return;
        }
        failures++;
        if (failures >= MAX_FAILURES) {
            end(Status.Failed, failures + " instances launched during the refresh failed; the last: " + why, now);
        }
    }

    void cancel(Instant now) {
        end(Status.Cancelled, "Cancelled by a user request.", now);
    }

    private void end(Status s, String reason, Instant now) {
        status = s;
        statusReason = reason;
        endTime = now;
        if (s == Status.Successful && toReplace.isEmpty()) {
            percentage = 100;
        }
    }

    /** "1 instance", "3 instances". */
    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private boolean ready(Member m, Instant now) {
        return m.state == LifecycleState.InService && m.health == HealthStatus.Healthy && m.inServiceTime != null
                && !now.isBefore(m.inServiceTime.plusSeconds(instanceWarmupSeconds));
    }

    InstanceRefresh snapshot() {
        return new InstanceRefresh(id, status, statusReason, startTime, endTime, percentage, toReplace.size(),
                minHealthyPercentage, maxHealthyPercentage, instanceWarmupSeconds, skipMatching, launchTemplateVersion,
                checkpointPercentages, checkpointDelaySeconds);
    }
}
