package io.headroom.core.config;

import java.util.List;

/** What a rule (or a listener's default) does with a matching request. */
public sealed interface ActionConfig {

    /** The action that answers the request or forwards it: this one, or the one an authentication runs before. */
    default ActionConfig terminal() {
        return this;
    }

    /**
     * AWS's {@code authenticate-oidc} action, which comes first, then {@code then} (a forward, redirect or fixed
     * response) for authenticated requests (and for unauthenticated ones when {@code onUnauthenticatedRequest} is
     * allow).
     */
    record AuthenticateOidc(AuthenticateOidcConfig oidc, ActionConfig then) implements ActionConfig {
        public AuthenticateOidc {
            java.util.Objects.requireNonNull(oidc, "oidc");
            java.util.Objects.requireNonNull(then, "then");
            if (then instanceof AuthenticateOidc) {
                throw new IllegalArgumentException("authenticateOidc: then must be forward, redirect or fixedResponse");
            }
        }

        @Override
        public ActionConfig terminal() {
            return then;
        }
    }

    /** Forward to one target group, or to up to five weighted target groups. */
    record Forward(List<WeightedTargetGroup> targetGroups, StickinessConfig stickiness) implements ActionConfig {
        public Forward {
            targetGroups = List.copyOf(targetGroups);
        }

        public static Forward to(String targetGroup) {
            return new Forward(List.of(new WeightedTargetGroup(targetGroup, 1)), StickinessConfig.disabled());
        }
    }

    record WeightedTargetGroup(String name, int weight) {}

    /**
     * Redirect. Each part may contain the placeholders {@code #{protocol} #{host} #{port} #{path} #{query}};
     * absent parts default to AWS's defaults ({@code #{protocol}}, {@code #{host}}, {@code #{port}},
     * {@code /#{path}}, {@code #{query}}). As in AWS, {@code #{path}} is the original path without its leading "/".
     */
    record Redirect(String protocol, String host, String port, String path, String query, int statusCode)
            implements ActionConfig {}

    record FixedResponse(int statusCode, String contentType, String messageBody) implements ActionConfig {}
}
