package io.headroom.proxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.headroom.core.config.AuthenticateOidcConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One authenticate-oidc action (AWS ALB's OIDC authentication) at run time: the authorization code flow, the
 * session cookie and the headers targets get.
 *
 * <pre>
 *  request ─▶ session cookie valid? ──yes──▶ x-amzn-oidc-accesstoken / -identity / -data ─▶ the rule's next action
 *                   │ no (absent or expired)
 *                   ├─ deny ────────▶ 401
 *                   ├─ allow ───────▶ the next action, without the headers
 *                   └─ authenticate ▶ 302 to the authorization endpoint (state: sealed original URL and nonce)
 *  IdP ─▶ GET /oauth2/idpresponse?code&state ─▶ token endpoint (client_secret_basic) ─▶ user info endpoint
 *      ─▶ 302 to the original URL with the session cookie (AES-GCM, in 4 KB shards NAME-0, NAME-1, ...)
 * </pre>
 *
 * The IdP is called with the JDK's asynchronous HTTP client: nothing here blocks; the caller hops back onto its
 * event loop when the returned future completes. Immutable apart from what it is given; safe on any thread. The
 * session cookie and the state carry this action's {@link #id()}, which stays the same across reloads of the same
 * IdP settings, so a reload keeps sessions valid.
 */
public final class OidcAuthenticator {
    /** Where the IdP sends the user back (AWS's redirect URI: {@code https://DNS/oauth2/idpresponse}). */
    public static final String CALLBACK_PATH = "/oauth2/idpresponse";
    /** The cookie that ties a login's state parameter to the browser that started it. */
    public static final String NONCE_COOKIE = "AWSELBAuthNonce";
    /** How long a login may take from the redirect to the IdP until the callback. */
    static final long STATE_SECONDS = 900;
    /** Connect and response timeout of each call to the IdP. */
    public static final Duration IDP_TIMEOUT = Duration.ofSeconds(5);
    /** How long after the request an {@code x-amzn-oidc-data} JWT expires (never after the session). */
    static final long JWT_SECONDS = 120;
    /** AWS: user claims of at most 11K bytes. */
    static final int MAX_CLAIMS_BYTES = 11 * 1024;
    /** Cookie shards: AWS splits a session cookie over 4K into up to 4 shards. */
    static final int SHARD_CHARS = 4000;
    static final int MAX_SHARDS = 4;

    public static final AsciiString ACCESS_TOKEN = AsciiString.cached("x-amzn-oidc-accesstoken");
    public static final AsciiString IDENTITY = AsciiString.cached("x-amzn-oidc-identity");
    public static final AsciiString DATA = AsciiString.cached("x-amzn-oidc-data");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
    private static final String SESSION = "headroom-oidc-session";
    private static final String STATE = "headroom-oidc-state";

    private final AuthenticateOidcConfig config;
    private final String id;
    /** Names this exact action (all its settings): the login it starts ends with its settings (session timeout). */
    private final String actionId;
    private final String signerArn;
    private final OidcKeys keys;
    private final HttpClient http;
    private final Clock clock;
    private final String basicAuthorization;

    /**
     * @param loadBalancer the load balancer's name: the JWT's {@code signer} is its ARN-like name
     * @param http         the client for the IdP (made once per process; its own timeouts apply)
     */
    public OidcAuthenticator(AuthenticateOidcConfig config, String loadBalancer, OidcKeys keys, HttpClient http,
                             Clock clock) {
        this.config = config;
        this.keys = keys;
        this.http = http;
        this.clock = clock;
        this.signerArn = "arn:headroom:elasticloadbalancing:local:headroom:loadbalancer/app/" + loadBalancer;
        this.id = digest(config.issuer(), config.authorizationEndpoint(), config.tokenEndpoint(),
                config.userInfoEndpoint(), config.clientId(), config.sessionCookieName());
        this.actionId = digest(config.toString(), config.clientSecret());
        // RFC 6749 2.3.1: the client id and secret are form-encoded before they are joined.
        this.basicAuthorization = "Basic " + Base64.getEncoder().encodeToString((form(config.clientId()) + ":"
                + form(config.clientSecret())).getBytes(StandardCharsets.UTF_8));
    }

    public AuthenticateOidcConfig config() {
        return config;
    }

    /** Same IdP, client and cookie name: same id, whatever reloads came between. */
    String id() {
        return id;
    }

    private static String digest(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String s : parts) {
                d.update(s.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return B64URL.encodeToString(java.util.Arrays.copyOf(d.digest(), 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ sessions

    /** A valid session: the user's {@code sub}, the IdP's access token, the user claims (JSON) and its end. */
    public record Session(String subject, String accessToken, String claims, long expiresAtSeconds) {}

    /** What a request's cookies say. */
    public enum Status { VALID, ABSENT, INVALID }

    /** {@code session} is set when {@code status} is VALID. */
    public record Lookup(Status status, Session session) {
        static final Lookup ABSENT = new Lookup(Status.ABSENT, null);
        static final Lookup INVALID = new Lookup(Status.INVALID, null);
    }

    /**
     * The session of the request whose Cookie header values are {@code cookieHeaders}: ABSENT when it has no session
     * cookie, one of another authenticate action, or an expired one (the user logs in again); INVALID when the
     * cookie was changed or not made with these keys.
     */
    public Lookup session(List<String> cookieHeaders) {
        String value = sessionValue(cookies(cookieHeaders));
        if (value == null) {
            return Lookup.ABSENT;
        }
        JsonNode n = unseal(keys, value, SESSION);
        if (n == null) {
            return Lookup.INVALID;
        }
        if (!id.equals(n.path("a").asText())) {
            return Lookup.ABSENT;
        }
        long exp = n.path("e").asLong();
        if (clock.millis() / 1000 >= exp) {
            return Lookup.ABSENT;
        }
        return new Lookup(Status.VALID, new Session(n.path("s").asText(), n.path("t").asText(),
                n.path("c").asText(), exp));
    }

    /** The JSON object sealed into {@code base64url} for {@code purpose}; null when it is not one this process sealed. */
    private static JsonNode unseal(OidcKeys keys, String base64url, String purpose) {
        try {
            byte[] plain = keys.unseal(B64URL_DECODER.decode(base64url), purpose);
            JsonNode n = plain == null ? null : JSON.readTree(plain);
            return n != null && n.isObject() ? n : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** The session cookie's value: its shards NAME-0, NAME-1, ... joined; null when there is no NAME-0. */
    private String sessionValue(Map<String, String> cookies) {
        String first = cookies.get(config.sessionCookieName() + "-0");
        if (first == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(first);
        for (int i = 1; i < MAX_SHARDS; i++) {
            String next = cookies.get(config.sessionCookieName() + "-" + i);
            if (next == null) {
                break;
            }
            b.append(next);
        }
        return b.toString();
    }

    private static Map<String, String> cookies(List<String> cookieHeaders) {
        Map<String, String> out = new HashMap<>();
        if (cookieHeaders != null) {
            for (String h : cookieHeaders) {
                for (Cookie c : ServerCookieDecoder.LAX.decodeAll(h)) {
                    out.putIfAbsent(c.name(), c.value());
                }
            }
        }
        return out;
    }

    /** Removes every {@code x-amzn-oidc-*} header: only the load balancer says who the user is. */
    public static void removeClientHeaders(HttpHeaders h) {
        List<String> names = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() >= 12 && AsciiString.regionMatches(name, true, 0, "x-amzn-oidc-", 0, 12)) {
                if (names == null) {
                    names = new ArrayList<>(3);
                }
                names.add(name.toString());
            }
        }
        if (names != null) {
            names.forEach(h::remove);
        }
    }

    /**
     * Sets the headers the target gets for {@code s}: the access token, the user's {@code sub}, and the user claims
     * as a JWT signed with ES256 (header: alg, kid, signer, iss, client, exp).
     */
    public void setHeaders(HttpHeaders h, Session s) {
        h.set(ACCESS_TOKEN, s.accessToken());
        h.set(IDENTITY, s.subject());
        h.set(DATA, userClaimsJwt(s));
    }

    String userClaimsJwt(Session s) {
        long exp = Math.min(s.expiresAtSeconds(), clock.millis() / 1000 + JWT_SECONDS);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(keys.keyId())
                .customParam("signer", signerArn).customParam("iss", config.issuer())
                .customParam("client", config.clientId()).customParam("exp", exp).build();
        String claims = s.claims();
        // The stored claims are a JSON object without exp: add this token's.
        String payload = claims.substring(0, claims.lastIndexOf('}')) + (claims.indexOf(':') > 0 ? "," : "")
                + "\"exp\":" + exp + "}";
        JWSObject jws = new JWSObject(header, new Payload(payload));
        try {
            jws.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("x-amzn-oidc-data: " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    /** Set-Cookie values that remove the session cookie's shards the request carried (all four when unknown). */
    public List<String> expireSessionCookies() {
        List<String> out = new ArrayList<>(MAX_SHARDS);
        for (int i = 0; i < MAX_SHARDS; i++) {
            out.add(expired(config.sessionCookieName() + "-" + i));
        }
        return out;
    }

    private static String expired(String name) {
        return cookie(name, "", 0);
    }

    /** A Set-Cookie value as AWS's cookies are: for the whole site, HTTPS only, not for scripts. */
    private static String cookie(String name, String value, long maxAgeSeconds) {
        DefaultCookie c = new DefaultCookie(name, value);
        c.setPath("/");
        c.setMaxAge(maxAgeSeconds);
        c.setSecure(true);
        c.setHttpOnly(true);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    // ------------------------------------------------------------------ the login

    /** A redirect to the authorization endpoint, with the nonce cookie to set (null: the browser has it already). */
    public record Start(String location, String setCookie) {}

    /**
     * Where an unauthenticated user is sent: the authorization endpoint with response_type=code, client_id,
     * redirect_uri ({@code https://HOST/oauth2/idpresponse}), scope, state and the extra parameters.
     *
     * @param host        the request's Host header value (with its port, if any)
     * @param originalUrl where the user goes after the login
     */
    public Start start(String host, String originalUrl, List<String> cookieHeaders) {
        String nonce = cookies(cookieHeaders).get(NONCE_COOKIE);
        String setCookie = null;
        if (nonce == null || nonce.length() != 22) {
            byte[] n = new byte[16];
            RANDOM.nextBytes(n);
            nonce = B64URL.encodeToString(n);
            setCookie = cookie(NONCE_COOKIE, nonce, STATE_SECONDS);
        }
        ObjectNode st = JSON.createObjectNode();
        st.put("a", id);
        st.put("l", actionId);
        st.put("u", originalUrl);
        st.put("n", nonce);
        st.put("e", clock.millis() / 1000 + STATE_SECONDS);
        String state = B64URL.encodeToString(keys.seal(st.toString().getBytes(StandardCharsets.UTF_8), STATE));
        StringBuilder url = new StringBuilder(config.authorizationEndpoint());
        url.append(config.authorizationEndpoint().indexOf('?') < 0 ? '?' : '&');
        url.append("response_type=code&client_id=").append(form(config.clientId()))
                .append("&redirect_uri=").append(form(redirectUri(host)))
                .append("&scope=").append(form(config.scope()))
                .append("&state=").append(state);
        config.authenticationRequestExtraParams().forEach((k, v) -> url.append('&').append(form(k)).append('=')
                .append(form(v)));
        return new Start(url.toString(), setCookie);
    }

    static String redirectUri(String host) {
        return "https://" + host + CALLBACK_PATH;
    }

    /** The callback, checked: the action it is for, the code and the original URL; or a refusal. */
    public record Callback(OidcAuthenticator authenticator, String code, String originalUrl, int status,
                           String errorReason) {
        static Callback refused(String reason) {
            return new Callback(null, null, null, 401, reason);
        }
    }

    /**
     * Checks a request to {@link #CALLBACK_PATH} ({@code uri} its request-target): its state must be one this process
     * made for one of {@code candidates}, not older than 15 minutes, for the browser that sent it (the nonce
     * cookie); it must carry a code. Refusals are 401 with AWS's error reasons (AuthMissingStateParam,
     * AuthInvalidStateParam, AuthMissingCodeParam).
     */
    public static Callback callback(List<OidcAuthenticator> candidates, OidcKeys keys, Clock clock, String uri,
                                    List<String> cookieHeaders) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String state = first(q, "state");
        if (state == null || state.isEmpty()) {
            return Callback.refused("AuthMissingStateParam");
        }
        JsonNode st = unseal(keys, state, STATE);
        if (st == null) {
            return Callback.refused("AuthInvalidStateParam");
        }
        String nonce = cookies(cookieHeaders).get(NONCE_COOKIE);
        if (clock.millis() / 1000 >= st.path("e").asLong() || nonce == null
                || !MessageDigest.isEqual(nonce.getBytes(StandardCharsets.US_ASCII),
                        st.path("n").asText().getBytes(StandardCharsets.US_ASCII))) {
            return Callback.refused("AuthInvalidStateParam");
        }
        // The action that started the login; else (a reload changed its other settings) one of the same IdP and client.
        OidcAuthenticator auth = null;
        for (OidcAuthenticator a : candidates) {
            if (a.actionId.equals(st.path("l").asText())) {
                auth = a;
                break;
            }
            if (auth == null && a.id.equals(st.path("a").asText())) {
                auth = a;
            }
        }
        if (auth == null) {
            return Callback.refused("AuthInvalidStateParam"); // the action is no longer in the config
        }
        String code = first(q, "code");
        if (code == null || code.isEmpty()) {
            return Callback.refused("AuthMissingCodeParam");
        }
        return new Callback(auth, code, st.path("u").asText(), 0, null);
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The end of a login: the session cookie's Set-Cookie values, or a refusal (status and AWS's error reason). */
    public record Login(List<String> setCookies, int status, String errorReason) {
        static Login failed(int status, String reason) {
            return new Login(List.of(), status, reason);
        }
    }

    /** An IdP call that ended in a refusal: completes the login with it. */
    private static final class Refused extends RuntimeException {
        final Login login;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.login = Login.failed(status, reason);
        }
    }

    /**
     * Exchanges {@code code} at the token endpoint (client_secret_basic), reads the user's claims at the user info
     * endpoint with the access token and makes the session cookie. Never completes exceptionally; completes on the
     * HTTP client's threads.
     *
     * @param host the callback request's Host (the redirect_uri sent again to the token endpoint)
     */
    public CompletableFuture<Login> login(String code, String host) {
        String body = "grant_type=authorization_code&code=" + form(code) + "&redirect_uri=" + form(redirectUri(host));
        HttpRequest tokenRequest;
        try {
            tokenRequest = HttpRequest.newBuilder(URI.create(config.tokenEndpoint())).timeout(IDP_TIMEOUT)
                    .header("Authorization", basicAuthorization)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Login.failed(500, "AuthUnhandledException"));
        }
        return http.sendAsync(tokenRequest, HttpResponse.BodyHandlers.ofByteArray())
                .handle((r, e) -> tokens(r, e))
                .thenCompose(t -> http.sendAsync(HttpRequest.newBuilder(URI.create(config.userInfoEndpoint()))
                                .timeout(IDP_TIMEOUT).header("Authorization", "Bearer " + t.accessToken)
                                .header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                        .handle((r, e) -> session(t, r, e)))
                .exceptionally(OidcAuthenticator::refusal);
    }

    private static Login refusal(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof Refused r ? r.login : Login.failed(500, "AuthUnhandledException");
    }

    private record Tokens(String accessToken, String idSubject) {}

    /** The token endpoint's answer: 2XX with an access token and a valid ID token. */
    private Tokens tokens(HttpResponse<byte[]> r, Throwable e) {
        if (e != null) {
            throw new Refused(500, timedOut(e) ? "AuthTokenEpRequestTimeout" : "AuthTokenEpRequestFailed");
        }
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (IOException | RuntimeException ex) {
            n = null;
        }
        if (r.statusCode() / 100 != 2) {
            if (r.statusCode() == 400 && n != null && "invalid_grant".equals(n.path("error").asText())) {
                throw new Refused(401, "AuthInvalidGrantError");
            }
            throw new Refused(500, "AuthTokenEpRequestFailed");
        }
        if (n == null || !n.isObject() || !n.path("access_token").isTextual() || n.path("access_token").asText().isEmpty()
                || !n.path("id_token").isTextual()) {
            throw new Refused(500, "AuthInvalidTokenResponse");
        }
        return new Tokens(n.path("access_token").asText(), idTokenSubject(n.path("id_token").asText()));
    }

    /**
     * The ID token's {@code sub} after checking {@code iss}, {@code aud} and {@code exp}. Its signature is not
     * checked: it came straight from the token endpoint over the connection Headroom made (OpenID Connect Core
     * 3.1.3.7 allows this in place of the signature).
     */
    private String idTokenSubject(String idToken) {
        try {
            JWTClaimsSet c = JWTParser.parse(idToken).getJWTClaimsSet();
            long now = clock.millis();
            if (!config.issuer().equals(c.getIssuer()) || c.getAudience() == null
                    || !c.getAudience().contains(config.clientId()) || c.getExpirationTime() == null
                    || c.getExpirationTime().getTime() + 60_000 < now || c.getSubject() == null) {
                throw new Refused(401, "AuthInvalidIdToken");
            }
            return c.getSubject();
        } catch (ParseException e) {
            throw new Refused(401, "AuthInvalidIdToken");
        }
    }

    /** The user info endpoint's answer: 2XX with a JSON object of claims whose sub is the ID token's. */
    private Login session(Tokens t, HttpResponse<byte[]> r, Throwable e) {
        if (e != null) {
            throw new Refused(500, timedOut(e) ? "AuthUserinfoEpRequestTimeout" : "AuthUserinfoEpRequestFailed");
        }
        if (r.statusCode() / 100 != 2) {
            throw new Refused(500, "AuthUserinfoEpRequestFailed");
        }
        if (r.body().length > MAX_CLAIMS_BYTES) {
            throw new Refused(500, "AuthUserinfoResponseSizeExceeded");
        }
        ObjectNode claims;
        try {
            JsonNode n = JSON.readTree(r.body());
            if (!(n instanceof ObjectNode o) || !o.path("sub").isTextual() || !o.path("sub").asText().equals(t.idSubject)) {
                throw new Refused(500, "AuthInvalidUserinfoResponse");
            }
            claims = o;
        } catch (IOException ex) {
            throw new Refused(500, "AuthInvalidUserinfoResponse");
        }
        long exp = clock.millis() / 1000 + config.sessionTimeoutSeconds();
        claims.remove("exp");
        claims.put("iss", config.issuer());
        ObjectNode session = JSON.createObjectNode();
        session.put("a", id);
        session.put("s", t.idSubject);
        session.put("t", t.accessToken);
        session.put("c", claims.toString());
        session.put("e", exp);
        String value = B64URL.encodeToString(keys.seal(session.toString().getBytes(StandardCharsets.UTF_8), SESSION));
        int shards = (value.length() + SHARD_CHARS - 1) / SHARD_CHARS;
        if (shards > MAX_SHARDS) {
            throw new Refused(500, "AuthUserinfoResponseSizeExceeded");
        }
        List<String> cookies = new ArrayList<>(MAX_SHARDS + 1);
        for (int i = 0; i < MAX_SHARDS; i++) {
            if (i >= shards) {
                cookies.add(expired(config.sessionCookieName() + "-" + i)); // a longer session's shards of before
                continue;
            }
            cookies.add(cookie(config.sessionCookieName() + "-" + i,
                    value.substring(i * SHARD_CHARS, Math.min(value.length(), (i + 1) * SHARD_CHARS)),
                    config.sessionTimeoutSeconds()));
        }
        cookies.add(expired(NONCE_COOKIE));
        return new Login(cookies, 0, null);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
