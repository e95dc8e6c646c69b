package io.headroom.scaling;

import java.time.Instant;

/**
 * An instance a user detached from its group (AWS's DetachInstances): still running, in no group and no target group,
 * not health checked, until a user attaches it to a group ({@link AutoScalingController#attachInstances}). Headroom
 * still owns its process: it is terminated when Headroom stops.
 *
 * @param detachedFrom the group it left
 * @param detachedTime when it became Detached (its drain ended)
 */
public record DetachedInstance(
        String instanceId,
        String availabilityZone,
        int launchTemplateVersion,
        Instant launchTime,
        String host,
        int port,
        String detachedFrom,
        Instant detachedTime) {}
