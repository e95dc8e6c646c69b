package io.headroom.core.scaling;

import java.util.List;
import java.util.Optional;

/**
 * Combines the decisions of a group's policies the way EC2 Auto Scaling does when several policies are in
 * force: the policy that gives the <em>largest</em> capacity wins, for scale-out and scale-in alike.
 * <ul>
 *   <li>A decision without a wanted capacity has no view (an alarm-based policy whose alarm is not in ALARM,
 *       a target tracking policy with scale-in disabled and nothing to add) and is ignored.</li>
 *   <li>Scale out when any view is above the desired capacity, to the largest view.</li>
 *   <li>Scale in only when every view is below the desired capacity, to the largest of them; a policy that
 *       wants to keep the current capacity (a view equal to it) blocks scale-in.</li>
 *   <li>The result is clamped to [minSize, maxSize]; empty when it equals the desired capacity.</li>
 * </ul>
 * On a tie the first decision in list order is reported as the cause.
 */
public final class PolicyCombiner {
    private PolicyCombiner() {}

    public static Optional<CapacityChange> combine(List<ScalingDecision> decisions, GroupState group) {
        ScalingDecision best = null;
        for (ScalingDecision d : decisions) {
            if (d.wantedCapacity().isPresent()
                    && (best == null || d.wantedCapacity().getAsInt() > best.wantedCapacity().getAsInt())) {
                best = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int wanted = best.wantedCapacity().getAsInt();
        int current = group.desiredCapacity();
        if (wanted == current) {
            return Optional.empty();
        }
        // wanted < current means every view is below it: the largest is the most conservative scale-in.
        int clamped = Math.max(group.minSize(), Math.min(group.maxSize(), wanted));
        if (clamped == current || (wanted > current && clamped < current) || (wanted < current && clamped > current)) {
            // Clamping must not turn a scale-out into a scale-in or the reverse; fixing a desired capacity
            // outside [min, max] is the controller's job (set by scheduled actions), not a policy's.
            return Optional.empty();
        }
        return Optional.of(new CapacityChange(clamped, best));
    }
}
