package io.headroom.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import io.headroom.server.HeadroomServer;
import io.headroom.server.e2e.Support;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ALB's authenticate-oidc action end to end: a real Headroom with an HTTPS listener (self-signed certificate), a
 * {@link TestIdentityProvider} on 127.0.0.1 standing in for the external IdP, a backend that echoes the headers it
 * got, and a browser-like client that follows redirects and keeps cookies. The clock the sessions expire by is the
 * server's injected clock, moved by the tests.
 */
class AuthenticateOidcEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestIdentityProvider idp;
    private HeaderEchoBackend backend;
    private HeadroomServer server;
    private final MovableClock clock = new MovableClock();
    private int port;
    private Path configFile;
    private CookieManager cookies;
    private HttpClient browser;
    private HttpClient noRedirects;

    /** The wall clock plus an offset the test can move forward. */
    static final class MovableClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    String config(String extraRules) {
        String oidc = ("issuer: \"%s\", authorizationEndpoint: \"%s\", tokenEndpoint: \"%s\", "
                + "userInfoEndpoint: \"%s\", clientId: %s, clientSecret: \"${OIDC_CLIENT_SECRET}\"").formatted(idp.issuer(),
                idp.url("/authorize"), idp.url("/token"), idp.url("/userinfo"), TestIdentityProvider.CLIENT_ID);
        return """
                admin: { listen: "127.0.0.1:0" }
                stateDir: %s
                workerThreads: 1   # one event loop: a login waiting for the IdP must not hold up other requests
                loadBalancers:
                  - name: web
                    accessLog: { enabled: true, format: json, path: access.log }
                    listeners:
                      - port: %d
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        defaultAction:
                          authenticateOidc: { %s, scope: "openid email",
                                              sessionTimeout: 3600, authenticationRequestExtraParams: { prompt: login } }
                          forward: { targetGroup: web }
                        rules:
                          - priority: 10
                            conditions: { pathPattern: ["/deny/*"] }
                            action:
                              authenticateOidc: { %s, onUnauthenticatedRequest: deny }
                              forward: { targetGroup: web }
                          - priority: 20
                            conditions: { pathPattern: ["/allow/*"] }
                            action:
                              authenticateOidc: { %s, onUnauthenticatedRequest: allow }
                              forward: { targetGroup: web }
                %s
                targetGroups:
                  - name: web
                    targets: [{ host: 127.0.0.1, port: %d }]
                """.formatted(dir.resolve("state"), port, oidc, oidc, oidc, extraRules, backend.port());
    }

    @BeforeEach
    void start() throws Exception {
        idp = new TestIdentityProvider();
        backend = new HeaderEchoBackend();
        port = Support.freePort();
        configFile = dir.resolve("headroom.yaml");
        Files.writeString(configFile, config(""));
        server = startServer();
        X509Certificate cert = serverCertificate();
        cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        browser = HttpClient.newBuilder().sslContext(trusting(cert)).cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.ALWAYS).connectTimeout(Duration.ofSeconds(5)).build();
        noRedirects = HttpClient.newBuilder().sslContext(trusting(cert)).cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HeadroomServer startServer() throws Exception {
        Map<String, String> vars = new HashMap<>(System.getenv());
        vars.put("OIDC_CLIENT_SECRET", TestIdentityProvider.CLIENT_SECRET);
        return HeadroomServer.start(HeadroomServer.ConfigSource.file(configFile), vars, clock);
    }

    @AfterEach
    void stop() {
        try {
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
        } finally {
            idp.close();
            backend.close();
        }
    }

    private HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The headers the backend got for the response's request. */
    private static JsonNode echoed(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String header(JsonNode echoed, String name) {
        JsonNode v = echoed.get(name);
        return v == null ? null : v.get(0).asText();
    }

    private HttpCookie cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElse(null);
    }

    @Test
    void theLoginRoundTripEndsAtTheBackendWithTheUsersHeaders() throws Exception {
        HttpResponse<String> r = get(browser, "/app/page?x=1");
        JsonNode seen = echoed(r);
        assertThat(r.uri().toString()).isEqualTo("https://localhost:" + port + "/app/page?x=1");
        assertThat(header(seen, ":path")).isEqualTo("/app/page?x=1");

        // The redirect to the IdP: AWS's parameters, the configured scope and the extra parameter.
        assertThat(idp.authorizationRequests).hasSize(1);
        Map<String, List<String>> q = idp.authorizationRequests.peek();
        assertThat(q.get("response_type")).containsExactly("code");
        assertThat(q.get("client_id")).containsExactly(TestIdentityProvider.CLIENT_ID);
        assertThat(q.get("redirect_uri")).containsExactly("https://localhost:" + port + "/oauth2/idpresponse");
        assertThat(q.get("scope")).containsExactly("openid email");
        assertThat(q.get("prompt")).containsExactly("login");
        assertThat(q.get("state").get(0)).isNotBlank();
        // client_secret_basic, with the secret from the environment (${OIDC_CLIENT_SECRET}).
        assertThat(idp.tokenAuthorizations).hasSize(1);
        assertThat(new String(Base64.getDecoder().decode(idp.tokenAuthorizations.peek().substring(6)),
                StandardCharsets.UTF_8)).isEqualTo("headroom-client:s3cret%3Awith%2Fodd%26chars");

        assertThat(header(seen, "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(header(seen, "x-amzn-oidc-accesstoken")).startsWith("at-");
        SignedJWT jwt = SignedJWT.parse(header(seen, "x-amzn-oidc-data"));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getCustomParam("signer")).asString().contains("loadbalancer/app/web");
        assertThat(jwt.getHeader().getCustomParam("iss")).isEqualTo(idp.issuer());
        assertThat(jwt.getHeader().getCustomParam("client")).isEqualTo(TestIdentityProvider.CLIENT_ID);
        long exp = ((Number) jwt.getHeader().getCustomParam("exp")).longValue();
        assertThat(exp).isGreaterThan(Instant.now().getEpochSecond()).isLessThanOrEqualTo(
                Instant.now().getEpochSecond() + 3600);
        // The key from the admin API (PEM, by key id, as AWS's public key endpoint) verifies it.
        HttpResponse<String> pem = Support.get(adminUrl() + "/api/v1/oidc/public-keys/" + jwt.getHeader().getKeyID());
        assertThat(pem.statusCode()).isEqualTo(200);
        assertThat(pem.body()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(jwt.verify(new ECDSAVerifier(publicKey(pem.body())))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("user-1");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("email")).isEqualTo("ada@example.com");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("name")).isEqualTo("Ada Lovelace");
        assertThat(Support.get(adminUrl() + "/api/v1/oidc/public-keys/no-such-key").statusCode()).isEqualTo(404);

        // The session cookie: AWS's name with its shard number, HttpOnly, Secure.
        HttpCookie session = cookie("AWSELBAuthSessionCookie-0");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSecure()).isTrue();

        // The next request goes straight through on the session: the IdP is not asked again.
        JsonNode again = echoed(get(browser, "/other"));
        assertThat(header(again, "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(idp.authorizationRequests).hasSize(1);
        assertThat(idp.userInfoCalls.get()).isEqualTo(1);

        // The admin API shows the action (AWS's order: authenticate first), never the client secret.
        HttpResponse<String> lb = Support.get(adminUrl() + "/api/v1/load-balancers/web");
        JsonNode listener = JSON.readTree(lb.body()).path("listeners").get(0);
        assertThat(listener.path("defaultAction").path("type").asText()).isEqualTo("authenticate-oidc,forward");
        assertThat(listener.path("defaultAction").path("authenticateOidc").path("clientId").asText())
                .isEqualTo(TestIdentityProvider.CLIENT_ID);
        assertThat(listener.path("rules").get(0).path("action").path("authenticateOidc")
                .path("onUnauthenticatedRequest").asText()).isEqualTo("deny");
        assertThat(lb.body()).doesNotContain(TestIdentityProvider.CLIENT_SECRET).doesNotContain("clientSecret");

        // The access log: the authenticate action ran first. AWS's metrics: one login.
        assertLogged("\"actions_executed\":\"authenticate,forward\"");
        assertMetric("ELBAuthSuccess", 1);
        assertMetric("ELBAuthError", 0);
    }

    @Test
    void theLoginWorksForHttp2ClientsToo() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting(serverCertificate()))
                .cookieHandler(cookies).followRedirects(HttpClient.Redirect.ALWAYS)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = get(h2, "/h2?y=2", "x-amzn-oidc-identity", "forged");
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        JsonNode seen = echoed(r);
        assertThat(header(seen, ":path")).isEqualTo("/h2?y=2");
        assertThat(header(seen, "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(seen.get("x-amzn-oidc-identity")).hasSize(1);
        assertThat(idp.authorizationRequests).hasSize(1);
    }

    @Test
    void headersAClientSendsInTheLoadBalancersNameAreRemoved() throws Exception {
        get(browser, "/login");
        JsonNode seen = echoed(get(browser, "/x", "X-Amzn-Oidc-Identity", "admin", "x-amzn-oidc-data", "forged",
                "X-Amzn-Oidc-Something", "else"));
        assertThat(header(seen, "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(header(seen, "x-amzn-oidc-data")).isNotEqualTo("forged");
        assertThat(seen.get("x-amzn-oidc-identity")).hasSize(1);
        assertThat(seen.has("x-amzn-oidc-something")).isFalse();
    }

    @Test
    void denyAnswers401AndReachesNoTarget() throws Exception {
        HttpResponse<String> r = get(browser, "/deny/x");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(backend.seen).isEmpty();
        assertThat(idp.authorizationRequests).isEmpty();
        // With a session the same rule lets the user through.
        get(browser, "/login");
        assertThat(header(echoed(get(browser, "/deny/x")), "x-amzn-oidc-identity")).isEqualTo("user-1");
    }

    @Test
    void allowForwardsWithoutTheHeadersAndDropsForgedOnes() throws Exception {
        JsonNode seen = echoed(get(browser, "/allow/x", "x-amzn-oidc-identity", "admin",
                "x-amzn-oidc-accesstoken", "stolen"));
        assertThat(seen.has("x-amzn-oidc-identity")).isFalse();
        assertThat(seen.has("x-amzn-oidc-accesstoken")).isFalse();
        assertThat(seen.has("x-amzn-oidc-data")).isFalse();
        assertThat(idp.authorizationRequests).isEmpty();
    }

    @Test
    void aWrongStateIs401() throws Exception {
        HttpResponse<String> toIdp = get(noRedirects, "/app");
        assertThat(toIdp.statusCode()).isEqualTo(302);
        String location = toIdp.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(idp.url("/authorize?"));
        String state = new io.netty.handler.codec.http.QueryStringDecoder(location).parameters().get("state").get(0);
        // A state changed by one character, one that is not ours at all, and none.
        char c = state.charAt(10);
        String changed = state.substring(0, 10) + (c == 'A' ? 'B' : 'A') + state.substring(11);
        assertThat(get(noRedirects, "/oauth2/idpresponse?code=abc&state=" + changed).statusCode()).isEqualTo(401);
        assertThat(get(noRedirects, "/oauth2/idpresponse?code=abc&state=bm90LW91cnM").statusCode()).isEqualTo(401);
        assertThat(get(noRedirects, "/oauth2/idpresponse?code=abc").statusCode()).isEqualTo(401);
        // Our state, but from another browser (without the nonce cookie it was made for).
        HttpClient other = HttpClient.newBuilder().sslContext(trusting(serverCertificate()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(get(other, "/oauth2/idpresponse?code=abc&state=" + state).statusCode()).isEqualTo(401);
        // Our state without a code.
        assertThat(get(noRedirects, "/oauth2/idpresponse?state=" + state).statusCode()).isEqualTo(401);
        assertThat(idp.tokenAuthorizations).isEmpty();
        assertThat(backend.seen).isEmpty();
        assertLogged("\"error_reason\":\"AuthInvalidStateParam\"", "\"error_reason\":\"AuthMissingStateParam\"",
                "\"error_reason\":\"AuthMissingCodeParam\"");
        assertMetric("ELBAuthFailure", 5);
        assertMetric("ELBAuthSuccess", 0);
    }

    @Test
    void aTokenEndpointFailureIs500() throws Exception {
        idp.tokenStatus = 503;
        loginEndsIn500("AuthTokenEpRequestFailed");
    }

    @Test
    void aUserInfoEndpointFailureIs500() throws Exception {
        idp.userInfoStatus = 500;
        loginEndsIn500("AuthUserinfoEpRequestFailed");
    }

    /** A login ends at the callback with the load balancer's 500, no session, and AWS's error reason and metric. */
    private void loginEndsIn500(String errorReason) throws Exception {
        HttpResponse<String> r = get(browser, "/app");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.uri().getPath()).isEqualTo("/oauth2/idpresponse");
        assertThat(backend.seen).isEmpty();
        assertThat(cookie("AWSELBAuthSessionCookie-0")).isNull();
        assertLogged("\"error_reason\":\"" + errorReason + "\"");
        assertMetric("ELBAuthError", 1);
    }

    @Test
    void anIdpThatHangsTimesOutWith500AndHoldsUpNoOtherRequest() throws Exception {
        idp.tokenDelayMillis = 30_000;
        java.util.concurrent.CompletableFuture<HttpResponse<String>> login = browser.sendAsync(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/app")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> !idp.tokenAuthorizations.isEmpty());
        // The one event loop is free meanwhile: another request is answered at once.
        long start = System.nanoTime();
        assertThat(echoed(get(noRedirects, "/allow/meanwhile")).has("x-amzn-oidc-identity")).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        HttpResponse<String> r = login.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(500); // after the 5 s timeout, not the IdP's 30 s
        assertLogged("\"error_reason\":\"AuthTokenEpRequestTimeout\"");
    }

    @Test
    void anExpiredSessionLogsInAgain() throws Exception {
        echoed(get(browser, "/app"));
        assertThat(idp.authorizationRequests).hasSize(1);
        clock.offset = Duration.ofSeconds(3500);
        echoed(get(browser, "/app"));
        assertThat(idp.authorizationRequests).hasSize(1);
        clock.offset = Duration.ofSeconds(3601); // sessionTimeout: 3600
        HttpResponse<String> toIdp = get(noRedirects, "/app");
        assertThat(toIdp.statusCode()).isEqualTo(302);
        assertThat(toIdp.headers().firstValue("Location").orElseThrow()).startsWith(idp.url("/authorize?"));
        assertThat(header(echoed(get(browser, "/app")), "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(idp.authorizationRequests).hasSize(2); // the first login, and this one
        assertThat(idp.userInfoCalls.get()).isEqualTo(2);
    }

    @Test
    void aTamperedCookieIsRefusedAndRemoved() throws Exception {
        echoed(get(browser, "/app"));
        HttpCookie session = cookie("AWSELBAuthSessionCookie-0");
        String v = session.getValue();
        char c = v.charAt(v.length() / 2);
        String tampered = v.substring(0, v.length() / 2) + (c == 'x' ? 'y' : 'x') + v.substring(v.length() / 2 + 1);
        HttpClient plain = HttpClient.newBuilder().sslContext(trusting(serverCertificate()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = get(plain, "/app", "Cookie", "AWSELBAuthSessionCookie-0=" + tampered);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("Set-Cookie")).anyMatch(h -> h.startsWith("AWSELBAuthSessionCookie-0=;")
                && h.contains("Max-Age=0"));
        assertThat(backend.seen).hasSize(1);
        // The real cookie still works.
        assertThat(get(plain, "/app", "Cookie", "AWSELBAuthSessionCookie-0=" + v).statusCode()).isEqualTo(200);
    }

    @Test
    void aLargeSessionIsShardedOverCookies() throws Exception {
        idp.user = Map.of("sub", "user-2", "email", "bob@example.com", "groups", "g".repeat(6000));
        JsonNode seen = echoed(get(browser, "/app"));
        assertThat(cookie("AWSELBAuthSessionCookie-0")).isNotNull();
        assertThat(cookie("AWSELBAuthSessionCookie-1")).isNotNull();
        assertThat(cookie("AWSELBAuthSessionCookie-0").getValue().length()).isLessThanOrEqualTo(4000);
        assertThat(SignedJWT.parse(header(seen, "x-amzn-oidc-data")).getJWTClaimsSet().getStringClaim("groups"))
                .hasSize(6000);
        assertThat(header(echoed(get(browser, "/again")), "x-amzn-oidc-identity")).isEqualTo("user-2");
        assertThat(idp.authorizationRequests).hasSize(1);
    }

    @Test
    void sessionsSurviveAReloadAndARestart() throws Exception {
        echoed(get(browser, "/app"));
        String kid = SignedJWT.parse(header(echoed(get(browser, "/app")), "x-amzn-oidc-data")).getHeader().getKeyID();
        Files.writeString(configFile, config("""
                          - priority: 30
                            conditions: { pathPattern: ["/public/*"] }
                            action: { forward: { targetGroup: web } }
                """));
        assertThat(server.reload()).isNull();
        assertThat(get(noRedirects, "/public/x").statusCode()).isEqualTo(200); // the new rule serves
        assertThat(header(echoed(get(noRedirects, "/app")), "x-amzn-oidc-identity")).isEqualTo("user-1");

        server.shutdown(Duration.ZERO);
        server = null;
        assertThat(dir.resolve("state").resolve("oidc-keys.json")).exists();
        server = startServer();
        // A new self-signed certificate (made at startup); the cookies are the ones from before the restart.
        HttpClient afterRestart = HttpClient.newBuilder().sslContext(trusting(serverCertificate())).cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode seen = echoed(get(afterRestart, "/app"));
        assertThat(header(seen, "x-amzn-oidc-identity")).isEqualTo("user-1");
        assertThat(SignedJWT.parse(header(seen, "x-amzn-oidc-data")).getHeader().getKeyID()).isEqualTo(kid);
        assertThat(idp.authorizationRequests).hasSize(1);
    }

    /** Waits until load balancer web's {@code metric} has summed to {@code expected} (published every second). */
    private void assertMetric(String metric, double expected) {
        MetricKey key = MetricKey.of(metric, Dimensions.of("LoadBalancer", "web"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.metrics().aggregate(key,
                clock.instant().minusSeconds(600), clock.instant().plusSeconds(5), Statistic.SUM).orElse(0))
                .isEqualTo(expected));
    }

    /** The access log gets a line with {@code field} (lines are written in the background). */
    private void assertLogged(String... fields) {
        Path log = dir.resolve("state").resolve("access.log");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.exists(log)
                ? Files.readString(log) : "").contains(fields));
    }

    private String adminUrl() {
        return "http://127.0.0.1:" + server.admin().port();
    }

    private static ECPublicKey publicKey(String pem) throws Exception {
        String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(b64)));
    }

    /** The listener's certificate, read in a handshake that trusts anything (only to learn it). */
    private X509Certificate serverCertificate() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
