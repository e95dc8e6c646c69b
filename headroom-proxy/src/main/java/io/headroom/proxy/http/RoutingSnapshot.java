package io.headroom.proxy.http;

import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.headroom.core.config.LoadBalancerConfig.XffHeaderProcessingMode;
import io.headroom.core.routing.Router;
import io.headroom.proxy.accesslog.AccessLogEntry;
import io.headroom.proxy.accesslog.ConnectionLogEntry;
import io.headroom.proxy.accesslog.LogFile;
import io.headroom.proxy.auth.OidcAuthenticator;
import io.headroom.proxy.auth.OidcRuntime;
import io.headroom.proxy.target.TargetGroup;
import io.headroom.proxy.target.TargetGroups;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Everything one listener needs to handle a request, resolved at config load and never changed: the compiled
 * rules with their target groups and metrics already looked up, the idle timeout and the desync mode. A listener
 * publishes its current snapshot through one volatile field; a request reads it once when it starts and
 * finishes on it, so a reload never changes a request half-way.
 */
public final class RoutingSnapshot {
    /**
     * A forward action's target group with its metrics and, for an HTTPS target group, the TLS context for
     * connections to its targets (null: plain HTTP): the {@code G} of the router.
     */
    record GroupRef(TargetGroup group, TargetGroupMetrics metrics, SslContext tls, boolean h2) {
        /** A plain HTTP/1.1 target group. */
        GroupRef(TargetGroup group, TargetGroupMetrics metrics) {
            this(group, metrics, null, false);
        }
    }

    /** Whether the targets of {@code g} are spoken to in HTTP/2 ({@code protocolVersion} HTTP2 or GRPC). */
    public static boolean speaksHttp2(io.headroom.core.config.TargetGroupConfig g) {
        return "HTTP2".equals(g.protocolVersion()) || "GRPC".equals(g.protocolVersion());
    }

    final String loadBalancer;
    final Router<GroupRef> router;
    final LoadBalancerMetrics lb;
    final long idleTimeoutNanos;
    /** How long a client connection may stay open (ALB's client keepalive duration); taken at its accept. */
    final long clientKeepAliveNanos;
    final DesyncMitigationMode desyncMode;
    final int listenerPort;
    final String protocol;
    final String portString;
    /** HTTPS listener: stickiness cookies get their SameSite=None; Secure twins. */
    final boolean https;
    /** The load balancer's access log, or null when it has none. */
    final LogFile<AccessLogEntry> accessLog;
    /** HTTPS: the load balancer's connection log, or null when it has none (or the listener is HTTP). */
    final LogFile<ConnectionLogEntry> connectionLog;
    /** What X-Forwarded-For gets: the client appended (with its port when {@link #xffClientPort}), kept, removed. */
    final XffHeaderProcessingMode xffMode;
    final boolean xffClientPort;
    /** HTTPS: requests carry x-amzn-tls-version and x-amzn-tls-cipher-suite (for connections made from now on). */
    final boolean tlsVersionAndCipherHeaders;
    /** Request header fields whose names are not letters, digits and hyphens are dropped (before the rules). */
    final boolean dropInvalidHeaderFields;
    /** Targets get the client's Host as sent; else {@link HostHeader#forTarget}. */
    final boolean preserveHostHeader;
    /** The listener's response headers, name, value, name, value, ...; null when it has none. */
    final AsciiString[] responseHeaders;
    /** The names of the TLS request headers (AWS's unless the listener renames them). */
    final TlsHeaders.Names tlsNames;
    /**
     * The listener's authenticate-oidc actions (in rule order), whose callback {@code /oauth2/idpresponse} the
     * listener answers; empty when it has none, and then nothing of authentication is looked at.
     */
    final List<OidcAuthenticator> authenticators;
    /** Shared by the actions of {@link #authenticators}; null when there are none. */
    final OidcRuntime oidc;
    /** The load balancer's authenticate-oidc metrics; null when the listener has no such action. */
    final LoadBalancerMetrics.AuthMetrics authMetrics;

    private RoutingSnapshot(String loadBalancer, Router<GroupRef> router, LoadBalancerMetrics lb,
                            long idleTimeoutNanos, long clientKeepAliveNanos, DesyncMitigationMode desyncMode,
                            int listenerPort, String protocol,
                            LogFile<AccessLogEntry> accessLog, LogFile<ConnectionLogEntry> connectionLog,
                            XffHeaderProcessingMode xffMode, boolean xffClientPort,
                            boolean tlsVersionAndCipherHeaders, boolean dropInvalidHeaderFields,
                            boolean preserveHostHeader, Map<String, String> responseHeaders,
                            TlsHeaders.Names tlsNames, List<OidcAuthenticator> authenticators, OidcRuntime oidc) {
        this.authenticators = List.copyOf(authenticators);
        this.oidc = this.authenticators.isEmpty() ? null : oidc;
        this.authMetrics = this.authenticators.isEmpty() ? null : lb.auth();
        this.preserveHostHeader = preserveHostHeader;
        this.tlsVersionAndCipherHeaders = tlsVersionAndCipherHeaders;
        this.tlsNames = tlsNames;
        this.dropInvalidHeaderFields = dropInvalidHeaderFields;
        if (responseHeaders.isEmpty()) {
            this.responseHeaders = null;
        } else {
            List<AsciiString> fields = new ArrayList<>();
            responseHeaders.forEach((name, value) -> {
                fields.add(AsciiString.cached(name));
                fields.add(AsciiString.cached(value));
            });
            this.responseHeaders = fields.toArray(AsciiString[]::new);
        }
        this.xffMode = xffMode == null ? XffHeaderProcessingMode.APPEND : xffMode;
        this.xffClientPort = xffClientPort;
        this.loadBalancer = loadBalancer;
        this.router = router;
        this.lb = lb;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.clientKeepAliveNanos = clientKeepAliveNanos;
        this.desyncMode = desyncMode;
        this.listenerPort = listenerPort;
        this.protocol = protocol;
        this.portString = Integer.toString(listenerPort);
        this.https = "https".equals(protocol);
        this.accessLog = accessLog;
        this.connectionLog = https ? connectionLog : null;
    }

    /** Sets the listener's response headers on {@code h} (a target's response, or the load balancer's own). */
    void setResponseHeaders(HttpHeaders h) {
        AsciiString[] f = responseHeaders;
        if (f != null) {
            for (int i = 0; i < f.length; i += 2) {
                h.set(f[i], f[i + 1]);
            }
        }
    }

    /**
     * Compiles the listener's rules against the run-time target groups.
     *
     * @param tgMetrics the metrics of each target group by name (made by the caller, shared by all listeners)
     * @param port      the port the listener is bound to (differs from the config's only when it asked for 0)
     * @throws IllegalArgumentException naming the listener and what is wrong (unknown target group, bad pattern)
     */
    public static RoutingSnapshot build(LoadBalancerConfig lbConfig, ListenerConfig listener, TargetGroups groups,
                                        LoadBalancerMetrics lbMetrics,
                                        Function<String, TargetGroupMetrics> tgMetrics, int port) {
        return build(lbConfig, listener, groups, lbMetrics, tgMetrics, port, null);
    }

    /** As {@link #build(LoadBalancerConfig, ListenerConfig, TargetGroups, LoadBalancerMetrics, Function, int)},
     *  with the load balancer's access log (null for none). */
    public static RoutingSnapshot build(LoadBalancerConfig lbConfig, ListenerConfig listener, TargetGroups groups,
                                        LoadBalancerMetrics lbMetrics,
                                        Function<String, TargetGroupMetrics> tgMetrics, int port,
                                        LogFile<AccessLogEntry> accessLog) {
        return build(lbConfig, listener, groups, lbMetrics, tgMetrics, name -> null, port, accessLog, null);
    }

    /**
     * As above, with the TLS client context of each HTTPS target group by name ({@code targetTls} returns null
     * for HTTP target groups) and the load balancer's connection log (null for none; only HTTPS listeners use it).
     */
    public static RoutingSnapshot build(LoadBalancerConfig lbConfig, ListenerConfig listener, TargetGroups groups,
                                        LoadBalancerMetrics lbMetrics,
                                        Function<String, TargetGroupMetrics> tgMetrics,
                                        Function<String, SslContext> targetTls, int port,
                                        LogFile<AccessLogEntry> accessLog,
                                        LogFile<ConnectionLogEntry> connectionLog) {
        return build(lbConfig, listener, groups, lbMetrics, tgMetrics, targetTls, port, accessLog, connectionLog, null);
    }

    /**
     * As above, with what the listener's authenticate-oidc actions share ({@code oidc}; null for a config without
     * any: such an action then answers 500).
     */
    public static RoutingSnapshot build(LoadBalancerConfig lbConfig, ListenerConfig listener, TargetGroups groups,
                                        LoadBalancerMetrics lbMetrics,
                                        Function<String, TargetGroupMetrics> tgMetrics,
                                        Function<String, SslContext> targetTls, int port,
                                        LogFile<AccessLogEntry> accessLog,
                                        LogFile<ConnectionLogEntry> connectionLog, OidcRuntime oidc) {
        Router<GroupRef> router;
        List<OidcAuthenticator> authenticators = new ArrayList<>();
        try {
            router = Router.compile(listener, name -> {
                TargetGroup g = groups.get(name);
                return g == null ? null : new GroupRef(g, tgMetrics.apply(name), targetTls.apply(name),
                        speaksHttp2(g.config()));
            }, config -> {
                OidcAuthenticator a = oidc == null ? null : oidc.authenticator(config, lbConfig.name());
                if (a != null) {
                    authenticators.add(a);
                }
                return a;
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loadBalancers '" + lbConfig.name() + "': " + e.getMessage(), e);
        }
        return new RoutingSnapshot(lbConfig.name(), router, lbMetrics,
                TimeUnit.SECONDS.toNanos(lbConfig.idleTimeoutSeconds()),
                TimeUnit.SECONDS.toNanos(lbConfig.clientKeepAliveSeconds()),
                lbConfig.desyncMitigationMode() == null ? DesyncMitigationMode.DEFENSIVE
                        : lbConfig.desyncMitigationMode(),
                port, listener.protocol() == ListenerConfig.Protocol.HTTPS ? "https" : "http", accessLog,
                connectionLog, lbConfig.xffHeaderProcessingMode(), lbConfig.xffClientPortEnabled(),
                lbConfig.xAmznTlsVersionAndCipherSuiteEnabled(), lbConfig.dropInvalidHeaderFieldsEnabled(),
                lbConfig.preserveHostHeaderEnabled(), listener.responseHeaders(), TlsHeaders.Names.of(listener),
                authenticators, oidc);
    }

}
