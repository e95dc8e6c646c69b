package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.AuthenticateOidcConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules with an authenticate-oidc action: the route carries the caller's authenticator and the next action. */
class RouterAuthenticateTest {
    static final AuthenticateOidcConfig OIDC = new AuthenticateOidcConfig("https://idp", "https://idp/auth",
            "https://idp/token", "https://idp/userinfo", "app", "secret", "AWSELBAuthSessionCookie", "openid",
            604800, Map.of(), AuthenticateOidcConfig.OnUnauthenticatedRequest.AUTHENTICATE);

    private static ConditionsConfig path(String... v) {
        return new ConditionsConfig(List.of(), List.of(v), List.of(), List.of(), List.of(), List.of());
    }

    private static ListenerConfig listener(ListenerConfig.Protocol protocol, ActionConfig dflt, RuleConfig... rules) {
        return new ListenerConfig("127.0.0.1", 443, protocol, List.of(), null, dflt, List.of(rules));
    }

    @Test
    void anAuthenticatedRuleLeadsToItsNextActionWithTheAuthenticatorMadeOnce() {
        List<AuthenticateOidcConfig> made = new ArrayList<>();
        Router<String> router = Router.compile(listener(ListenerConfig.Protocol.HTTPS, ActionConfig.Forward.to("web"),
                new RuleConfig(10, path("/app/*"), new ActionConfig.AuthenticateOidc(OIDC, ActionConfig.Forward.to("app"))),
                new RuleConfig(20, path("/old/*"), new ActionConfig.AuthenticateOidc(OIDC,
                        new ActionConfig.Redirect("#{protocol}", "#{host}", "#{port}", "/new/#{path}", "#{query}", 301)))),
                name -> "tg-" + name, c -> {
                    made.add(c);
                    return "authenticator-" + made.size();
                });
        assertThat(made).hasSize(2);

        Route<String> r = router.route(TestRequest.get("/app/x"));
        assertThat(r).isInstanceOf(Route.Authenticate.class);
        Route.Authenticate<String> a = (Route.Authenticate<String>) r;
        assertThat(a.authenticator()).isEqualTo("authenticator-1");
        assertThat(a.rulePriority()).isEqualTo(10);
        assertThat(a.then()).isInstanceOf(Route.Forward.class);
        assertThat(((Route.Forward<String>) a.then()).groups()).containsExactly("tg-app");
        // Built once: every request gets the same route.
        assertThat(router.route(TestRequest.get("/app/y"))).isSameAs(r);

        Route.Authenticate<String> redirect = (Route.Authenticate<String>) router.route(TestRequest.get("/old/a?b=c")
                .host("example.com"));
        assertThat(redirect.authenticator()).isEqualTo("authenticator-2");
        assertThat(((Route.Redirect<String>) redirect.then()).location()).isEqualTo("http://example.com/new/old/a?b=c");

        // A rule without the action is routed as before.
        assertThat(router.route(TestRequest.get("/other"))).isInstanceOf(Route.Forward.class);
    }

    @Test
    void theDefaultActionMayAuthenticate() {
        Router<String> router = Router.compile(listener(ListenerConfig.Protocol.HTTPS,
                new ActionConfig.AuthenticateOidc(OIDC, new ActionConfig.FixedResponse(200, "text/plain", "hi"))),
                name -> "tg-" + name, c -> "auth");
        Route.Authenticate<String> a = (Route.Authenticate<String>) router.route(TestRequest.get("/"));
        assertThat(a.rulePriority()).isZero();
        assertThat(a.then()).isEqualTo(new Route.FixedResponse<String>(200, "text/plain", "hi"));
    }

    @Test
    void anHttpListenerCannotAuthenticate() {
        assertThatThrownBy(() -> Router.compile(listener(ListenerConfig.Protocol.HTTP, ActionConfig.Forward.to("web"),
                new RuleConfig(10, path("/app/*"), new ActionConfig.AuthenticateOidc(OIDC, ActionConfig.Forward.to("app")))),
                name -> "tg-" + name)).hasMessage("listener :443 rules[priority=10].action.authenticateOidc: only "
                + "allowed on HTTPS listeners");
    }

    @Test
    void theClientSecretIsNotInTheConfigsText() {
        assertThat(OIDC.toString()).doesNotContain("secret,").contains("clientSecret=****");
    }
}
