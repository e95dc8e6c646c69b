package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.ConditionsConfig.HttpHeaderCondition;
import io.headroom.core.config.ConditionsConfig.QueryStringCondition;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.RuleConfig;
import io.headroom.core.config.StickinessConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Set<String> KNOWN = Set.of("web", "api", "canary", "admin", "a", "b");

    // ---- helpers: a listener with rules that forward to a group named after what they test ----

    private static Router<String> router(RuleConfig... rules) {
        return Router.compile(listener(80, rules), RouterTest::resolve);
    }

    private static String resolve(String name) {
        return KNOWN.contains(name) ? "tg-" + name : null;
    }

    private static ListenerConfig listener(int port, RuleConfig... rules) {
        return new ListenerConfig("127.0.0.1", port, ListenerConfig.Protocol.HTTP, List.of(), null,
                ActionConfig.Forward.to("web"), List.of(rules));
    }

    private static RuleConfig rule(int priority, ConditionsConfig c, String targetGroup) {
        return new RuleConfig(priority, c, ActionConfig.Forward.to(targetGroup));
    }

    private static RuleConfig rule(int priority, ConditionsConfig c, ActionConfig action) {
        return new RuleConfig(priority, c, action);
    }

    /** The single target group the request is forwarded to. */
    private static String target(Router<String> router, RequestView request) {
        Route<String> route = router.route(request);
        assertThat(route).isInstanceOf(Route.Forward.class);
        Route.Forward<String> f = (Route.Forward<String>) route;
        assertThat(f.groups()).hasSize(1);
        return f.groups().get(0);
    }

    private static ConditionsConfig when(ConditionsConfig... parts) {
        List<String> host = new ArrayList<>();
        List<String> path = new ArrayList<>();
        List<HttpHeaderCondition> header = new ArrayList<>();
        List<String> method = new ArrayList<>();
        List<QueryStringCondition> query = new ArrayList<>();
        List<String> ip = new ArrayList<>();
        for (ConditionsConfig p : parts) {
            host.addAll(p.hostHeader());
            path.addAll(p.pathPattern());
            header.addAll(p.httpHeader());
            method.addAll(p.httpRequestMethod());
            query.addAll(p.queryString());
            ip.addAll(p.sourceIp());
        }
        return new ConditionsConfig(host, path, header, method, query, ip);
    }

    private static ConditionsConfig host(String... v) {
        return new ConditionsConfig(List.of(v), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private static ConditionsConfig path(String... v) {
        return new ConditionsConfig(List.of(), List.of(v), List.of(), List.of(), List.of(), List.of());
    }

    private static ConditionsConfig header(String name, String... v) {
        return new ConditionsConfig(List.of(), List.of(), List.of(new HttpHeaderCondition(name, List.of(v))),
                List.of(), List.of(), List.of());
    }

    private static ConditionsConfig method(String... v) {
        return new ConditionsConfig(List.of(), List.of(), List.of(), List.of(v), List.of(), List.of());
    }

    private static ConditionsConfig query(QueryStringCondition... v) {
        return new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(v), List.of());
    }

    private static QueryStringCondition kv(String key, String value) {
        return new QueryStringCondition(key, value);
    }

    private static ConditionsConfig sourceIp(String... v) {
        return new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(v));
    }

    // ---- conditions ----

    @Nested
    class HostHeader {
        private final Router<String> r = router(rule(1, host("*.example.com", "api.test"), "api"));

        @Test
        void matchesCaseInsensitivelyWithWildcards() {
            assertThat(target(r, TestRequest.get("/").host("www.Example.COM"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/").host("API.TEST"))).isEqualTo("tg-api");
        }

        @Test
        void ignoresThePortInTheHostHeader() {
            assertThat(target(r, TestRequest.get("/").host("www.example.com:8080"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/").host("api.test:443"))).isEqualTo("tg-api");
        }

        @Test
        void doesNotMatchOtherHostsOrAMissingHost() {
            assertThat(target(r, TestRequest.get("/").host("example.com"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").host("www.example.com.evil"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").host("api.test2"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").host(null))).isEqualTo("tg-web");
        }

        @Test
        void questionMarkIsOneCharacter() {
            Router<String> q = router(rule(1, host("web?.local"), "api"));
            assertThat(target(q, TestRequest.get("/").host("web1.local"))).isEqualTo("tg-api");
            assertThat(target(q, TestRequest.get("/").host("web12.local"))).isEqualTo("tg-web");
        }

        @Test
        void ipv6LiteralHostKeepsItsBrackets() {
            Router<String> q = router(rule(1, host("[::1]"), "api"));
            assertThat(target(q, TestRequest.get("/").host("[::1]:8080"))).isEqualTo("tg-api");
        }
    }

    @Nested
    class PathPattern {
        private final Router<String> r = router(rule(1, path("/admin/*"), "admin"), rule(2, path("/api/v?/*"), "api"));

        @Test
        void matchesWithWildcards() {
            assertThat(target(r, TestRequest.get("/admin/users"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/api/v2/x"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/api/v10/x"))).isEqualTo("tg-web");
        }

        @Test
        void isCaseSensitive() {
            assertThat(target(r, TestRequest.get("/Admin/users"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/ADMIN/users"))).isEqualTo("tg-web");
        }

        @Test
        void ignoresTheQuery() {
            assertThat(target(r, TestRequest.get("/x?next=/admin/y"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/admin/y?a=b"))).isEqualTo("tg-admin");
        }

        @Test
        void matchesTheNormalisedPath() {
            assertThat(target(r, TestRequest.get("/public/../admin/x"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/%61dmin/x"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/public/%2e%2e/admin/x"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/admin/./x"))).isEqualTo("tg-admin");
        }

        @Test
        void encodedSlashIsNotAPathSeparator() {
            assertThat(target(r, TestRequest.get("/admin%2Fx"))).isEqualTo("tg-web");
        }

        @Test
        void duplicateSlashesAreKept() {
            assertThat(target(r, TestRequest.get("//admin/x"))).isEqualTo("tg-web");
            Router<String> dbl = router(rule(1, path("//x"), "api"));
            assertThat(target(dbl, TestRequest.get("//x"))).isEqualTo("tg-api");
        }

        @Test
        void tildeEscapeIsDecoded() {
            Router<String> home = router(rule(1, path("/~*"), "api"));
            assertThat(target(home, TestRequest.get("/%7ebob"))).isEqualTo("tg-api");
            assertThat(target(home, TestRequest.get("/bob"))).isEqualTo("tg-web");
        }
    }

    @Nested
    class HttpHeader {
        private final Router<String> r = router(rule(1, header("X-Env", "canary", "beta-*"), "canary"));

        @Test
        void nameAndValuesAreCaseInsensitive() {
            assertThat(target(r, TestRequest.get("/").header("x-env", "CANARY"))).isEqualTo("tg-canary");
            assertThat(target(r, TestRequest.get("/").header("X-ENV", "Beta-7"))).isEqualTo("tg-canary");
        }

        @Test
        void anyValueOfAMultiValuedHeaderMayMatch() {
            assertThat(target(r, TestRequest.get("/").header("X-Env", "prod").header("X-Env", "canary")))
                    .isEqualTo("tg-canary");
        }

        @Test
        void otherValuesOrAMissingHeaderDoNotMatch() {
            assertThat(target(r, TestRequest.get("/").header("X-Env", "prod"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").header("X-Other", "canary"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/"))).isEqualTo("tg-web");
        }

        @Test
        void twoHeaderConditionsAreBothRequired() {
            Router<String> both = router(rule(1, when(header("X-A", "1"), header("X-B", "2")), "api"));
            assertThat(target(both, TestRequest.get("/").header("X-A", "1").header("X-B", "2"))).isEqualTo("tg-api");
            assertThat(target(both, TestRequest.get("/").header("X-A", "1"))).isEqualTo("tg-web");
        }
    }

    @Nested
    class RegexValues {
        private final Router<String> r = router(
                rule(1, new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of("^api\\.example\\.com:8443$", "^admin\\."), List.of()), "api"),
                rule(2, new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(), List.of("^/v[0-9]+/items$")), "canary"),
                rule(3, new ConditionsConfig(List.of(), List.of(), List.of(new HttpHeaderCondition("X-Version",
                        List.of(), List.of("^2\\.[0-9]+$"))), List.of(), List.of(), List.of()), "admin"));

        @Test
        void aHostRegexSeesTheWholeHostValueWithItsPort() {
            assertThat(target(r, TestRequest.get("/").host("api.example.com:8443"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/").host("api.example.com"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").host("admin.example.com:80"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/"))).isEqualTo("tg-web");
        }

        @Test
        void aPathRegexFindsInTheNormalisedPathAndIsCaseSensitive() {
            assertThat(target(r, TestRequest.get("/v12/items?x=1"))).isEqualTo("tg-canary");
            assertThat(target(r, TestRequest.get("/v1/a/../items"))).isEqualTo("tg-canary");
            assertThat(target(r, TestRequest.get("/V1/items"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/v1/items/x"))).isEqualTo("tg-web");
        }

        @Test
        void aHeaderRegexMatchesAnyValueOfTheHeader() {
            assertThat(target(r, TestRequest.get("/").header("x-version", "1.0").header("X-Version", "2.31")))
                    .isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/").header("X-Version", "2.x"))).isEqualTo("tg-web");
        }

        @Test
        void aCaseInsensitiveHostRegexMatchesAnyCase() {
            Router<String> ci = router(rule(1, new ConditionsConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of("(?i)^api\\.example\\.com(:[0-9]+)?$"), List.of()), "api"));
            assertThat(target(ci, TestRequest.get("/").host("API.Example.COM:8080"))).isEqualTo("tg-api");
            assertThat(target(ci, TestRequest.get("/").host("api.example.com"))).isEqualTo("tg-api");
            assertThat(target(ci, TestRequest.get("/").host("www.api.example.com"))).isEqualTo("tg-web");
        }

        @Test
        void anInvalidRegexFailsTheCompileNamingTheCondition() {
            assertThatThrownBy(() -> router(rule(1, new ConditionsConfig(List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of("(?<=a)b")), "api")))
                    .hasMessageStartingWith("listener :80 rules[priority=1].conditions.pathPattern.regexValues[0]: ");
        }
    }

    @Nested
    class HttpRequestMethod {
        private final Router<String> r = router(rule(1, method("GET", "HEAD"), "api"));

        @Test
        void matchesListedMethods() {
            assertThat(target(r, TestRequest.get("/").method("GET"))).isEqualTo("tg-api");
            assertThat(target(r, TestRequest.get("/").method("HEAD"))).isEqualTo("tg-api");
        }

        @Test
        void isExactAndCaseSensitive() {
            assertThat(target(r, TestRequest.get("/").method("POST"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").method("get"))).isEqualTo("tg-web");
        }
    }

    @Nested
    class QueryString {
        private final Router<String> r = router(rule(1, query(kv("version", "v2*"), kv(null, "beta")), "canary"));

        @Test
        void matchesKeyValuePairsCaseInsensitively() {
            assertThat(target(r, TestRequest.get("/?version=v2.1"))).isEqualTo("tg-canary");
            assertThat(target(r, TestRequest.get("/?a=1&VERSION=V2"))).isEqualTo("tg-canary");
        }

        @Test
        void keylessValueMatchesAnyKey() {
            assertThat(target(r, TestRequest.get("/?channel=BETA"))).isEqualTo("tg-canary");
            assertThat(target(r, TestRequest.get("/?beta"))).isEqualTo("tg-canary");
        }

        @Test
        void comparesDecodedKeysAndValues() {
            assertThat(target(r, TestRequest.get("/?%76ersion=v%32"))).isEqualTo("tg-canary");
            Router<String> space = router(rule(1, query(kv("q", "hello world")), "api"));
            assertThat(target(space, TestRequest.get("/?q=hello%20world"))).isEqualTo("tg-api");
            Router<String> utf8 = router(rule(1, query(kv("city", "münchen")), "api"));
            assertThat(target(utf8, TestRequest.get("/?city=M%C3%BCnchen"))).isEqualTo("tg-api");
        }

        @Test
        void doesNotMatchOtherPairsOrNoQuery() {
            assertThat(target(r, TestRequest.get("/?version=v1"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/?xversion=v2"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/?version"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/?"))).isEqualTo("tg-web");
        }

        @Test
        void escapedWildcardIsLiteral() {
            Router<String> lit = router(rule(1, query(kv("q", "a\\*")), "api"));
            assertThat(target(lit, TestRequest.get("/?q=a*"))).isEqualTo("tg-api");
            assertThat(target(lit, TestRequest.get("/?q=ab"))).isEqualTo("tg-web");
        }
    }

    @Nested
    class SourceIp {
        private final Router<String> r = router(rule(1, sourceIp("10.0.0.0/8", "2001:db8::/32", "192.168.1.7"), "admin"));

        @Test
        void matchesIpv4Blocks() {
            assertThat(target(r, TestRequest.get("/").source("10.200.3.4"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/").source("192.168.1.7"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/").source("11.0.0.1"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").source("192.168.1.8"))).isEqualTo("tg-web");
        }

        @Test
        void matchesIpv6Blocks() {
            assertThat(target(r, TestRequest.get("/").source("2001:db8:1::5"))).isEqualTo("tg-admin");
            assertThat(target(r, TestRequest.get("/").source("2001:db9::5"))).isEqualTo("tg-web");
            assertThat(target(r, TestRequest.get("/").source("::1"))).isEqualTo("tg-web");
        }

        @Test
        void ipv4MappedPeerMatchesIpv4Blocks() throws Exception {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            mapped[12] = 10;
            mapped[15] = 9;
            // Inet6Address.getByAddress keeps the IPv6 form (InetAddress.getByAddress would convert it).
            InetAddress peer = Inet6Address.getByAddress(null, mapped, -1);
            assertThat(peer).isInstanceOf(Inet6Address.class);
            assertThat(target(r, TestRequest.get("/").source(peer))).isEqualTo("tg-admin");
            mapped[12] = 11;
            assertThat(target(r, TestRequest.get("/").source(Inet6Address.getByAddress(null, mapped, -1))))
                    .isEqualTo("tg-web");
        }

        @Test
        void prefixBoundaryIsExact() {
            Router<String> odd = router(rule(1, sourceIp("172.16.0.0/12", "fe80::/10"), "a"));
            assertThat(target(odd, TestRequest.get("/").source("172.31.255.255"))).isEqualTo("tg-a");
            assertThat(target(odd, TestRequest.get("/").source("172.32.0.0"))).isEqualTo("tg-web");
            assertThat(target(odd, TestRequest.get("/").source("febf::1"))).isEqualTo("tg-a");
            assertThat(target(odd, TestRequest.get("/").source("fec0::1"))).isEqualTo("tg-web");
            Router<String> all = router(rule(1, sourceIp("0.0.0.0/0"), "a"));
            assertThat(target(all, TestRequest.get("/").source("8.8.8.8"))).isEqualTo("tg-a");
            assertThat(target(all, TestRequest.get("/").source("::2"))).isEqualTo("tg-web");
        }

        @Test
        void hostBitsAndMappedNotationAreAccepted() {
            Router<String> r2 = router(rule(1, sourceIp("10.1.2.3/8", "::ffff:192.168.0.0/112"), "a"));
            assertThat(target(r2, TestRequest.get("/").source("10.9.9.9"))).isEqualTo("tg-a");
            assertThat(target(r2, TestRequest.get("/").source("192.168.44.1"))).isEqualTo("tg-a");
            assertThat(target(r2, TestRequest.get("/").source("192.169.0.1"))).isEqualTo("tg-web");
        }

        @Test
        void usesThePeerNotXForwardedFor() {
            assertThat(target(r, TestRequest.get("/").source("8.8.8.8").header("X-Forwarded-For", "10.0.0.1")))
                    .isEqualTo("tg-web");
        }
    }

    // ---- combination and order ----

    @Test
    void conditionsInARuleAreAnded() {
        Router<String> r = router(rule(1, when(path("/api/*"), method("POST"), host("api.*")), "api"));
        assertThat(target(r, TestRequest.get("/api/x").method("POST").host("api.example"))).isEqualTo("tg-api");
        assertThat(target(r, TestRequest.get("/api/x").method("GET").host("api.example"))).isEqualTo("tg-web");
        assertThat(target(r, TestRequest.get("/other").method("POST").host("api.example"))).isEqualTo("tg-web");
        assertThat(target(r, TestRequest.get("/api/x").method("POST").host("www.example"))).isEqualTo("tg-web");
    }

    @Test
    void valuesWithinAConditionAreOred() {
        Router<String> r = router(rule(1, path("/a/*", "/b/*"), "api"));
        assertThat(target(r, TestRequest.get("/a/1"))).isEqualTo("tg-api");
        assertThat(target(r, TestRequest.get("/b/1"))).isEqualTo("tg-api");
        assertThat(target(r, TestRequest.get("/c/1"))).isEqualTo("tg-web");
    }

    @Test
    void lowestPriorityMatchingRuleWins() {
        Router<String> r = router(rule(5, path("/api/*"), "api"), rule(10, path("/*"), "b"),
                rule(1, path("/api/canary/*"), "canary"));
        assertThat(target(r, TestRequest.get("/api/canary/x"))).isEqualTo("tg-canary");
        assertThat(target(r, TestRequest.get("/api/x"))).isEqualTo("tg-api");
        assertThat(target(r, TestRequest.get("/x"))).isEqualTo("tg-b");
        assertThat(((Route.Forward<String>) r.route(TestRequest.get("/api/x"))).rulePriority()).isEqualTo(5);
    }

    @Test
    void defaultActionWhenNoRuleMatches() {
        Router<String> r = router(rule(1, path("/api/*"), "api"));
        Route.Forward<String> f = (Route.Forward<String>) r.route(TestRequest.get("/nothing"));
        assertThat(f.groups()).containsExactly("tg-web");
        assertThat(f.rulePriority()).isZero();
        assertThat(f.stickiness().enabled()).isFalse();
        Router<String> none = Router.compile(listener(80), RouterTest::resolve);
        assertThat(none.route(TestRequest.get("/x"))).isSameAs(none.route(TestRequest.get("/y"))).isEqualTo(f);
    }

    @Test
    void ruleWithoutConditionsMatchesEverything() {
        Router<String> r = router(rule(3, ConditionsConfig.none(), "b"));
        assertThat(target(r, TestRequest.get("/anything").method("DELETE"))).isEqualTo("tg-b");
    }

    @Test
    void forwardRouteIsSharedAcrossRequests() {
        Router<String> r = router(rule(1, path("/api/*"), "api"));
        assertThat(r.route(TestRequest.get("/api/1"))).isSameAs(r.route(TestRequest.get("/api/2")));
    }

    @Test
    void weightedForwardCarriesGroupsWeightsAndStickiness() {
        StickinessConfig sticky = new StickinessConfig(true, StickinessConfig.Type.LB_COOKIE, 3600, null);
        ActionConfig fwd = new ActionConfig.Forward(List.of(new ActionConfig.WeightedTargetGroup("api", 90),
                new ActionConfig.WeightedTargetGroup("canary", 10)), sticky);
        Router<String> r = router(rule(7, path("/api/*"), fwd));
        Route.Forward<String> f = (Route.Forward<String>) r.route(TestRequest.get("/api/x"));
        assertThat(f.groups()).containsExactly("tg-api", "tg-canary");
        assertThat(f.weights()).containsExactly(90, 10);
        assertThat(f.stickiness()).isEqualTo(sticky);
        assertThat(f.rulePriority()).isEqualTo(7);
    }

    @Test
    void fixedResponseIsAsConfigured() {
        Router<String> r = router(rule(1, path("/admin/*"),
                new ActionConfig.FixedResponse(403, "text/plain", "forbidden")));
        assertThat(r.route(TestRequest.get("/admin/x")))
                .isEqualTo(new Route.FixedResponse<String>(403, "text/plain", "forbidden"));
    }

    // ---- errors name the place ----

    @Test
    void unknownTargetGroupIsAnError() {
        assertThatThrownBy(() -> router(rule(10, path("/x"), "nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rules[priority=10].action.forward.targetGroups[0]")
                .hasMessageContaining("unknown target group 'nope'");
    }

    @Test
    void invalidCidrIsAnError() {
        assertThatThrownBy(() -> router(rule(4, sourceIp("10.0.0.300/8"), "a")))
                .hasMessageContaining("rules[priority=4].conditions.sourceIp[0]")
                .hasMessageContaining("10.0.0.300/8");
        assertThatThrownBy(() -> router(rule(4, sourceIp("10.0.0.0/33"), "a"))).hasMessageContaining("0..32");
        assertThatThrownBy(() -> router(rule(4, sourceIp("example.com"), "a"))).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> router(rule(4, sourceIp("fe80::1%eth0/64"), "a"))).hasMessageContaining("CIDR");
    }

    @Test
    void duplicateOrOutOfRangePriorityIsAnError() {
        assertThatThrownBy(() -> router(rule(3, path("/a"), "a"), rule(3, path("/b"), "b")))
                .hasMessageContaining("rules[priority=3].priority: 3 is used by two rules");
        assertThatThrownBy(() -> router(rule(0, path("/a"), "a"))).hasMessageContaining("(expected: 1..50000)");
    }

    @Test
    void emptyPatternIsAnError() {
        assertThatThrownBy(() -> router(rule(2, path(""), "a"))).hasMessageContaining("conditions.pathPattern[0]");
    }

    @Test
    void badFixedResponseStatusIsAnError() {
        assertThatThrownBy(() -> router(rule(2, path("/x"), new ActionConfig.FixedResponse(302, null, null))))
                .hasMessageContaining("fixedResponse.statusCode: 302");
    }
}
