package io.headroom.core.config;

import static io.headroom.core.config.ConfigLoaderErrorsTest.errors;
import static io.headroom.core.config.ConfigLoaderErrorsTest.listener;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Listener rule transforms in the config: what binds, and every error with its exact path. */
class RuleTransformConfigTest {
    static final String R0 = "loadBalancers[0].listeners[0].rules[0].";
    static final String T0 = R0 + "transforms[0].";

    static String rule(String action, String transforms) {
        return listener(", rules: [{priority: 10, conditions: {pathPattern: ['/api/*']}, action: " + action
                + ", transforms: " + transforms + "}]");
    }

    static String forwardRule(String transforms) {
        return rule("{forward: {targetGroup: api}}", transforms);
    }

    static String url(String regex, String replace) {
        return "{type: url-rewrite, urlRewriteConfig: {rewrites: [{regex: '" + regex + "', replace: '" + replace
                + "'}]}}";
    }

    static String host(String regex, String replace) {
        return "{type: host-header-rewrite, hostHeaderRewriteConfig: {rewrites: [{regex: '" + regex
                + "', replace: '" + replace + "'}]}}";
    }

    @Test
    void bindsBothTransformsOfARule() throws ConfigException {
        HeadroomConfig c = ConfigLoader.parse(forwardRule("[" + url("^/api/(.*)$", "/$1") + ", "
                + host("^mywebsite-(.+).com$", "internal.dev.$1.myweb.com") + "]"), "t.yaml",
                ConfigLoaderErrorsTest.VARS);
        List<RuleTransformConfig> t = c.loadBalancers().get(0).listeners().get(0).rules().get(0).transforms();
        assertThat(t).containsExactly(
                new RuleTransformConfig(RuleTransformConfig.Type.URL_REWRITE, "^/api/(.*)$", "/$1"),
                new RuleTransformConfig(RuleTransformConfig.Type.HOST_HEADER_REWRITE, "^mywebsite-(.+).com$",
                        "internal.dev.$1.myweb.com"));
    }

    @Test
    void lookaheadIsRefusedAtTheRegexPath() {
        assertThat(errors(forwardRule("[" + url("^/a(?=x)", "/b") + "]"))).containsExactly(T0
                + "urlRewriteConfig.rewrites[0].regex: \"^/a(?=x)\": invalid or unsupported Perl syntax: `(?=` "
                + "(expected: RE2 syntax without lookaheads, lookbehinds, backreferences, atomic groups, possessive "
                + "quantifiers or recursion)");
    }

    @Test
    void backreferenceIsRefused() {
        assertThat(errors(forwardRule("[" + url("^/(a)\\1", "/b") + "]")))
                .singleElement().asString()
                .startsWith(T0 + "urlRewriteConfig.rewrites[0].regex: \"^/(a)\\\\1\": invalid escape sequence: `\\1`");
    }

    @Test
    void unicodeClassIsRefusedThoughRe2HasIt() {
        assertThat(errors(forwardRule("[" + host("^\\p{L}+$", "x") + "]"))).containsExactly(T0
                + "hostHeaderRewriteConfig.rewrites[0].regex: \"^\\\\p{L}+$\": Unicode character class \\p{L} is not "
                + "supported (as on AWS; expected: ASCII classes such as [a-z], \\w, [[:alpha:]])");
    }

    @Test
    void twoUrlRewritesOnOneRule() {
        assertThat(errors(forwardRule("[" + url("^/a", "/b") + ", " + url("^/c", "/d") + "]"))).containsExactly(
                R0 + "transforms[1].type: \"url-rewrite\" is already used by " + R0 + "transforms[0] "
                        + "(expected: at most one url-rewrite and one host-header-rewrite per rule)");
    }

    @Test
    void transformOnTheDefaultAction() {
        String yaml = ConfigLoaderErrorsTest.TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, "
                + "defaultAction: {forward: {targetGroup: web}, transforms: [" + url("^/a", "/b") + "]}}]}]\n";
        assertThat(errors(yaml)).containsExactly("loadBalancers[0].listeners[0].defaultAction.transforms: not "
                + "allowed on a listener's default action (as on AWS: a default rule has no transforms; expected: "
                + "transforms on a rule whose action is forward)");
        assertThat(errors(listener(", transforms: [" + url("^/a", "/b") + "]"))).containsExactly(
                "loadBalancers[0].listeners[0].transforms: not allowed on a listener's default action (as on AWS: "
                        + "a default rule has no transforms; expected: transforms on a rule whose action is forward)");
    }

    @Test
    void transformOnAFixedResponseRule() {
        assertThat(errors(rule("{fixedResponse: {statusCode: 403}}", "[" + url("^/a", "/b") + "]")))
                .containsExactly(R0 + "transforms: only allowed on rules whose action is forward (a fixed response "
                        + "never reaches a target, so there is nothing to rewrite)");
        assertThat(errors(rule("{redirect: {path: /new}}", "[" + url("^/a", "/b") + "]")))
                .containsExactly(R0 + "transforms: only allowed on rules whose action is forward (a redirect "
                        + "never reaches a target, so there is nothing to rewrite)");
    }

    @Test
    void regexLongerThan1024() {
        assertThat(errors(forwardRule("[" + url("/" + "a".repeat(1024), "/b") + "]"))).containsExactly(
                T0 + "urlRewriteConfig.rewrites[0].regex: 1025 characters (expected: at most 1024)");
        assertThat(errors(forwardRule("[" + url("^/a", "/" + "b".repeat(1024)) + "]"))).containsExactly(
                T0 + "urlRewriteConfig.rewrites[0].replace: 1025 characters (expected: at most 1024)");
    }

    @Test
    void unknownTypeListsTheValidOnes() {
        assertThat(errors(forwardRule("[{type: path-rewrite, urlRewriteConfig: {rewrites: [{regex: a, replace: b}]}}]")))
                .containsExactly(T0 + "type: \"path-rewrite\" (expected: host-header-rewrite | url-rewrite)");
    }

    @Test
    void theConfigMustMatchTheType() {
        assertThat(errors(forwardRule("[{type: url-rewrite, hostHeaderRewriteConfig: {rewrites: [{regex: a, replace: b}]}}]")))
                .containsExactly(
                        T0 + "hostHeaderRewriteConfig: not allowed with type: url-rewrite (expected: urlRewriteConfig)",
                        T0 + "urlRewriteConfig: required for type: url-rewrite (expected: { rewrites: [{ regex, replace }] })");
    }

    @Test
    void exactlyOneRewritePerTransform() {
        assertThat(errors(forwardRule("[{type: url-rewrite, urlRewriteConfig: {rewrites: [{regex: a, replace: b}, "
                + "{regex: c, replace: d}]}}]")))
                .containsExactly(T0 + "urlRewriteConfig.rewrites: 2 rewrites (expected: exactly 1 { regex, replace })");
        assertThat(errors(forwardRule("[{type: url-rewrite, urlRewriteConfig: {rewrites: [{regex: a}]}}]")))
                .containsExactly(T0 + "urlRewriteConfig.rewrites[0].replace: required key is missing");
    }

    @Test
    void aReplacementMayOnlyNameGroupsTheRegexHas() {
        assertThat(errors(forwardRule("[" + url("^/api/(.*)$", "/$2") + "]"))).containsExactly(
                T0 + "urlRewriteConfig.rewrites[0].replace: \"/$2\": $2 refers to a capture group the regex does not "
                        + "have (expected: $0..$1)");
    }

    @Test
    void emptyReplacementDeletesTheMatch() throws ConfigException {
        HeadroomConfig c = ConfigLoader.parse(forwardRule("[" + url("\\.html$", "") + "]"), "t.yaml",
                ConfigLoaderErrorsTest.VARS);
        assertThat(c.loadBalancers().get(0).listeners().get(0).rules().get(0).transforms().get(0).replace()).isEmpty();
    }
}
