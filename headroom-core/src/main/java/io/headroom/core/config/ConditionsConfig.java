package io.headroom.core.config;

import java.util.List;

/**
 * Rule conditions. Each list is empty when the condition is absent. Values within one condition are ORed;
 * conditions are ANDed. Semantics follow ALB: hostHeader is case-insensitive with {@code *} and {@code ?};
 * pathPattern is case-sensitive with {@code *} and {@code ?}; sourceIp holds CIDR blocks (IPv4 or IPv6).
 */
public record ConditionsConfig(
        List<String> hostHeader,
        List<String> pathPattern,
        List<HttpHeaderCondition> httpHeader,
        List<String> httpRequestMethod,
        List<QueryStringCondition> queryString,
        List<String> sourceIp) {

    public ConditionsConfig {
        hostHeader = List.copyOf(hostHeader);
        pathPattern = List.copyOf(pathPattern);
        httpHeader = List.copyOf(httpHeader);
        httpRequestMethod = List.copyOf(httpRequestMethod);
        queryString = List.copyOf(queryString);
        sourceIp = List.copyOf(sourceIp);
    }

    public static ConditionsConfig none() {
        return new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Header name is case-insensitive; values are case-insensitive with {@code *} and {@code ?} (as ALB). */
    public record HttpHeaderCondition(String name, List<String> values) {
        public HttpHeaderCondition {
            values = List.copyOf(values);
        }
    }

    /** {@code key} null matches any key; value may use {@code *} and {@code ?}; both case-insensitive. */
    public record QueryStringCondition(String key, String value) {}
}
