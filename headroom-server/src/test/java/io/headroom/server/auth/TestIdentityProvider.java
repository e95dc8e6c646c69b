package io.headroom.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for an external OpenID Connect identity provider (which cannot be reached from here): a real HTTP
 * server on 127.0.0.1 with an authorization endpoint that logs the user in at once (302 back to the redirect_uri
 * with a code and the state), a token endpoint (client_secret_basic, authorization_code grant) that answers an
 * access token and an ID token, and a user info endpoint that answers the user's claims for that access token.
 * What the load balancer sent is recorded for the test to check; {@link #tokenStatus} makes the token endpoint fail.
 */
final class TestIdentityProvider implements AutoCloseable {
    static final String CLIENT_ID = "headroom-client";
    static final String CLIENT_SECRET = "s3cret:with/odd&chars";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final byte[] idTokenKey = new byte[32];
    /** code -> the redirect_uri it was issued for; access token -> the user's claims. */
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> tokens = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Map<String, List<String>>> authorizationRequests = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> tokenAuthorizations = new ConcurrentLinkedQueue<>();
    final AtomicInteger userInfoCalls = new AtomicInteger();
    /** The user who logs in next. */
    volatile Map<String, Object> user = Map.of("sub", "user-1", "email", "ada@example.com", "name", "Ada Lovelace");
    /** The token endpoint's status: 200, or an error to answer. */
    volatile int tokenStatus = 200;
    /** How long the token endpoint waits before it answers (an IdP that hangs). */
    volatile long tokenDelayMillis;
    /** The user info endpoint's status: 200, or an error to answer. */
    volatile int userInfoStatus = 200;

    TestIdentityProvider() throws IOException {
        RANDOM.nextBytes(idTokenKey);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        server.setExecutor(executor);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/userinfo", this::userInfo);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The issuer the ID tokens name. */
    String issuer() {
        return url("");
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, List<String>> q = new QueryStringDecoder(ex.getRequestURI().toString()).parameters();
        authorizationRequests.add(q);
        String redirect = first(q, "redirect_uri");
        if (!"code".equals(first(q, "response_type")) || !CLIENT_ID.equals(first(q, "client_id")) || redirect == null
                || first(q, "state") == null) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = random();
        codes.put(code, redirect);
        ex.getResponseHeaders().set("Location", redirect + "?code=" + code + "&state="
                + URLEncoder.encode(first(q, "state"), StandardCharsets.UTF_8));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        tokenAuthorizations.add(String.valueOf(auth));
        Map<String, List<String>> form = new QueryStringDecoder(new String(ex.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8), false).parameters();
        if (tokenDelayMillis > 0) {
            try {
                Thread.sleep(tokenDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing
            }
        }
        if (tokenStatus != 200) {
            send(ex, tokenStatus, "{\"error\":\"server_error\"}");
            return;
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8)
                + ":" + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        String code = first(form, "code");
        String redirect = code == null ? null : codes.remove(code);
        if (!expected.equals(auth)) {
            send(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        if (!"authorization_code".equals(first(form, "grant_type")) || redirect == null
                || !redirect.equals(first(form, "redirect_uri"))) {
            send(ex, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        Map<String, Object> u = user;
        String accessToken = "at-" + random();
        tokens.put(accessToken, u);
        try {
            SignedJWT idToken = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .issuer(issuer()).audience(CLIENT_ID).subject((String) u.get("sub"))
                    .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
            idToken.sign(new MACSigner(idTokenKey));
            send(ex, 200, JSON.writeValueAsString(Map.of("access_token", accessToken, "token_type", "Bearer",
                    "expires_in", 3600, "id_token", idToken.serialize())));
        } catch (Exception e) {
            send(ex, 500, "{\"error\":\"" + e + "\"}");
        }
    }

    private void userInfo(HttpExchange ex) throws IOException {
        userInfoCalls.incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        Map<String, Object> u = auth == null || !auth.startsWith("Bearer ") ? null : tokens.get(auth.substring(7));
        if (u == null) {
            send(ex, 401, "{\"error\":\"invalid_token\"}");
            return;
        }
        if (userInfoStatus != 200) {
            send(ex, userInfoStatus, "{\"error\":\"server_error\"}");
            return;
        }
        send(ex, 200, JSON.writeValueAsString(u));
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
