package io.headroom.scaling;

import io.headroom.scaling.InstanceRefresh.RollbackDetails;
import io.headroom.scaling.InstanceRefresh.Status;
import io.headroom.scaling.RefreshPreferences.ScaleInProtectedInstances;
import io.headroom.scaling.RefreshPreferences.StandbyInstances;
import java.time.Duration;
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
 * <pre>
 *   Pending ─► InProgress ──────────────────────────────► Successful   (a desired configuration becomes the group's)
 *                 │  │ └─ cancel ─────────────────────────► Cancelled
 *                 │  └─ 3 failures / an alarm in ALARM ──► Failed      (without autoRollback)
 *                 └─ rollback, or autoRollback on failure ─► RollbackInProgress ─► RollbackSuccessful
 *                                                                               └► RollbackFailed (3 failures)
 * </pre>
 *
 * <p>A step first drops from the instances to replace those that left service meanwhile (scaled in, replaced as
 * unhealthy, terminated by hand). While any active instance of the group is not <em>ready</em> — InService, healthy
 * and {@code instanceWarmupSeconds} past going InService — a batch is still settling and the step waits. Otherwise
 * it picks the next batch: as many instances as can leave while the ready ones stay at or above
 * {@code ceil(desired × minHealthyPercentage / 100)}, and at least one, as AWS replaces at least one at a time.
 * The group terminates them without decrementing the desired capacity, so its reconcile launches their
 * replacements at once, from {@link #launchVersion()} (the desired configuration's version, or the group's own).
 * When terminating even one would leave fewer than that minimum serving (a group of one, or 100 %), the
 * replacements are launched first, above the desired capacity while maxSize allows ({@link #surge}), and their
 * predecessors terminated once they are ready: no moment without a healthy instance. Without room under maxSize it
 * terminates first, as AWS does. The refresh is Successful when nothing is left to replace and the last batch has
 * settled; it fails after {@value #MAX_FAILURES} instances launched during it failed to launch or went unhealthy, or
 * when one of its alarms is in ALARM.
 *
 * <p>Checkpoints (AWS's CheckpointPercentages and CheckpointDelay): batches are cut so as not to replace more than the
 * next checkpoint's share of the instances to replace; once that share is replaced and ready, the refresh waits
 * {@code checkpointDelaySeconds} before the next batch, so that the new instances can be checked (or the refresh
 * cancelled). When the last checkpoint is below 100, the refresh ends there, Successful, with the rest left as they
 * are.
 *
 * <p>A rollback (AWS's RollbackInstanceRefresh, or AutoRollback when the refresh fails) turns the same run around:
 * the instances to replace become those launched since the refresh started that are not on the version the group
 * launched before it ({@link #rollbackVersion}); they are replaced with that version by the same batch rules, without
 * checkpoints or alarms.
 */
final class RefreshRun {
    static final int MAX_FAILURES = 3;
    /** How long AWS waits for protected or Standby instances (the Wait preferences) before the refresh fails. */
    static final Duration MAX_WAIT = Duration.ofHours(1);

    final String id = UUID.randomUUID().toString();
    final int minHealthyPercentage;
    final int maxHealthyPercentage;
    final int instanceWarmupSeconds;
    final boolean skipMatching;
    /** The version rolled out: the desired configuration's, or the group's when the refresh started. */
    final int launchTemplateVersion;
    /** The desired configuration as asked for ("3", "$Latest", "$Default"); null for none. */
    final String desiredVersion;
    /** The version a rollback goes back to; null when the refresh cannot be rolled back. */
    final Integer rollbackVersion;
    final boolean autoRollback;
    final List<String> alarms;
    final ScaleInProtectedInstances scaleInProtected;
    final StandbyInstances standby;
    final Instant startTime;
    /** Ascending, each 1..100; empty for none. */
    final List<Integer> checkpointPercentages;
    final int checkpointDelaySeconds;
    private final Set<String> toReplace = new LinkedHashSet<>();
    /** Standby instances to terminate at the first step (StandbyInstances: Terminate). */
    private final Set<String> standbyToTerminate = new LinkedHashSet<>();
    /** The index of the next checkpoint in {@link #checkpointPercentages}. */
    private int nextCheckpoint;
    /** While waiting at a checkpoint: when the wait ends; else null. */
    private Instant checkpointUntil;
    private int total;
    private Status status = Status.Pending;
    private String statusReason = "Waiting for the group's next tick.";
    private Instant endTime;
    /**
     * The instances the group launched while this refresh was active, and those of the current phase (the refresh, or
     * its rollback: failures count these), by id, told by the group as it launches ({@link #launched}). Not by launch
     * time: a launch's time is its tick's, read before the tick runs, so it can be a moment older than a refresh an
     * API call started during that tick.
     */
    private final java.util.Set<String> launchedSinceStart = new java.util.HashSet<>();
    private final java.util.Set<String> launchedThisPhase = new java.util.HashSet<>();
    private int failures;
    private int percentage;
    /** Replacements launched ahead of the instances they replace (0 when none are). */
    private int surge;
    /** A failure that rolls the refresh back at the next step (autoRollback). */
    private String pendingRollback;
    /** Since when only instances waiting for their protection to go, or to leave Standby, are left; else null. */
    private Instant waitingSince;
    private RollbackDetails rollback;

    /**
     * @param candidates the group's instances, oldest first: the active ones are replaced, those protected from scale in
     *                   as {@code prefs.scaleInProtectedInstances()} says and Standby ones as
     *                   {@code prefs.standbyInstances()} says; with {@code skipMatching} not those already on
     *                   {@code launchTemplateVersion}
     * @param prefs      checked by the group; instanceWarmup and checkpointDelay resolved
     */
    RefreshRun(Collection<Member> candidates, RefreshPreferences prefs, int launchTemplateVersion, String desiredVersion,
               Integer rollbackVersion, Instant now) {
        this.checkpointPercentages = prefs.checkpointPercentages();
        this.checkpointDelaySeconds = prefs.checkpointDelay();
        this.minHealthyPercentage = prefs.minHealthyPercentage();
        this.maxHealthyPercentage = prefs.maxHealthyPercentage();
        this.instanceWarmupSeconds = prefs.instanceWarmup();
        this.skipMatching = prefs.skipMatching();
        this.autoRollback = prefs.autoRollback();
        this.alarms = prefs.alarms();
        this.scaleInProtected = prefs.scaleInProtectedInstances();
        this.standby = prefs.standbyInstances();
        this.launchTemplateVersion = launchTemplateVersion;
        this.desiredVersion = desiredVersion;
        this.rollbackVersion = rollbackVersion;
        this.startTime = now;
        for (Member m : candidates) {
            if (skipMatching && m.launchTemplateVersion == launchTemplateVersion) {
                continue;
            }
            if (m.state.isActive() && !(m.protectedFromScaleIn && scaleInProtected == ScaleInProtectedInstances.Ignore)) {
                toReplace.add(m.id);
            } else if (m.state.isStandby() && standby == StandbyInstances.Wait) {
                toReplace.add(m.id);
            } else if (m.state.isStandby() && standby == StandbyInstances.Terminate) {
                standbyToTerminate.add(m.id);
            }
        }
        this.total = toReplace.size();
    }

    boolean isActive() {
        return status.isActive();
    }

    boolean rollingBack() {
        return rollback != null;
    }

    Status status() {
        return status;
    }

    /**
     * The version the group launches while this refresh is active: the rollback's, or the desired configuration's;
     * null to launch the group's own.
     */
    Integer launchVersion() {
        if (!isActive()) {
            return null;
        }
        return rollingBack() ? rollbackVersion : desiredVersion != null ? launchTemplateVersion : null;
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
        if (pendingRollback != null) {
            rollback(members, "The instance refresh failed and was rolled back automatically (AutoRollback): "
                    + pendingRollback, now);
        }
        if (status == Status.Pending) {
            status = Status.InProgress;
        }
        List<Member> victims = new ArrayList<>();
        List<Member> active = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (Member m : members) {
            if (m.state.isActive()) {
                active.add(m);
                present.add(m.id);
            } else if (m.state.isStandby() && standby == StandbyInstances.Wait) {
                present.add(m.id); // replaced once back InService
            }
            if (m.state.isStandby() && standbyToTerminate.contains(m.id)) {
                victims.add(m); // not capacity: nothing replaces it, nothing to wait for
            }
        }
        standbyToTerminate.clear();
        toReplace.retainAll(present);
        if (scaleInProtected == ScaleInProtectedInstances.Ignore) {
            // Protected meanwhile: left alone, as if protected at the start.
            active.stream().filter(m -> m.protectedFromScaleIn).forEach(m -> toReplace.remove(m.id));
        }
        long settling = active.stream().filter(m -> !ready(m, now)).count();
        int done = total - toReplace.size();
        percentage = total == 0 ? 100 : (int) (100L * Math.max(0, done - settling) / total);
        if (toReplace.isEmpty()) {
            if (settling == 0) {
                end(rollingBack() ? Status.RollbackSuccessful : Status.Successful, rollingBack()
                        ? (total == 0 ? "Rollback complete: no instance launched by the refresh was left to replace."
                                : "Rollback complete: every instance launched by the refresh was replaced with launch"
                                        + " template version " + rollbackVersion + ".")
                        : total == 0 ? "No instances to replace." : "Every instance was replaced.", now);
            } else {
                statusReason = "Waiting for the last replacements to be InService, healthy and warmed up.";
            }
            return victims;
        }
        if (settling > 0) {
            statusReason = "Waiting for " + count(settling, "instance")
                    + " to be InService, healthy and warmed up before the next batch.";
            return victims;
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
                return victims;
            }
            checkpointUntil = null;
            nextCheckpoint++;
            if (nextCheckpoint == checkpointPercentages.size()) {
                end(Status.Successful, "Stopped at the last checkpoint (" + cp + " % replaced); "
                        + count(toReplace.size(), "instance") + " left as they were.", now);
                return victims;
            }
        }
        // What can go now: not those still protected (ScaleInProtectedInstances: Wait), nor in Standby (Wait).
        List<Member> pickable = active.stream().filter(m -> toReplace.contains(m.id)
                && !(m.protectedFromScaleIn && scaleInProtected == ScaleInProtectedInstances.Wait)).toList();
        if (pickable.isEmpty()) {
            waitingSince = waitingSince == null ? now : waitingSince;
            String waitingFor = count(toReplace.size(), "instance") + " protected from scale in or in Standby";
            if (!now.isBefore(waitingSince.plus(MAX_WAIT))) {
                fail("Waited " + MAX_WAIT.toMinutes() + " minutes for " + waitingFor + " to be replaceable"
                        + " (ScaleInProtectedInstances or StandbyInstances: Wait).", now);
            } else {
                statusReason = "Waiting for " + waitingFor + ": remove the protection or exit Standby to let"
                        + " the refresh replace them (until " + waitingSince.plus(MAX_WAIT) + ").";
            }
            return victims;
        }
        waitingSince = null;
        int minHealthy = (int) Math.ceil(desiredCapacity * minHealthyPercentage / 100.0);
        int batch;
        if (surge > 0) {
            if (active.size() - surge < minHealthy) {
                // Not launched (Launch suspended, say): terminating now would leave too few serving.
                statusReason = "Waiting for " + count(surge, "replacement") + " to be launched before terminating.";
                return victims;
            }
            batch = surge; // the replacements launched first are ready: their predecessors go now
            surge = 0;
        } else if (maxHealthyPercentage > 100
                && Math.min(maxSize, desiredCapacity * maxHealthyPercentage / 100) > desiredCapacity) {
            // maxHealthyPercentage above 100: launch up to that many replacements ahead, then terminate their
            // predecessors once they are ready, so the group never goes below its desired capacity.
            int ahead = Math.min(maxSize, desiredCapacity * maxHealthyPercentage / 100) - desiredCapacity;
            surge = Math.min(Math.min(pickable.size(), untilCheckpoint), ahead);
            statusReason = "Launching " + count(surge, "replacement") + " ahead, up to " + maxHealthyPercentage
                    + " % of the desired capacity, before terminating.";
            return victims;
        } else {
            batch = Math.min(Math.min(pickable.size(), untilCheckpoint), Math.max(1, active.size() - minHealthy));
            if (active.size() - batch < minHealthy && desiredCapacity + batch <= maxSize) {
                // Terminating first would leave fewer than minHealthy serving (one instance, or 100 %): launch the
                // replacements first, above the desired capacity, as AWS does with a MaxHealthyPercentage over 100.
                surge = batch;
                statusReason = "Launching " + count(batch, "replacement") + " before terminating, to keep at least "
                        + minHealthy + " healthy.";
                return victims;
            }
        }
        int picked = 0;
        for (Member m : pickable) {
            if (picked++ < batch) {
                victims.add(m);
            }
        }
        statusReason = (rollingBack() ? "Rolling back: replacing " : "Replacing ") + Math.min(batch, pickable.size())
                + " of " + count(toReplace.size(), "instance") + " left, keeping at least " + minHealthy + " healthy.";
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

    /** The group launched this instance while the refresh is active (any launch: the refresh's, a scale out's). */
    void launched(Member m) {
        launchedSinceStart.add(m.id);
        launchedThisPhase.add(m.id);
    }

    /** An instance launched during the refresh (or its rollback) failed to launch or went unhealthy. */
    void failed(Member m, String why, Instant now) {
        if (!isActive() || pendingRollback != null || !launchedThisPhase.contains(m.id)) {
            return;
        }
        failures++;
        if (failures >= MAX_FAILURES) {
            fail(failures + " instances launched during the " + (rollingBack() ? "rollback" : "refresh")
                    + " failed; the last: " + why, now);
        }
    }

    /** The refresh's alarms now in ALARM (empty: none); any fails the refresh, not its rollback. */
    void alarmsInAlarm(List<String> names, Instant now) {
        if (!names.isEmpty() && isActive() && !rollingBack() && pendingRollback == null) {
            fail("The instance refresh failed because " + (names.size() == 1 ? "alarm " + names.get(0) + " is"
                    : "alarms " + String.join(", ", names) + " are") + " in ALARM state.", now);
        }
    }

    /** Ends the refresh Failed, or with autoRollback rolls it back at the next step; a rollback ends RollbackFailed. */
    private void fail(String reason, Instant now) {
        if (rollingBack()) {
            end(Status.RollbackFailed, reason, now);
        } else if (autoRollback && rollbackVersion != null) {
            pendingRollback = reason;
            statusReason = reason + " Rolling back.";
        } else {
            end(Status.Failed, reason, now);
        }
    }

    /**
     * Turns the refresh around (AWS's RollbackInstanceRefresh): from now on it replaces the instances launched since it
     * started that are not on {@link #rollbackVersion}, and the group launches that version. The caller checked
     * that it is active, not rolling back already, and has a rollback version.
     */
    void rollback(Collection<Member> members, String reason, Instant now) {
        rollback = new RollbackDetails(reason, now, percentage, toReplace.size());
        status = Status.RollbackInProgress;
        failures = 0;
        surge = 0;
        pendingRollback = null;
        waitingSince = null;
        checkpointUntil = null;
        nextCheckpoint = checkpointPercentages.size(); // a rollback does not stop at checkpoints
        launchedThisPhase.clear();
        toReplace.clear();
        standbyToTerminate.clear();
        for (Member m : members) {
            if (m.state.isActive() && launchedSinceStart.contains(m.id) && m.launchTemplateVersion != rollbackVersion) {
                toReplace.add(m.id);
            }
        }
        total = toReplace.size();
        percentage = 0;
        statusReason = "Rolling back: replacing " + count(total, "instance") + " launched by the refresh with launch"
                + " template version " + rollbackVersion + ".";
    }

    void cancel(Instant now) {
        end(Status.Cancelled, "Cancelled by a user request.", now);
    }

    private void end(Status s, String reason, Instant now) {
        status = s;
        statusReason = reason;
        endTime = now;
        if ((s == Status.Successful || s == Status.RollbackSuccessful) && toReplace.isEmpty()) {
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
                checkpointPercentages, checkpointDelaySeconds, desiredVersion, rollbackVersion, autoRollback, alarms,
                scaleInProtected, standby, rollback);
    }
}
