package io.headroom.scaling;

/**
 * What executing a scaling policy at a user's request did (AWS's ExecutePolicy).
 *
 * @param activity the activity of the capacity change; null when nothing changed
 * @param reason   why nothing changed (a simple policy in its cooldown with honorCooldown, an adjustment that leaves
 *                 the capacity as it is, or minSize / maxSize); null when it changed
 */
public record PolicyExecution(String policyName, int fromCapacity, int toCapacity, Activity activity, String reason) {
    public boolean executed() {
        return activity != null;
    }
}
