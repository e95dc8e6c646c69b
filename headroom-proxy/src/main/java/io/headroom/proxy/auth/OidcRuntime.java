package io.headroom.proxy.auth;

import io.headroom.core.config.AuthenticateOidcConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Objects;

/**
 * What every authenticate-oidc action of the process shares: the keys, the HTTP client for the IdPs and the clock
 * sessions expire by.
 */
public record OidcRuntime(OidcKeys keys, HttpClient http, Clock clock) {
    public OidcRuntime {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
    }

    /** The run-time form of one action of load balancer {@code loadBalancer}. */
    public OidcAuthenticator authenticator(AuthenticateOidcConfig config, String loadBalancer) {
        return new OidcAuthenticator(config, loadBalancer, keys, http, clock);
    }
}
