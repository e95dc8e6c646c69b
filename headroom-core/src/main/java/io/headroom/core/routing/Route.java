package io.headroom.core.routing;

import io.headroom.core.config.AuthenticateOidcConfig;
import io.headroom.core.config.StickinessConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the listener does with one request: the action of the first matching rule, or the default action.
 * {@link Forward} and {@link FixedResponse} routes are built once at config load and shared by all requests;
 * a {@link Redirect} carries the Location already rendered for the request.
 *
 * @param <G> the runtime target group type
 */
public sealed interface Route<G> {

    /**
     * Forward to one of {@code groups}, chosen by {@code weights} (same length, each {@code >= 0}).
     * The {@code weights} array is shared: callers must not modify it.
     *
     * @param stickiness   target-group stickiness of the forward action (never null; disabled when not configured)
     * @param rulePriority the priority of the matched rule, 0 for the listener's default action
     * @param transform    the rule's transforms, applied after the target group is chosen; null when none
     */
    record Forward<G>(List<G> groups, int[] weights, StickinessConfig stickiness, int rulePriority,
                      RequestTransform transform) implements Route<G> {

        public Forward {
            groups = List.copyOf(groups);
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(stickiness, "stickiness");
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("forward: no target groups");
            }
            if (weights.length != groups.size()) {
                throw new IllegalArgumentException(
                        "forward: " + weights.length + " weights for " + groups.size() + " target groups");
            }
            for (int w : weights) {
                if (w < 0) {
                    throw new IllegalArgumentException("forward: weight " + w + " (expected: >= 0)");
                }
            }
            weights = weights.clone();
        }

        /** A forward without transforms. */
        public Forward(List<G> groups, int[] weights, StickinessConfig stickiness, int rulePriority) {
            this(groups, weights, stickiness, rulePriority, null);
        }

        /**
         * A weighted random choice: group {@code i} with probability {@code weights[i] / sum(weights)}. A group
         * of weight 0 is never chosen, unless all weights are 0, in which case the choice is uniform.
         */
        public G pick(RandomGenerator rnd) {
            if (weights.length == 1) {
                return groups.get(0);
            }
            long total = 0;
            for (int w : weights) {
                total += w;
            }
            if (total == 0) {
                return groups.get(rnd.nextInt(weights.length));
            }
            long r = rnd.nextLong(total);
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return groups.get(i);
                }
            }
            return groups.get(weights.length - 1); // unreachable: r < total
        }

        // The weights array compares by content, not identity.
        @Override
        public boolean equals(Object o) {
            return o instanceof Forward<?> f && groups.equals(f.groups) && Arrays.equals(weights, f.weights)
                    && stickiness.equals(f.stickiness) && rulePriority == f.rulePriority
                    && Objects.equals(transform, f.transform);
        }

        @Override
        public int hashCode() {
            return Objects.hash(groups, Arrays.hashCode(weights), stickiness, rulePriority, transform);
        }

        @Override
        public String toString() {
            return "Forward[groups=" + groups + ", weights=" + Arrays.toString(weights) + ", stickiness=" + stickiness
                    + ", rulePriority=" + rulePriority + ", transform=" + transform + "]";
        }
    }

    /** Redirect with {@code statusCode} (301 or 302) to {@code location}, rendered for this request. */
    record Redirect<G>(int statusCode, String location) implements Route<G> {}

    /** Answer directly with the configured status code, content type (may be null) and body (may be null). */
    record FixedResponse<G>(int statusCode, String contentType, String body) implements Route<G> {}

    /**
     * AWS's {@code authenticate-oidc}: authenticate the user first, then {@code then} (never another Authenticate).
     *
     * @param authenticator what the router's caller made for this action at compile time (see
     *                      {@link Router#compile(io.headroom.core.config.ListenerConfig, java.util.function.Function,
     *                      java.util.function.Function)}); null when the caller made none
     * @param rulePriority  the priority of the matched rule, 0 for the listener's default action
     */
    record Authenticate<G>(AuthenticateOidcConfig oidc, Object authenticator, int rulePriority, Route<G> then)
            implements Route<G> {
        public Authenticate {
            Objects.requireNonNull(oidc, "oidc");
            Objects.requireNonNull(then, "then");
        }
    }
}
