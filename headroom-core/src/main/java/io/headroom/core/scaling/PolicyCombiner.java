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
 *   <li>A floor ({@link ScalingDecision#atLeast}, predictive scaling's forecast) scales out when it is above the
 *       desired capacity and limits a scale-in to it, but does not cause a scale-in: alone, a floor below the
 *       desired capacity changes nothing (AWS: predictive scaling does not scale in).</li>
 *   <li>The result is clamped to [minSize, maxSize]; empty when it equals the desired capacity.</li>
 * </ul>
 * On a tie the first decision in list order is reported as the cause.
 */
public final class PolicyCombiner {
    private PolicyCombiner() {}

    public static Optional<CapacityChange> combine(List<ScalingDecision> decisions, GroupState group) {
        ScalingDecision best = null;
        ScalingDecision floor = null;
        for (ScalingDecision d : decisions) {
            if (d.wantedCapacity().isEmpty()) {
                continue;
            }
            if (d.floor()) {
                if (floor == null || d.wantedCapacity().getAsInt() > floor.wantedCapacity().getAsInt()) {
                    floor = d;
                }
            } else if (best == null || d.wantedCapacity().getAsInt() > best.wantedCapacity().getAsInt()) {
                best = d;
            }
        }
        int current = group.desiredCapacity();
        if (floor != null && floor.wantedCapacity().getAsInt() > current
                && (best == null || floor.wantedCapacity().getAsInt() > best.wantedCapacity().getAsInt())) {
            best = floor; // the forecast needs more than any other policy wants: scale out to it
        } else if (best == null) {
            return Optional.empty(); // no view, or only a floor at or below the desired capacity
        } else if (floor != null && best.wantedCapacity().getAsInt() < floor.wantedCapacity().getAsInt()) {
            // Another policy scales in, but not below the forecast (the floor is at most the desired capacity here).
            best = new ScalingDecision(best.policyName(), floor.wantedCapacity(), best.cause() + ", limited by "
                    + floor.policyName() + "'s forecast to " + floor.wantedCapacity().getAsInt());
        }
        int wanted = best.wantedCapacity().getAsInt();
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
