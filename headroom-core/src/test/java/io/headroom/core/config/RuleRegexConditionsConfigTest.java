package io.headroom.core.config;

import static io.headroom.core.config.ConfigLoaderErrorsTest.errors;
import static io.headroom.core.config.ConfigLoaderErrorsTest.listener;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule conditions with regex values (ALB's RegexValues) in the config: what binds, and each error with its path. */
class RuleRegexConditionsConfigTest {
    static final String C0 = "loadBalancers[0].listeners[0].rules[0].conditions.";

    static String rule(String conditions) {
        return listener(", rules: [{priority: 10, conditions: " + conditions + ", action: {forward: {targetGroup: api}}}]");
    }

    @Test
    void bindsRegexValuesOfHostPathAndHeaderConditionsAndTheConfigFormOfValues() throws ConfigException {
        HeadroomConfig c = ConfigLoader.parse(rule("{hostHeader: {regexValues: ['^api\\.example\\.com(:8443)?$']},"
                + " pathPattern: {values: ['/api/*']}, httpHeader: {name: X-Version, regexValues: ['^2\\.']}}"), "t.yaml",
                ConfigLoaderErrorsTest.VARS);
        ConditionsConfig k = c.loadBalancers().get(0).listeners().get(0).rules().get(0).conditions();
        assertThat(k.hostHeader()).isEmpty();
        assertThat(k.hostHeaderRegex()).containsExactly("^api\\.example\\.com(:8443)?$");
        assertThat(k.pathPattern()).containsExactly("/api/*");
        assertThat(k.pathPatternRegex()).isEmpty();
        assertThat(k.httpHeader()).containsExactly(new ConditionsConfig.HttpHeaderCondition("X-Version", List.of(),
                List.of("^2\\.")));
    }

    @Test
    void valuesAndRegexValuesAreExclusiveAndOneIsNeeded() {
        assertThat(errors(rule("{hostHeader: {values: [a.example.com], regexValues: ['^a']}}")))
                .containsExactly(C0 + "hostHeader: both values and regexValues (expected: one of them, as on AWS)");
        assertThat(errors(rule("{pathPattern: {}}"))).contains(C0 + "pathPattern: neither values nor regexValues"
                + " (expected: one of them, as on AWS)");
        assertThat(errors(rule("{httpHeader: {name: X-A, values: [a], regexValues: ['^a']}}")))
                .containsExactly(C0 + "httpHeader: both values and regexValues (expected: one of them, as on AWS)");
        assertThat(errors(rule("{httpHeader: {name: X-A}}"))).containsExactly(C0 + "httpHeader.values: required key is missing");
    }

    @Test
    void regexValuesAreAwsRegexesOfAtMost128CharactersAndAtMostFive() {
        assertThat(errors(rule("{pathPattern: {regexValues: ['^/a(?=b)']}}"))).singleElement().asString()
                .startsWith(C0 + "pathPattern.regexValues[0]: \"^/a(?=b)\": invalid or unsupported Perl syntax: `(?=`");
        assertThat(errors(rule("{hostHeader: {regexValues: ['^\\p{L}+$']}}"))).singleElement().asString()
                .startsWith(C0 + "hostHeader.regexValues[0]: \"^\\\\p{L}+$\": Unicode character class \\p{L} is not supported");
        assertThat(errors(rule("{httpHeader: {name: X-A, regexValues: ['" + "a".repeat(129) + "']}}")))
                .containsExactly(C0 + "httpHeader.regexValues[0]: 129 characters (expected: at most 128)");
        assertThat(errors(rule("{pathPattern: {regexValues: [a, b, c, d, e, f]}}")))
                .containsExactly(C0 + "pathPattern.regexValues: 6 values (expected: at most 5 per condition)");
        assertThat(errors(rule("{hostHeader: {regexes: ['^a']}}"))).contains(C0 + "hostHeader.regexes: unknown key"
                + " (expected one of: values, regexValues)");
    }
}
