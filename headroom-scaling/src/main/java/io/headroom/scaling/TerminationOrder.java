package io.headroom.scaling;

import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which instances a scale in terminates, with AWS's rules:
 * <ol>
 *   <li>Instances protected from scale in are never chosen.</li>
 *   <li>Instances still Pending go before InService ones: they serve nothing yet.</li>
 *   <li>Zone balance comes before the termination policies: the instance comes from the zone with the most
 *       instances that has at least one unprotected candidate.</li>
 *   <li>Within that zone the group's termination policies decide, in order, each breaking the ties of the
 *       one before: {@code OldestInstance}, {@code NewestInstance}, {@code OldestLaunchTemplate} (instances not
 *       on the current launch template version first, then the oldest version), {@code Default}
 *       (OldestLaunchTemplate, then the instance closest to the next billing hour, which with per-second
 *       billing we take to be the oldest one). Remaining ties go to the oldest launch, then the instance id.</li>
 * </ol>
 * Pure and deterministic.
 */
final class TerminationOrder {
    private TerminationOrder() {}

    /**
     * Chooses up to {@code count} instances to terminate.
     *
     * @param active                 the group's healthy Pending and InService instances (protected ones included:
     *                               they count for zone balance)
     * @param currentTemplateVersion the launch template version new instances get
     */
    static List<Member> choose(List<Member> active, int count, List<TerminationPolicy> policies, int currentTemplateVersion) {
        Comparator<Member> order = comparator(policies, currentTemplateVersion);
        List<Member> remaining = new ArrayList<>(active);
        List<Member> chosen = new ArrayList<>();
        while (chosen.size() < count) {
            List<Member> candidates = remaining.stream()
                    .filter(m -> !m.protectedFromScaleIn && m.state.isPending()).toList();
            if (candidates.isEmpty()) {
                candidates = remaining.stream().filter(m -> !m.protectedFromScaleIn).toList();
            }
            if (candidates.isEmpty()) {
                break;
            }
            Map<String, Integer> perZone = new HashMap<>();
            for (Member m : remaining) {
                perZone.merge(m.zone, 1, Integer::sum);
            }
            int most = candidates.stream().mapToInt(m -> perZone.get(m.zone)).max().orElseThrow();
            Member pick = candidates.stream().filter(m -> perZone.get(m.zone) == most).min(order).orElseThrow();
            chosen.add(pick);
            remaining.remove(pick);
        }
        return chosen;
    }

    static Comparator<Member> comparator(List<TerminationPolicy> policies, int currentTemplateVersion) {
        Comparator<Member> oldestTemplate = Comparator
                .comparing((Member m) -> m.launchTemplateVersion == currentTemplateVersion)
                .thenComparingInt(m -> m.launchTemplateVersion);
        Comparator<Member> oldest = Comparator.comparing(m -> m.launchTime);
        Comparator<Member> c = (a, b) -> 0;
        for (TerminationPolicy p : policies) {
            c = c.thenComparing(switch (p) {
                case OLDEST_INSTANCE -> oldest;
                case NEWEST_INSTANCE -> oldest.reversed();
                case OLDEST_LAUNCH_TEMPLATE -> oldestTemplate;
                case DEFAULT -> oldestTemplate.thenComparing(oldest);
            });
        }
        return c.thenComparing(oldest).thenComparing(m -> m.id);
    }
}
