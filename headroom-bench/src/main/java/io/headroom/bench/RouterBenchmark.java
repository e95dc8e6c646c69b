package io.headroom.bench;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.RuleConfig;
import io.headroom.core.routing.RequestView;
import io.headroom.core.routing.Route;
import io.headroom.core.routing.Router;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Router#route} over a listener with 100 rules, once per request on the data plane. The rules mix the
 * condition kinds ALB users write (path patterns, host headers, an HTTP header with a method, a path with a query
 * string), four of each in turn. {@code match} picks which rule the request hits: the first, the 50th, the last,
 * or none (the default action, after evaluating all 100 rules) — the last two are the worst cases.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RouterBenchmark {

    static final int RULES = 100;

    @Param({"first", "middle", "last", "none"})
    public String match;

    /** The rules' values: ALB's wildcards, or the same conditions written as regex values (RE2J). */
    @Param({"wildcards", "regex"})
    public String values;

    private Router<String> router;
    private Request request;

    @Setup
    public void setUp() throws UnknownHostException {
        List<RuleConfig> rules = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            rules.add(new RuleConfig(i + 1, values.equals("regex") ? regexConditions(i) : conditions(i),
                    ActionConfig.Forward.to("tg" + i)));
        }
        ListenerConfig listener = new ListenerConfig("127.0.0.1", 8080, ListenerConfig.Protocol.HTTP, List.of(), null,
                ActionConfig.Forward.to("default"), rules);
        router = Router.compile(listener, Function.identity());
        request = switch (match) {
            case "first" -> requestFor(0);
            case "middle" -> requestFor(49);
            case "last" -> requestFor(RULES - 1);
            default -> new Request("GET", "/nothing/here/index.html", "a=1", "www.example.com", null);
        };
        // The benchmark is only worth something if the request hits the rule it is named for.
        Route<String> route = router.route(request);
        String want = switch (match) {
            case "first" -> "tg0";
            case "middle" -> "tg49";
            case "last" -> "tg" + (RULES - 1);
            default -> "default";
        };
        if (!(route instanceof Route.Forward<String> f) || !f.groups().get(0).equals(want)) {
            throw new IllegalStateException("request for '" + match + "' routed to " + route + ", expected " + want);
        }
    }

    /** Rule i's conditions: four kinds in turn. */
    static ConditionsConfig conditions(int i) {
        List<String> none = List.of();
        return switch (i % 4) {
            case 0 -> new ConditionsConfig(none, List.of("/api/v" + i + "/*", "/svc" + i), List.of(), none, List.of(),
                    none);
            case 1 -> new ConditionsConfig(List.of("svc" + i + ".example.com", "*.svc" + i + ".example.org"), none,
                    List.of(), none, List.of(), none);
            case 2 -> new ConditionsConfig(none, none,
                    List.of(new ConditionsConfig.HttpHeaderCondition("X-Tenant", List.of("tenant-" + i, "t" + i + "-*"))),
                    List.of("GET", "HEAD"), List.of(), none);
            default -> new ConditionsConfig(none, List.of("/static" + i + "/*.css"), List.of(), none,
                    List.of(new ConditionsConfig.QueryStringCondition("version", "v" + i + "*")), none);
        };
    }

    /** Rule i's conditions as regex values where ALB has them (host, path, header); the query stays a wildcard. */
    static ConditionsConfig regexConditions(int i) {
        List<String> none = List.of();
        return switch (i % 4) {
            case 0 -> new ConditionsConfig(none, none, List.of(), none, List.of(), none, none,
                    List.of("^/api/v" + i + "/", "^/svc" + i + "$"));
            case 1 -> new ConditionsConfig(none, none, List.of(), none, List.of(), none,
                    List.of("(?i)^svc" + i + "\\.example\\.com(:[0-9]+)?$", "(?i)\\.svc" + i + "\\.example\\.org(:[0-9]+)?$"), none);
            case 2 -> new ConditionsConfig(none, none, List.of(new ConditionsConfig.HttpHeaderCondition("X-Tenant",
                    List.of(), List.of("^tenant-" + i + "$", "^t" + i + "-"))), List.of("GET", "HEAD"), List.of(), none);
            default -> new ConditionsConfig(none, none, List.of(), none,
                    List.of(new ConditionsConfig.QueryStringCondition("version", "v" + i + "*")), none, none,
                    List.of("^/static" + i + "/.*\\.css$"));
        };
    }

    /** A request that rule i matches (and no rule before it). */
    static Request requestFor(int i) throws UnknownHostException {
        return switch (i % 4) {
            case 0 -> new Request("GET", "/api/v" + i + "/users/42", null, "www.example.com", null);
            case 1 -> new Request("GET", "/index.html", null, "svc" + i + ".example.com:8080", null);
            case 2 -> new Request("GET", "/orders", "page=2", "www.example.com", "tenant-" + i);
            default -> new Request("GET", "/static" + i + "/site.css", "version=v" + i + ".3", "www.example.com",
                    null);
        };
    }

    @Benchmark
    public Route<String> route() {
        return router.route(request);
    }

    /** A request as the proxy presents it: fields read from the parsed request, one optional X-Tenant header. */
    static final class Request implements RequestView {
        private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();
        private final String method;
        private final String path;
        private final String query;
        private final String host;
        private final String tenant;
        private final List<String> tenants;

        Request(String method, String path, String query, String host, String tenant) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.host = host;
            this.tenant = tenant;
            this.tenants = tenant == null ? List.of() : List.of(tenant);
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String rawPath() {
            return path;
        }

        @Override
        public String rawQuery() {
            return query;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public String header(String name) {
            return "X-Tenant".equalsIgnoreCase(name) ? tenant : null;
        }

        @Override
        public List<String> headers(String name) {
            return "X-Tenant".equalsIgnoreCase(name) ? tenants : List.of();
        }

        @Override
        public InetAddress sourceAddress() {
            return SOURCE;
        }

        @Override
        public String protocol() {
            return "http";
        }

        @Override
        public int listenerPort() {
            return 8080;
        }
    }
}
