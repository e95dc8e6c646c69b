package io.headroom.core.routing;

import com.google.re2j.Pattern;
import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.AuthenticateOidcConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.RuleConfig;
import io.headroom.core.config.RuleRegex;
import io.headroom.core.config.StickinessConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A listener's rules, compiled once at config load and then evaluated once per request:
 * <pre>
 *   request ──► rule 1 (lowest priority) ──no──► rule 2 ──no──► … ──no──► default action
 *                    │ all conditions match         │
 *                    ▼                              ▼
 *                  Route                          Route
 * </pre>
 * Semantics are ALB's: conditions of a rule are ANDed, the values within one condition ORed. Host header, header
 * values and query strings compare case-insensitively with {@code *} and {@code ?}; path patterns compare
 * case-sensitively against the {@linkplain PathNormalizer normalised} path; methods compare exactly; source IPs
 * against CIDR blocks. Patterns, CIDR blocks and target groups are resolved at compile time, so {@link #route}
 * looks nothing up by name, takes no lock and, for forward and fixed-response actions, allocates nothing beyond
 * what normalising an unusual path needs. A router is immutable and safe to share between event loops.
 *
 * @param <G> the runtime target group type
 */
public final class Router<G> {

    private final List<CompiledRule<G>> rules;
    private final Action<G> defaultAction;
    private final boolean needsPath;
    private final boolean needsSource;

    private Router(List<CompiledRule<G>> rules, Action<G> defaultAction) {
        this.rules = rules;
        this.defaultAction = defaultAction;
        this.needsPath = rules.stream().anyMatch(r -> r.paths.length > 0 || r.pathRegexes.length > 0);
        this.needsSource = rules.stream().anyMatch(r -> r.cidrs.length > 0);
    }

    /**
     * Compiles a listener's rules and default action.
     *
     * @param targetGroups resolves a target group name to its runtime object, once per name and action; returning
     *                     null means the name is unknown, which is an error
     * @throws IllegalArgumentException naming the listener, rule and field when a pattern, CIDR block, target group
     *                                  or redirect is invalid
     */
    public static <G> Router<G> compile(ListenerConfig listener, Function<String, G> targetGroups) {
        return compile(listener, targetGroups, oidc -> null);
    }

    /**
     * As {@link #compile(ListenerConfig, Function)}; {@code authenticators} is called once per authenticate-oidc
     * action, and what it returns is the {@link Route.Authenticate#authenticator} of that action's routes.
     */
    public static <G> Router<G> compile(ListenerConfig listener, Function<String, G> targetGroups,
                                        Function<AuthenticateOidcConfig, ?> authenticators) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(targetGroups, "targetGroups");
        String where = "listener :" + listener.port();
        if (listener.defaultAction() == null) {
            throw new IllegalArgumentException(where + ".defaultAction: missing");
        }
        // Already sorted by the loader; sorting again (stable) keeps the router correct for any caller.
        List<RuleConfig> sorted = new ArrayList<>(listener.rules());
        sorted.sort(Comparator.comparingInt(RuleConfig::priority));
        List<CompiledRule<G>> rules = new ArrayList<>(sorted.size());
        for (RuleConfig rule : sorted) {
            String at = where + " rules[priority=" + rule.priority() + "]";
            if (rule.priority() < 1 || rule.priority() > 50_000) {
                throw new IllegalArgumentException(at + ".priority: " + rule.priority() + " (expected: 1..50000)");
            }
            if (!rules.isEmpty() && sorted.get(rules.size() - 1).priority() == rule.priority()) {
                throw new IllegalArgumentException(at + ".priority: " + rule.priority()
                        + " is used by two rules (expected: unique per listener)");
            }
            if (rule.action() == null) {
                throw new IllegalArgumentException(at + ".action: missing");
            }
            ConditionsConfig c = rule.conditions() == null ? ConditionsConfig.none() : rule.conditions();
            if (!rule.transforms().isEmpty() && !(rule.action().terminal() instanceof ActionConfig.Forward)) {
                throw new IllegalArgumentException(at + ".transforms: only allowed on rules whose action is forward");
            }
            RequestTransform transform = RequestTransform.compile(rule.transforms(), at + ".transforms");
            rules.add(new CompiledRule<>(c, compileAction(rule.action(), rule.priority(), transform, targetGroups,
                    authenticators, at + ".action"), at + ".conditions"));
        }
        if (listener.protocol() != ListenerConfig.Protocol.HTTPS) {
            // As AWS: the session cookie is Secure and the IdP redirects back to https://.
            if (listener.defaultAction() instanceof ActionConfig.AuthenticateOidc) {
                throw new IllegalArgumentException(where + ".defaultAction.authenticateOidc: only allowed on HTTPS listeners");
            }
            for (RuleConfig rule : sorted) {
                if (rule.action() instanceof ActionConfig.AuthenticateOidc) {
                    throw new IllegalArgumentException(where + " rules[priority=" + rule.priority()
                            + "].action.authenticateOidc: only allowed on HTTPS listeners");
                }
            }
        }
        Action<G> dflt = compileAction(listener.defaultAction(), 0, null, targetGroups, authenticators,
                where + ".defaultAction");
        return new Router<>(List.copyOf(rules), dflt);
    }

    /** The action of the first matching rule by priority, else the default action. Never null. */
    public Route<G> route(RequestView request) {
        String path = needsPath ? PathNormalizer.normalize(request.rawPath()) : null;
        byte[] source = needsSource ? Cidr.bytesOf(request.sourceAddress()) : null;
        for (int i = 0, n = rules.size(); i < n; i++) {
            CompiledRule<G> rule = rules.get(i);
            if (rule.matches(request, path, source)) {
                return rule.action.resolve(request);
            }
        }
        return defaultAction.resolve(request);
    }

    /** End of the host name in a Host header value: before ":port", keeping an IPv6 literal's brackets. */
    static int hostEnd(String host) {
        if (!host.isEmpty() && host.charAt(0) == '[') {
            int close = host.indexOf(']');
            return close < 0 ? host.length() : close + 1;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host.length() : colon;
    }

    /** A compiled action: constant routes are built once, redirects are rendered per request. */
    @FunctionalInterface
    private interface Action<G> {
        Route<G> resolve(RequestView request);
    }

    private static <G> Action<G> compileAction(ActionConfig action, int priority, RequestTransform transform,
            Function<String, G> targetGroups, Function<AuthenticateOidcConfig, ?> authenticators, String at) {
        if (action instanceof ActionConfig.AuthenticateOidc a) {
            Action<G> then = compileAction(a.then(), priority, transform, targetGroups, authenticators, at);
            Object authenticator = authenticators.apply(a.oidc());
            if (a.then() instanceof ActionConfig.Redirect) {
                return request -> new Route.Authenticate<>(a.oidc(), authenticator, priority, then.resolve(request));
            }
            Route<G> route = new Route.Authenticate<>(a.oidc(), authenticator, priority, then.resolve(null));
            return request -> route;
        }
        if (action instanceof ActionConfig.Forward f) {
            Route<G> route = compileForward(f, priority, transform, targetGroups, at + ".forward");
            return request -> route;
        }
        if (action instanceof ActionConfig.Redirect r) {
            RedirectTemplate<G> template = RedirectTemplate.compile(r, at);
            return template::render;
        }
        if (action instanceof ActionConfig.FixedResponse fr) {
            int code = fr.statusCode();
            if (code < 200 || code > 599 || (code >= 300 && code < 400)) {
                throw new IllegalArgumentException(at + ".fixedResponse.statusCode: " + code
                        + " (expected: 2XX, 4XX or 5XX)");
            }
            Route<G> route = new Route.FixedResponse<>(code, fr.contentType(), fr.messageBody());
            return request -> route;
        }
        throw new IllegalArgumentException(at + ": unsupported action " + action);
    }

    private static <G> Route.Forward<G> compileForward(ActionConfig.Forward f, int priority,
            RequestTransform transform, Function<String, G> targetGroups, String at) {
        List<ActionConfig.WeightedTargetGroup> tgs = f.targetGroups();
        if (tgs.isEmpty() || tgs.size() > 5) {
            throw new IllegalArgumentException(at + ".targetGroups: " + tgs.size() + " target groups (expected: 1..5)");
        }
        List<G> groups = new ArrayList<>(tgs.size());
        int[] weights = new int[tgs.size()];
        for (int i = 0; i < tgs.size(); i++) {
            ActionConfig.WeightedTargetGroup tg = tgs.get(i);
            G group = tg.name() == null ? null : targetGroups.apply(tg.name());
            if (group == null) {
                throw new IllegalArgumentException(at + ".targetGroups[" + i + "]: unknown target group '"
                        + tg.name() + "'");
            }
            if (tg.weight() < 0 || tg.weight() > 999) {
                throw new IllegalArgumentException(at + ".targetGroups[" + i + "].weight: " + tg.weight()
                        + " (expected: 0..999)");
            }
            groups.add(group);
            weights[i] = tg.weight();
        }
        StickinessConfig stickiness = f.stickiness() == null ? StickinessConfig.disabled() : f.stickiness();
        return new Route.Forward<>(groups, weights, stickiness, priority, transform);
    }

    /** One rule's conditions, compiled; checked cheapest first. */
    private static final class CompiledRule<G> {
        final String[] methods;
        final Glob[] hosts;
        final Glob[] paths;
        final Regex[] hostRegexes;  // ALB's RegexValues: matched against the whole Host value, its port included
        final Regex[] pathRegexes;  // against the normalised path
        final Cidr[] cidrs;
        final String[] headerNames;
        final Glob[][] headerValues;
        final Regex[][] headerRegexes; // per header condition: its regex values (empty when it has values)
        final QueryMatcher query; // null when absent
        final Action<G> action;

        CompiledRule(ConditionsConfig c, Action<G> action, String at) {
            this.action = action;
            this.methods = c.httpRequestMethod().toArray(new String[0]);
            for (int i = 0; i < methods.length; i++) {
                if (methods[i] == null || methods[i].isEmpty()) {
                    throw new IllegalArgumentException(at + ".httpRequestMethod[" + i + "]: empty");
                }
            }
            this.hosts = globs(c.hostHeader(), true, false, at + ".hostHeader");
            this.paths = globs(c.pathPattern(), false, false, at + ".pathPattern");
            this.hostRegexes = regexes(c.hostHeaderRegex(), at + ".hostHeader.regexValues");
            this.pathRegexes = regexes(c.pathPatternRegex(), at + ".pathPattern.regexValues");
            this.cidrs = new Cidr[c.sourceIp().size()];
            for (int i = 0; i < cidrs.length; i++) {
                try {
                    cidrs[i] = Cidr.parse(c.sourceIp().get(i));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ".sourceIp[" + i + "]: " + e.getMessage(), e);
                }
            }
            int h = c.httpHeader().size();
            this.headerNames = new String[h];
            this.headerValues = new Glob[h][];
            this.headerRegexes = new Regex[h][];
            for (int i = 0; i < h; i++) {
                ConditionsConfig.HttpHeaderCondition hc = c.httpHeader().get(i);
                String hat = at + ".httpHeader[" + i + "]";
                if (hc.name() == null || hc.name().isBlank()) {
                    throw new IllegalArgumentException(hat + ".name: empty (expected: a header name)");
                }
                if (hc.values().isEmpty() && hc.regexValues().isEmpty()) {
                    throw new IllegalArgumentException(hat + ".values: empty (expected: at least one value)");
                }
                headerNames[i] = hc.name().strip();
                headerValues[i] = globs(hc.values(), true, false, hat + ".values");
                headerRegexes[i] = regexes(hc.regexValues(), hat + ".regexValues");
            }
            int q = c.queryString().size();
            if (q == 0) {
                this.query = null;
            } else {
                Glob[] keys = new Glob[q];
                Glob[] values = new Glob[q];
                for (int i = 0; i < q; i++) {
                    ConditionsConfig.QueryStringCondition qc = c.queryString().get(i);
                    if (qc.value() == null || qc.value().isEmpty()) {
                        throw new IllegalArgumentException(at + ".queryString[" + i + "].value: empty "
                                + "(expected: a value, * for any)");
                    }
                    keys[i] = qc.key() == null ? null : Glob.compile(qc.key(), true, true);
                    values[i] = Glob.compile(qc.value(), true, true);
                }
                this.query = new QueryMatcher(keys, values);
            }
        }

        private static Regex[] regexes(List<String> regexes, String at) {
            Regex[] out = new Regex[regexes.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    String regex = regexes.get(i);
                    String folded = RuleRegex.caseInsensitivePrefix(regex);
                    out[i] = new Regex(RuleRegex.compile(regex), folded != null ? folded : RuleRegex.literalPrefix(regex),
                            folded != null);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + "[" + i + "]: " + e.getMessage(), e);
                }
            }
            return out;
        }

        private static Glob[] globs(List<String> patterns, boolean ignoreCase, boolean escapes, String at) {
            Glob[] out = new Glob[patterns.size()];
            for (int i = 0; i < out.length; i++) {
                String p = patterns.get(i);
                if (p == null || p.isEmpty()) {
                    throw new IllegalArgumentException(at + "[" + i + "]: empty (expected: a pattern)");
                }
                out[i] = Glob.compile(p, ignoreCase, escapes);
            }
            return out;
        }

        boolean matches(RequestView request, String normalizedPath, byte[] source) {
            if (methods.length > 0 && !anyEqual(methods, request.method())) {
                return false;
            }
            if (hosts.length > 0) {
                String host = request.host();
                if (host == null || !anyMatch(hosts, host, 0, hostEnd(host))) {
                    return false;
                }
            }
            if (hostRegexes.length > 0 && !anyFind(hostRegexes, request.host())) {
                return false;
            }
            if (paths.length > 0 && !anyMatch(paths, normalizedPath, 0, normalizedPath.length())) {
                return false;
            }
            if (pathRegexes.length > 0 && !anyFind(pathRegexes, normalizedPath)) {
                return false;
            }
            if (cidrs.length > 0 && !anyContains(cidrs, source)) {
                return false;
            }
            for (int i = 0; i < headerNames.length; i++) {
                if (!headerMatches(headerValues[i], headerRegexes[i], request.headers(headerNames[i]))) {
                    return false;
                }
            }
            return query == null || query.matches(request.rawQuery());
        }

        private static boolean anyEqual(String[] values, String s) {
            for (String v : values) {
                if (v.equals(s)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyMatch(Glob[] globs, String s, int from, int to) {
            for (Glob g : globs) {
                if (g.matches(s, from, to)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyContains(Cidr[] cidrs, byte[] source) {
            if (source == null) {
                return false;
            }
            for (Cidr c : cidrs) {
                if (c.contains(source)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean headerMatches(Glob[] globs, Regex[] regexes, List<String> values) {
            if (values == null) {
                return false;
            }
            for (int i = 0, n = values.size(); i < n; i++) {
                String v = values.get(i);
                if (v != null && (anyMatch(globs, v, 0, v.length()) || anyFind(regexes, v))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether a regex finds a match anywhere in {@code s} (anchor with ^ and $ for the whole value). */
        private static boolean anyFind(Regex[] regexes, String s) {
            if (s == null) {
                return false;
            }
            for (Regex r : regexes) {
                if (r.find(s)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A condition's regex value: RE2J's search, skipped when the input does not start with the literal text every
     * match must start it with ({@link RuleRegex#literalPrefix}, or {@link RuleRegex#caseInsensitivePrefix} compared
     * ignoring case): most rules a request passes do not match it, and a string comparison is far cheaper than a
     * search (RouterBenchmark, values=regex).
     */
    private record Regex(Pattern pattern, String prefix, boolean ignoreCase) {
        boolean find(String s) {
            return (prefix == null || (ignoreCase ? s.regionMatches(true, 0, prefix, 0, prefix.length())
                    : s.startsWith(prefix))) && pattern.matcher(s).find();
        }
    }
}
