package io.headroom.core.config;

import java.util.List;

/**
 * Rule conditions. Each list is empty when the condition is absent. Values within one condition are ORed;
 * conditions are ANDed. Semantics follow ALB: hostHeader is case-insensitive with {@code *} and {@code ?};
 * pathPattern is case-sensitive with {@code *} and {@code ?}; sourceIp holds CIDR blocks (IPv4 or IPv6).
 * {@code hostHeaderRegex} and {@code pathPatternRegex} are ALB's {@code RegexValues} of the same conditions
 * (a condition has values or regex values, not both): RE2 regular expressions, see {@link RuleRegex}.
 */
public record ConditionsConfig(
        List<String> hostHeader,
        List<String> pathPattern,
        List<HttpHeaderCondition> httpHeader,
        List<String> httpRequestMethod,
        List<QueryStringCondition> queryString,
        List<String> sourceIp,
        List<String> hostHeaderRegex,
        List<String> pathPatternRegex) {

    public ConditionsConfig {
        hostHeader = List.copyOf(hostHeader);
        pathPattern = List.copyOf(pathPattern);
        httpHeader = List.copyOf(httpHeader);
        httpRequestMethod = List.copyOf(httpRequestMethod);
        queryString = List.copyOf(queryString);
        sourceIp = List.copyOf(sourceIp);
        hostHeaderRegex = List.copyOf(hostHeaderRegex);
        pathPatternRegex = List.copyOf(pathPatternRegex);
    }

    /** Conditions without regex values. */
    public ConditionsConfig(List<String> hostHeader, List<String> pathPattern, List<HttpHeaderCondition> httpHeader,
                            List<String> httpRequestMethod, List<QueryStringCondition> queryString, List<String> sourceIp) {
        this(hostHeader, pathPattern, httpHeader, httpRequestMethod, queryString, sourceIp, List.of(), List.of());
    }

    public static ConditionsConfig none() {
        return new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * Header name is case-insensitive; values are case-insensitive with {@code *} and {@code ?} (as ALB), or
     * {@code regexValues} are RE2 regular expressions (ALB's {@code RegexValues}; one of the two is empty).
     */
    public record HttpHeaderCondition(String name, List<String> values, List<String> regexValues) {
        public HttpHeaderCondition {
            values = List.copyOf(values);
            regexValues = List.copyOf(regexValues);
        }

        public HttpHeaderCondition(String name, List<String> values) {
            this(name, values, List.of());
        }
    }

    /** {@code key} null matches any key; value may use {@code *} and {@code ?}; both case-insensitive. */
    public record QueryStringCondition(String key, String value) {}
}
