package io.headroom.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * AWS ALB's {@code authenticate-oidc} action (AWS's {@code AuthenticateOidcActionConfig}): before the rule's
 * forward, redirect or fixed-response action runs, the user is authenticated with an OpenID Connect identity
 * provider by the authorization code flow, and the session is kept in an encrypted cookie.
 *
 * @param issuer                           the IdP's issuer identifier (the ID token's {@code iss} must equal it)
 * @param authorizationEndpoint            where unauthenticated users are redirected to log in
 * @param tokenEndpoint                    where the authorization code is exchanged (client_secret_basic)
 * @param userInfoEndpoint                 where the user's claims are read with the access token
 * @param clientId                         the OAuth 2.0 client identifier
 * @param clientSecret                     the OAuth 2.0 client secret (never shown by the API or logs)
 * @param sessionCookieName                default {@code AWSELBAuthSessionCookie}
 * @param scope                            default {@code openid}
 * @param sessionTimeoutSeconds            how long a session lasts, default 604800 (7 days)
 * @param authenticationRequestExtraParams query parameters added to the authorization redirect (up to 10)
 * @param onUnauthenticatedRequest         default {@link OnUnauthenticatedRequest#AUTHENTICATE}
 */
public record AuthenticateOidcConfig(String issuer, String authorizationEndpoint, String tokenEndpoint,
                                     String userInfoEndpoint, String clientId, String clientSecret,
                                     String sessionCookieName, String scope, long sessionTimeoutSeconds,
                                     Map<String, String> authenticationRequestExtraParams,
                                     OnUnauthenticatedRequest onUnauthenticatedRequest) {

    public static final String DEFAULT_SESSION_COOKIE_NAME = "AWSELBAuthSessionCookie";
    public static final String DEFAULT_SCOPE = "openid";
    public static final long DEFAULT_SESSION_TIMEOUT_SECONDS = 604_800;

    public AuthenticateOidcConfig {
        Objects.requireNonNull(onUnauthenticatedRequest, "onUnauthenticatedRequest");
        authenticationRequestExtraParams = authenticationRequestExtraParams == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(authenticationRequestExtraParams));
    }

    /** AWS's {@code OnUnauthenticatedRequest}: answer 401, forward without the user's claims, or log in. */
    public enum OnUnauthenticatedRequest {
        DENY, ALLOW, AUTHENTICATE;

        /** As AWS spells it: {@code deny}, {@code allow}, {@code authenticate}. */
        public String awsName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The client secret is left out: configs are logged and shown. */
    @Override
    public String toString() {
        return "AuthenticateOidcConfig[issuer=" + issuer + ", authorizationEndpoint=" + authorizationEndpoint
                + ", tokenEndpoint=" + tokenEndpoint + ", userInfoEndpoint=" + userInfoEndpoint + ", clientId="
                + clientId + ", clientSecret=****, sessionCookieName=" + sessionCookieName + ", scope=" + scope
                + ", sessionTimeoutSeconds=" + sessionTimeoutSeconds + ", authenticationRequestExtraParams="
                + authenticationRequestExtraParams + ", onUnauthenticatedRequest=" + onUnauthenticatedRequest + "]";
    }
}
