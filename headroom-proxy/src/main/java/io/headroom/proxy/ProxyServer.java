package io.headroom.proxy;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.RuleConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.accesslog.LoadBalancerLogs;
import io.headroom.proxy.auth.OidcAuthenticator;
import io.headroom.proxy.auth.OidcKeys;
import io.headroom.proxy.auth.OidcRuntime;
import io.headroom.proxy.http.HttpListener;
import io.headroom.proxy.http.LoadBalancerMetrics;
import io.headroom.proxy.http.RoutingSnapshot;
import io.headroom.proxy.http.TargetGroupMetrics;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.http.UpstreamPool;
import io.headroom.proxy.target.TargetGroups;
import io.headroom.proxy.tcp.TcpListeners;
import io.headroom.proxy.tls.ServerTls;
import io.headroom.proxy.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L7 data plane: the HTTP listeners of every {@code application} load balancer, on one shared event loop
 * group (epoll when available).
 *
 * <p>{@link #apply} starts and reloads. A listener is identified by (address, port, protocol): one that is still
 * in the config keeps its server socket and its open connections and only gets a new {@link RoutingSnapshot};
 * removed ones stop accepting and close once their in-flight requests are done; new ones are bound. Everything
 * that can fail (rule compilation, unknown target groups, binding) happens before anything is swapped, so a
 * failed apply leaves the old state serving. Not thread-safe against itself: calls are serialised.
 *
 * <p>The TCP, TLS, UDP and TCP_UDP listeners of {@code network} load balancers run on the same event loops through
 * {@link TcpListeners}, prepared and committed within the same {@link #apply}.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    /** What identifies a listener across reloads. */
    record ListenerKey(String address, int port, ListenerConfig.Protocol protocol) {
        @Override
        public String toString() {
            return protocol + " " + address + ":" + port;
        }
    }

    private final Transport transport;
    /** The listeners of network load balancers (TCP, TLS, UDP, TCP_UDP), on the same event loops. */
    private final TcpListeners tcp;
    /** The access and connection logs of each application load balancer that has them. */
    private final LoadBalancerLogs logFiles = new LoadBalancerLogs();
    private final MetricRegistry metrics;
    /** Certificates of HTTPS listeners (self-signed ones kept across reloads) and TLS to HTTPS target groups. */
    private final TlsContexts tls = new TlsContexts();
    private UpstreamPool pool;
    private final Map<ListenerKey, HttpListener> listeners = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> activeConnections = new HashMap<>();
    private final List<CompletableFuture<Void>> closing = new ArrayList<>();
    private Duration headerTimeout = Duration.ofSeconds(60);
    /** The authenticate-oidc keys: the same across reloads; made when first needed unless given. */
    private OidcKeys oidcKeys;
    private Path oidcKeyStore;
    private Clock oidcClock = Clock.systemUTC();
    /** The IdPs' client and its threads: made with the first authenticate-oidc action. */
    private OidcRuntime oidc;
    private ExecutorService idpExecutor;
    private Duration removedListenerDrain = Duration.ofSeconds(300);

    /**
     * @param workerThreads event loops for the data plane; 0 = one per core
     * @param metrics       where the load balancer and target group metrics go
     */
    public ProxyServer(int workerThreads, MetricRegistry metrics) {
        this(Transport.create(workerThreads), metrics);
    }

    /** With the given transport (tests: each of io_uring, epoll and NIO). */
    ProxyServer(Transport transport, MetricRegistry metrics) {
        this.transport = transport;
        log.info("data plane: {} transport, {} event loop(s)", transport.name(), transport.threads());
        this.tcp = new TcpListeners(transport, metrics);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pool = new UpstreamPool(transport, TimeUnit.SECONDS.toNanos(60), 10_000);
    }

    /** The data plane's event loops (also fine for health checks and timers that must not block). */
    public EventLoopGroup eventLoops() {
        return transport.group();
    }

    /**
     * Where the authenticate-oidc keys (cookie sealing, JWT signing) are kept: {@code stateDir/oidc-keys.json}, read
     * or made when the first listener with the action starts, so sessions survive a restart. Before the first
     * apply; without a call the keys live in memory only.
     */
    public synchronized void oidcKeyStore(Path stateDir) {
        if (oidcKeys != null) {
            throw new IllegalStateException("oidcKeyStore: set it before the first listener with authenticate-oidc");
        }
        oidcKeyStore = Objects.requireNonNull(stateDir, "stateDir");
    }

    /** The keys of the authenticate-oidc actions, read or made now if no listener needed them yet. */
    public synchronized OidcKeys oidcKeys() {
        if (oidcKeys == null) {
            oidcKeys = oidcKeyStore == null ? OidcKeys.generate() : OidcKeys.open(oidcKeyStore);
        }
        return oidcKeys;
    }

    /** The keys of the authenticate-oidc actions if a listener has needed them, else null. */
    public synchronized OidcKeys oidcKeysInUse() {
        return oidcKeys;
    }

    /** The clock authenticate-oidc sessions expire by (tests move it); before the first apply. */
    public synchronized void oidcClock(Clock clock) {
        if (oidc != null) {
            throw new IllegalStateException("oidcClock: set it before the first listener with authenticate-oidc");
        }
        oidcClock = Objects.requireNonNull(clock, "clock");
    }

    /** What the authenticate-oidc actions share; made with the first config that has one. */
    private OidcRuntime oidc(HeadroomConfig config) {
        if (oidc == null && usesOidc(config)) {
            idpExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "headroom-idp-client");
                t.setDaemon(true);
                return t;
            });
            // The JDK's asynchronous client: IdP calls never block an event loop. HTTPS with the JDK's default trust.
            HttpClient http = HttpClient.newBuilder().executor(idpExecutor).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(OidcAuthenticator.IDP_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            oidc = new OidcRuntime(oidcKeys(), http, oidcClock);
        }
        return oidc;
    }

    private static boolean usesOidc(HeadroomConfig config) {
        for (LoadBalancerConfig lb : config.loadBalancers()) {
            for (ListenerConfig l : lb.listeners()) {
                if (l.defaultAction() instanceof ActionConfig.AuthenticateOidc) {
                    return true;
                }
                for (RuleConfig r : l.rules()) {
                    if (r.action() instanceof ActionConfig.AuthenticateOidc) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** For tests: how long a request line and headers may take from their first byte (default 60 s, as ALB). */
    synchronized void headerTimeout(Duration d) {
        headerTimeout = d;
    }

    /** For tests: how long an unused upstream connection stays pooled (default 60 s); before the first apply. */
    synchronized void upstreamIdleTimeout(Duration d) {
        if (!listeners.isEmpty()) {
            throw new IllegalStateException("upstreamIdleTimeout: set it before the first apply");
        }
        pool = new UpstreamPool(transport, d.toNanos(), 10_000);
    }

    /**
     * Starts or reloads the listeners of every application load balancer in {@code config}, routing to the
     * target groups of {@code groups} (apply the config's target groups to it first).
     *
     * @throws IllegalArgumentException when a listener's rules cannot be compiled (e.g. an unknown target group)
     *                                  or an access or connection log file cannot be opened
     * @throws IllegalStateException    when a new listener cannot be bound; nothing was changed
     */
    public synchronized void apply(HeadroomConfig config, TargetGroups groups) {
        LoadBalancerLogs.Plan logs = logFiles.prepare(config);
        try {
            applyListeners(config, groups, logs);
        } catch (RuntimeException e) {
            logs.abort();
            throw e;
        }
        logs.commit();
    }

    private void applyListeners(HeadroomConfig config, TargetGroups groups, LoadBalancerLogs.Plan logs) {
        Map<String, TargetGroupMetrics> tgMetrics = new HashMap<>();
        Map<String, LoadBalancerMetrics> lbMetrics = new HashMap<>();
        Map<ListenerKey, RoutingSnapshot> wanted = new LinkedHashMap<>();
        Map<ListenerKey, ServerTls> wantedTls = new HashMap<>();
        // TLS contexts first: certificate files are read again here, and a bad one rejects the whole apply.
        Map<String, SslContext> targetTls = targetTls(config);
        OidcRuntime oidc = oidc(config);
        int lbIndex = -1;
        for (LoadBalancerConfig lb : config.loadBalancers()) {
            lbIndex++;
            if (lb.type() != LoadBalancerConfig.Type.APPLICATION) {
                continue;
            }
            LoadBalancerMetrics lbm = lbMetrics.computeIfAbsent(lb.name(), n -> new LoadBalancerMetrics(metrics, n,
                    activeConnections.computeIfAbsent(n, x -> new AtomicInteger())));
            int listenerIndex = -1;
            for (ListenerConfig l : lb.listeners()) {
                listenerIndex++;
                if (l.protocol() != ListenerConfig.Protocol.HTTP && l.protocol() != ListenerConfig.Protocol.HTTPS) {
                    log.warn("load balancer '{}' listener :{}: protocol {} is not supported yet; skipped",
                            lb.name(), l.port(), l.protocol());
                    continue;
                }
                ListenerKey key = new ListenerKey(l.address() == null ? "127.0.0.1" : l.address(), l.port(),
                        l.protocol());
                if (wanted.containsKey(key)) {
                    throw new IllegalArgumentException("listener " + key + " is configured twice");
                }
                HttpListener existing = listeners.get(key);
                int port = existing != null ? existing.localAddress().getPort() : l.port();
                if (l.protocol() == ListenerConfig.Protocol.HTTPS) {
                    // routing.http2.enabled off: ALPN offers http/1.1 only, so HTTP/2 clients fall back to it.
                    wantedTls.put(key, tls.server("loadBalancers[" + lbIndex + "].listeners[" + listenerIndex + "]",
                            l, lb.http2Enabled() ? TlsContexts.H2_AND_HTTP_1_1 : TlsContexts.HTTP_1_1));
                }
                wanted.put(key, RoutingSnapshot.build(lb, l, groups, lbm,
                        n -> tgMetrics.computeIfAbsent(n, x -> new TargetGroupMetrics(metrics, x)), targetTls::get,
                        port, logs.accessLog(lb.name()), logs.connectionLog(lb.name()), oidc));
            }
        }
        // Network load balancers: resolve and bind their listeners first (throws with nothing changed).
        TcpListeners.Plan tcpPlan = tcp.prepare(config, groups);
        // Bind the new listeners; on failure undo these binds and leave everything else as it was.
        Map<ListenerKey, HttpListener> bound = new LinkedHashMap<>();
        for (Map.Entry<ListenerKey, RoutingSnapshot> e : wanted.entrySet()) {
            if (!listeners.containsKey(e.getKey())) {
                try {
                    bound.put(e.getKey(), HttpListener.bind(transport, pool, e.getKey().address(), e.getKey().port(),
                            e.getValue(), headerTimeout, wantedTls.get(e.getKey())));
                } catch (RuntimeException ex) {
                    bound.values().forEach(h -> h.close(Duration.ZERO));
                    tcpPlan.abort();
                    throw ex;
                }
            }
        }
        // Swap: existing listeners get their new snapshot, removed ones drain, new ones join.
        for (Map.Entry<ListenerKey, RoutingSnapshot> e : wanted.entrySet()) {
            HttpListener existing = listeners.get(e.getKey());
            if (existing != null) {
                existing.snapshot(e.getValue());
                ServerTls t = wantedTls.get(e.getKey());
                if (t != null) {
                    existing.tls(t);
                }
            }
        }
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                log.info("listener {} removed: draining", e.getKey());
                closing.add(e.getValue().close(removedListenerDrain));
                it.remove();
            }
        }
        for (String gone : new ArrayList<>(activeConnections.keySet())) {
            if (!lbMetrics.containsKey(gone) && activeConnections.get(gone).get() == 0) {
                // A load balancer that left the config: stop publishing its connection gauge.
                metrics.remove(MetricKey.of("ActiveConnectionCount", Dimensions.of("LoadBalancer", gone)));
                activeConnections.remove(gone);
            }
        }
        bound.forEach((k, l) -> log.info("listener {} bound to {}", k, l.localAddress()));
        listeners.putAll(bound);
        closing.removeIf(CompletableFuture::isDone);
        tcpPlan.commit();
    }

    /** The client TLS context of every HTTPS target group, by name. */
    private Map<String, SslContext> targetTls(HeadroomConfig config) {
        Map<String, SslContext> out = new HashMap<>();
        List<TargetGroupConfig> tgs = config.targetGroups();
        for (int i = 0; i < tgs.size(); i++) {
            TargetGroupConfig g = tgs.get(i);
            if (g.protocol() == TargetGroupConfig.Protocol.HTTPS) {
                // Targets that speak HTTP/2 (and gRPC) must agree to h2 by ALPN.
                out.put(g.name(), tls.client("targetGroups[" + i + "]", g.tlsVerify(), g.tlsCaFile(),
                        RoutingSnapshot.speaksHttp2(g) ? List.of("h2") : List.of()));
            }
        }
        return out;
    }

    /** The bound address of every listener, in config order. */
    public synchronized List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(listeners.values().stream().map(HttpListener::localAddress).toList());
        out.addAll(tcp.localAddresses()); // network load balancers' listeners come after the HTTP ones
        return out;
    }

    /**
     * Stops accepting on every listener, lets in-flight requests finish for up to {@code drainTimeout}, then closes
     * what is left and stops the event loops. Blocks until done.
     */
    public synchronized void shutdown(Duration drainTimeout) {
        List<CompletableFuture<Void>> all = new ArrayList<>(closing);
        listeners.values().forEach(l -> all.add(l.close(drainTimeout)));
        all.add(tcp.close(drainTimeout));
        listeners.clear();
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(drainTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("shutdown: connections still open after the drain timeout", e);
        }
        logFiles.close(); // after the last requests and handshakes: their lines are written
        if (idpExecutor != null) {
            idpExecutor.shutdownNow();
        }
        transport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
