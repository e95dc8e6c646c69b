package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetState;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Sticky sessions through a real proxy to real backends: lb_cookie, app_cookie and target-group stickiness. */
class StickySessionTest {

    private static String config(String stickiness, int deregistrationDelay, SessionBackend... backends) {
        return ProxyHarness.oneGroup("healthCheck: " + CheckedProxy.FAST_CHECK + "\nderegistrationDelaySeconds: "
                + deregistrationDelay + "\nstickiness: " + stickiness,
                java.util.Arrays.stream(backends).mapToInt(SessionBackend::port).toArray());
    }

    private static final String LB_COOKIE = "{ enabled: true, type: lb_cookie, durationSeconds: 3600 }";

    /** Which backend answered each of n requests: name → count. */
    private static Map<String, Integer> spread(CheckedProxy p, HttpClient client, int n, String... headers)
            throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = p.get(client, "/page?i=" + i, headers);
            assertThat(r.statusCode()).isEqualTo(200);
            seen.merge(r.body(), 1, Integer::sum);
        }
        return seen;
    }

    private static Optional<String> setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("set-cookie").stream().filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1, v.indexOf(';'))).findFirst();
    }

    @Test
    void lbCookieKeepsAClientOnOneTargetAcross100Requests() throws Exception {
        try (SessionBackend a = new SessionBackend("a"); SessionBackend b = new SessionBackend("b");
             SessionBackend c = new SessionBackend("c");
             CheckedProxy p = new CheckedProxy(config(LB_COOKIE, 0, a, b, c))) {
            p.awaitState("web", c.port(), TargetState.HEALTHY);
            p.awaitState("web", a.port(), TargetState.HEALTHY);
            p.awaitState("web", b.port(), TargetState.HEALTHY);

            HttpResponse<String> first = p.get(CheckedProxy.plain(), "/");
            assertThat(first.headers().allValues("set-cookie")).anySatisfy(v -> assertThat(v)
                    .matches("HEADROOMLB=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+; Expires=\\w{3}, \\d{2} \\w{3} \\d{4} "
                            + "\\d{2}:\\d{2}:\\d{2} GMT; Path=/"));
            assertThat(first.headers().allValues("set-cookie")).as("no CORS twin on plain HTTP")
                    .noneMatch(v -> v.startsWith("HEADROOMLBCORS="));

            Map<String, Integer> withJar = spread(p, CheckedProxy.browser(), 100);
            assertThat(withJar).as("one target for the whole session").hasSize(1);
            assertThat(withJar.values()).containsExactly(100);

            Map<String, Integer> without = spread(p, CheckedProxy.plain(), 30);
            assertThat(without).as("round robin without the cookie").containsOnlyKeys("ok a", "ok b", "ok c");
        }
    }

    @Test
    void aStickyTargetThatFailsItsHealthCheckLosesTheClient() throws Exception {
        try (SessionBackend a = new SessionBackend("a"); SessionBackend b = new SessionBackend("b");
             CheckedProxy p = new CheckedProxy(config(LB_COOKIE, 0, a, b))) {
            p.awaitState("web", a.port(), TargetState.HEALTHY);
            p.awaitState("web", b.port(), TargetState.HEALTHY);
            HttpClient browser = CheckedProxy.browser();
            HttpResponse<String> pinned = p.get(browser, "/");
            String cookie = setCookie(pinned, "HEADROOMLB").orElseThrow();
            SessionBackend sticky = pinned.body().equals("ok a") ? a : b;
            SessionBackend other = sticky == a ? b : a;
            assertThat(spread(p, browser, 10)).containsOnlyKeys("ok " + sticky.name);

            sticky.healthy.set(false);
            p.awaitState("web", sticky.port(), TargetState.UNHEALTHY);

            HttpResponse<String> moved = p.get(browser, "/");
            assertThat(moved.statusCode()).isEqualTo(200);
            assertThat(moved.body()).isEqualTo("ok " + other.name);
            assertThat(setCookie(moved, "HEADROOMLB")).as("a new cookie for the new target")
                    .isPresent().get().isNotEqualTo(cookie);
            assertThat(spread(p, browser, 20)).containsOnlyKeys("ok " + other.name);

            // The old target comes back: the client stays where its new cookie points.
            sticky.healthy.set(true);
            p.awaitState("web", sticky.port(), TargetState.HEALTHY);
            assertThat(spread(p, browser, 20)).containsOnlyKeys("ok " + other.name);
        }
    }

    @ParameterizedTest(name = "deregistrationDelaySeconds {0}")
    @ValueSource(ints = {0, 300})
    void aDeregisteredOrDrainingStickyTargetLosesTheClient(int delay) throws Exception {
        try (SessionBackend a = new SessionBackend("a"); SessionBackend b = new SessionBackend("b");
             CheckedProxy p = new CheckedProxy(config(LB_COOKIE, delay, a, b))) {
            p.awaitState("web", a.port(), TargetState.HEALTHY);
            p.awaitState("web", b.port(), TargetState.HEALTHY);
            HttpClient browser = CheckedProxy.browser();
            HttpResponse<String> pinned = p.get(browser, "/");
            SessionBackend sticky = pinned.body().equals("ok a") ? a : b;
            SessionBackend other = sticky == a ? b : a;

            p.groups.deregister("web", new TargetAddress("127.0.0.1", sticky.port()));
            assertThat(p.groups.describe("web")).noneMatch(t -> t.target().port() == sticky.port()
                    && t.state() != TargetState.DRAINING);

            HttpResponse<String> moved = p.get(browser, "/");
            assertThat(moved.statusCode()).isEqualTo(200);
            assertThat(moved.body()).isEqualTo("ok " + other.name);
            assertThat(setCookie(moved, "HEADROOMLB")).isPresent();
            assertThat(spread(p, browser, 20)).containsOnlyKeys("ok " + other.name);
        }
    }

    @Test
    void anEditedCookieDoesNotPickTheTargetItNames() throws Exception {
        try (SessionBackend a = new SessionBackend("a"); SessionBackend b = new SessionBackend("b");
             CheckedProxy p = new CheckedProxy(config(LB_COOKIE, 0, a, b))) {
            p.awaitState("web", a.port(), TargetState.HEALTHY);
            p.awaitState("web", b.port(), TargetState.HEALTHY);
            // Genuine cookies for each target.
            Map<String, String> genuine = new HashMap<>();
            HttpClient plain = CheckedProxy.plain();
            for (int i = 0; i < 10 && genuine.size() < 2; i++) {
                HttpResponse<String> r = p.get(plain, "/");
                genuine.put(r.body(), setCookie(r, "HEADROOMLB").orElseThrow());
            }
            String forA = genuine.get("ok a");
            assertThat(spread(p, plain, 10, "Cookie", "HEADROOMLB=" + forA)).as("genuine cookie pins a")
                    .containsOnlyKeys("ok a");

            // Edit the payload to name b, keep a's MAC.
            String payload = new String(Base64.getUrlDecoder().decode(forA.substring(0, forA.indexOf('.'))),
                    StandardCharsets.UTF_8);
            assertThat(payload).contains("|" + a.port() + "|");
            String edited = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    payload.replace("|" + a.port() + "|", "|" + b.port() + "|").getBytes(StandardCharsets.UTF_8))
                    + forA.substring(forA.indexOf('.'));
            Map<String, Integer> forged = spread(p, plain, 20, "Cookie", "other=1; HEADROOMLB=" + edited);
            assertThat(forged).as("normal selection, not pinned to b").containsOnlyKeys("ok a", "ok b");

            // A flipped MAC character on a's genuine cookie: not pinned either.
            int dot = forA.indexOf('.');
            String flipped = forA.substring(0, dot + 1) + (forA.charAt(dot + 1) == 'A' ? 'z' : 'A')
                    + forA.substring(dot + 2);
            assertThat(spread(p, plain, 20, "Cookie", "HEADROOMLB=" + flipped)).containsOnlyKeys("ok a", "ok b");

            // An ignored cookie is replaced by a genuine one.
            HttpResponse<String> r = p.get(plain, "/", "Cookie", "HEADROOMLB=" + edited);
            assertThat(setCookie(r, "HEADROOMLB")).isPresent().get().isNotEqualTo(edited);
        }
    }

    @Test
    void appCookieFollowsTheApplicationsSessionCookie() throws Exception {
        String app = "{ enabled: true, type: app_cookie, cookieName: SESSION, durationSeconds: 600 }";
        try (SessionBackend a = new SessionBackend("a"); SessionBackend b = new SessionBackend("b");
             CheckedProxy p = new CheckedProxy(config(app, 0, a, b))) {
            p.awaitState("web", a.port(), TargetState.HEALTHY);
            p.awaitState("web", b.port(), TargetState.HEALTHY);
            HttpClient browser = CheckedProxy.browser();
            HttpResponse<String> before = p.get(browser, "/");
            assertThat(before.headers().allValues("set-cookie")).as("no application cookie yet, no pin").isEmpty();
            assertThat(spread(p, browser, 10)).as("not sticky before the login").containsOnlyKeys("ok a", "ok b");

            HttpResponse<String> login = p.get(browser, "/login");
            assertThat(login.headers().allValues("set-cookie")).anyMatch(v -> v.startsWith("SESSION="))
                    .anyMatch(v -> v.startsWith("HEADROOMAPP="));
            String owner = login.body();
            assertThat(spread(p, browser, 50)).as("after the login: the target that set SESSION")
                    .containsOnlyKeys(owner);

            // Its target fails: the session moves, and the new target is pinned at once.
            SessionBackend sticky = owner.equals("ok a") ? a : b;
            sticky.healthy.set(false);
            p.awaitState("web", sticky.port(), TargetState.UNHEALTHY);
            HttpResponse<String> moved = p.get(browser, "/");
            assertThat(moved.statusCode()).isEqualTo(200);
            assertThat(moved.body()).isNotEqualTo(owner);
            assertThat(setCookie(moved, "HEADROOMAPP")).isPresent();
            sticky.healthy.set(true);
            p.awaitState("web", sticky.port(), TargetState.HEALTHY);
            assertThat(spread(p, browser, 20)).containsOnlyKeys(moved.body());
        }
    }

    @Test
    void targetGroupStickinessKeepsOneGroupOfAWeightedForward() throws Exception {
        try (SessionBackend blue = new SessionBackend("blue"); SessionBackend green = new SessionBackend("green");
             CheckedProxy p = new CheckedProxy("""
                     loadBalancers:
                       - name: web
                         listeners:
                           - port: ${PORT}
                             protocol: HTTP
                             defaultAction:
                               forward:
                                 targetGroups: [{ name: blue, weight: 90 }, { name: green, weight: 10 }]
                                 stickiness: { enabled: true, durationSeconds: 600 }
                     targetGroups:
                       - { name: blue, protocol: HTTP, healthCheck: %s,
                           targets: [{ host: 127.0.0.1, port: %d }] }
                       - { name: green, protocol: HTTP, healthCheck: %s,
                           targets: [{ host: 127.0.0.1, port: %d }] }
                     """.formatted(CheckedProxy.FAST_CHECK, blue.port(), CheckedProxy.FAST_CHECK, green.port()))) {
            Map<String, Integer> without = spread(p, CheckedProxy.plain(), 200);
            assertThat(without).as("90/10 without the cookie").containsOnlyKeys("ok blue", "ok green");
            assertThat(without.get("ok blue")).isGreaterThan(without.get("ok green"));

            // New clients until one lands on the 10 % group; with its cookie it then stays there.
            HttpClient plain = CheckedProxy.plain();
            String greenCookie = null;
            for (int i = 0; i < 300 && greenCookie == null; i++) {
                HttpResponse<String> r = p.get(plain, "/");
                String c = setCookie(r, "HEADROOMLBTG").orElseThrow();
                if (r.body().equals("ok green")) {
                    greenCookie = c;
                }
            }
            assertThat(greenCookie).as("a client landed on green").isNotNull();
            assertThat(spread(p, plain, 100, "Cookie", "HEADROOMLBTG=" + greenCookie)).containsOnlyKeys("ok green");
            HttpClient browser = CheckedProxy.browser();
            HttpResponse<String> first = p.get(browser, "/");
            assertThat(spread(p, browser, 50)).containsOnlyKeys(first.body());
            List<String> cookies = p.get(browser, "/").headers().allValues("set-cookie");
            assertThat(cookies).anyMatch(v -> v.startsWith("HEADROOMLBTG="));
        }
    }
}
