package io.headroom.core.config;

import static io.headroom.core.config.ConfigLoaderErrorsTest.TGS;
import static io.headroom.core.config.ConfigLoaderErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.AuthenticateOidcConfig.OnUnauthenticatedRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authenticate-oidc action in the config: what binds (with AWS's defaults), and every error with its path. */
class AuthenticateOidcConfigTest {
    static final String IDP = "issuer: 'https://idp.example.com', authorizationEndpoint: 'https://idp.example.com/auth', "
            + "tokenEndpoint: 'https://idp.example.com/token', userInfoEndpoint: 'http://127.0.0.1:9000/userinfo', "
            + "clientId: app";
    static final String SECRET = ", clientSecret: s3cret";
    static final String A0 = "loadBalancers[0].listeners[0].rules[0].action.authenticateOidc";

    /** An HTTPS listener (or {@code protocol}) with one rule whose action is {@code action}. */
    static String listener(String protocol, String action) {
        return TGS + "loadBalancers: [{name: lb, listeners: [{port: 8443, protocol: " + protocol
                + (protocol.equals("HTTPS") ? ", certificates: [{selfSigned: {commonName: localhost}}]" : "")
                + ", defaultAction: {forward: {targetGroup: web}}, rules: [{priority: 10, conditions: "
                + "{pathPattern: ['/app/*']}, action: " + action + "}]}]}]\n";
    }

    static String oidc(String extra) {
        return listener("HTTPS", "{authenticateOidc: {" + IDP + SECRET + extra + "}, forward: {targetGroup: web}}");
    }

    private static HeadroomConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml", Map.of("OIDC_SECRET", "from-the-environment"));
    }

    @Test
    void bindsWithAwsDefaultsAndTheSecretFromTheEnvironment() throws ConfigException {
        ActionConfig a = parse(oidc("").replace("clientSecret: s3cret", "clientSecret: '${OIDC_SECRET}'")).loadBalancers().get(0).listeners().get(0).rules().get(0).action();
        assertThat(a).isInstanceOf(ActionConfig.AuthenticateOidc.class);
        AuthenticateOidcConfig c = ((ActionConfig.AuthenticateOidc) a).oidc();
        assertThat(a.terminal()).isEqualTo(ActionConfig.Forward.to("web"));
        assertThat(c.clientSecret()).isEqualTo("from-the-environment");
        assertThat(c.sessionCookieName()).isEqualTo("AWSELBAuthSessionCookie");
        assertThat(c.scope()).isEqualTo("openid");
        assertThat(c.sessionTimeoutSeconds()).isEqualTo(604800);
        assertThat(c.onUnauthenticatedRequest()).isEqualTo(OnUnauthenticatedRequest.AUTHENTICATE);
        assertThat(c.authenticationRequestExtraParams()).isEmpty();
        assertThat(c.toString()).doesNotContain("from-the-environment");
    }

    @Test
    void bindsEveryKey() throws ConfigException {
        AuthenticateOidcConfig c = ((ActionConfig.AuthenticateOidc) parse(oidc(", sessionCookieName: MySession, "
                + "scope: 'openid email', sessionTimeout: 3600, onUnauthenticatedRequest: deny, "
                + "authenticationRequestExtraParams: {prompt: login, display: page}")).loadBalancers().get(0)
                .listeners().get(0).rules().get(0).action()).oidc();
        assertThat(c.sessionCookieName()).isEqualTo("MySession");
        assertThat(c.scope()).isEqualTo("openid email");
        assertThat(c.sessionTimeoutSeconds()).isEqualTo(3600);
        assertThat(c.onUnauthenticatedRequest()).isEqualTo(OnUnauthenticatedRequest.DENY);
        assertThat(c.authenticationRequestExtraParams()).containsExactly(Map.entry("prompt", "login"),
                Map.entry("display", "page"));
    }

    @Test
    void aListenersDefaultActionMayAuthenticate() throws ConfigException {
        String yaml = TGS + "loadBalancers: [{name: lb, listeners: [{port: 8443, protocol: HTTPS, certificates: "
                + "[{selfSigned: {commonName: localhost}}], defaultAction: {authenticateOidc: {" + IDP + SECRET
                + "}, fixedResponse: {statusCode: 200, messageBody: hello}}}]}]\n";
        ActionConfig a = parse(yaml).loadBalancers().get(0).listeners().get(0).defaultAction();
        assertThat(a.terminal()).isEqualTo(new ActionConfig.FixedResponse(200, "text/plain", "hello"));
    }

    @Test
    void onAnHttpListenerItIsAnErrorNamingTheKey() {
        assertThat(errors(listener("HTTP", "{authenticateOidc: {" + IDP + SECRET + "}, forward: {targetGroup: web}}")))
                .containsExactly(A0 + ": only allowed on HTTPS listeners (as on AWS; this listener is HTTP)");
    }

    @Test
    void aMissingClientIdIsNamed() {
        assertThat(errors(listener("HTTPS", "{authenticateOidc: {" + IDP.replace(", clientId: app", "") + SECRET
                + "}, forward: {targetGroup: web}}")))
                .containsExactly(A0 + ".clientId: required key is missing");
    }

    @Test
    void aBadOnUnauthenticatedRequestIsNamed() {
        assertThat(errors(oidc(", onUnauthenticatedRequest: login"))).containsExactly(A0
                + ".onUnauthenticatedRequest: \"login\" (expected: deny | allow | authenticate)");
    }

    @Test
    void badValuesAreNamed() {
        assertThat(errors(oidc(", sessionTimeout: 604801, scope: '', sessionCookieName: 'a b', "
                + "authenticationRequestExtraParams: {state: x, 'a&b': y}")))
                .containsExactlyInAnyOrder(
                        A0 + ".sessionTimeout: 604801 (expected: 1..604800)",
                        A0 + ".scope: \"\" (expected: scopes separated by spaces, e.g. \"openid email\", "
                                + "at most 256 characters)",
                        A0 + ".sessionCookieName: \"a b\" (expected: a cookie name: 1..64 letters, "
                                + "digits and !#$%&'*+-.^_`|~)",
                        A0 + ".authenticationRequestExtraParams.state: is set by the load balancer "
                                + "itself (expected: a parameter other than response_type, client_id, redirect_uri, "
                                + "scope, state)",
                        A0 + ".authenticationRequestExtraParams.a&b: not a query parameter name "
                                + "(expected: letters, digits, _ . -)");
    }

    @Test
    void anEndpointMustBeAnHttpOrHttpsUrl() {
        assertThat(errors(listener("HTTPS", "{authenticateOidc: {" + IDP.replace("'https://idp.example.com/token'",
                "'ftp://idp/token'") + SECRET + "}, forward: {targetGroup: web}}"))).containsExactly(A0
                + ".tokenEndpoint: \"ftp://idp/token\" (expected: a full https:// URL with the domain and the path, "
                + "e.g. https://idp.example.com/oauth2/token; http:// for an IdP on this machine)");
    }

    @Test
    void authenticationAloneIsNotAnAction() {
        assertThat(errors(listener("HTTPS", "{authenticateOidc: {" + IDP + SECRET + "}}"))).containsExactly(
                "loadBalancers[0].listeners[0].rules[0].action: has authenticateOidc only (expected: "
                        + "authenticateOidc followed by one of forward, redirect, fixedResponse, as on AWS)");
    }

    @Test
    void transformsApplyToTheForwardAfterTheAuthentication() throws ConfigException {
        String yaml = oidc("").replace("}]}]}]\n", ", transforms: [{type: url-rewrite, urlRewriteConfig: {rewrites: "
                + "[{regex: '^/app/(.*)$', replace: '/$1'}]}}]}]}]}]\n");
        assertThat(parse(yaml).loadBalancers().get(0).listeners().get(0).rules().get(0).transforms()).hasSize(1);
    }
}
