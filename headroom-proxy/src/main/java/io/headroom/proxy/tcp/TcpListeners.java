package io.headroom.proxy.tcp;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.proxy.http.Transport;
import io.headroom.proxy.target.TargetGroup;
import io.headroom.proxy.target.TargetGroups;
import io.headroom.proxy.tls.ServerTls;
import io.headroom.proxy.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 data plane: the TCP, TLS, UDP and TCP_UDP listeners of every {@code network} load balancer, on the HTTP
 * listeners' event loops (see {@link #l4Transport}). Each connection's bytes pass through unparsed to one target of
 * the listener's target group, chosen by a hash of the connection's 5-tuple ({@link FlowHash}) and kept for the
 * connection's life (see {@link Flow} for the relay, half-close, idle timeout, deregistration delay and PROXY
 * protocol v2). UDP listeners do the same for flows of datagrams (one client address and port; a socket per event
 * loop, see {@link UdpListener}), which end after {@value #UDP_IDLE_TIMEOUT_SECONDS} s without a datagram (NLB's fixed UDP
 * idle timeout; {@code idleTimeoutSeconds} is for TCP). A TCP_UDP listener is a TCP and a UDP listener on one port.
 *
 * <p>Reloads work in two steps so that the caller can combine them with its own: {@link #prepare} resolves
 * target groups and binds new listeners (nothing running changes; it throws on an unknown group or a failed
 * bind), then {@link Plan#commit} swaps routes into listeners that stay (same address, port and protocol: their
 * sockets and connections are kept), drains removed ones and starts new ones; {@link Plan#abort} undoes the
 * binds. TLS listeners terminate TLS (certificates, SNI and policy as HTTPS listeners; files re-read on every
 * reload) and forward plain TCP. Calls are serialised.
 */
public final class TcpListeners {
    private static final Logger log = LoggerFactory.getLogger(TcpListeners.class);

    /**
     * What identifies a listener's socket across reloads: TCP (also the TCP side of TCP_UDP), TLS, or UDP (also the
     * UDP side of TCP_UDP), so that a listener changed between TCP, UDP and TCP_UDP keeps the sockets it still needs.
     */
    record Key(String address, int port, ListenerConfig.Protocol protocol) {
        @Override
        public String toString() {
            return protocol + " " + address + ":" + port;
        }
    }

    private final Transport transport;
    /** The NIO event loops this class made itself (see {@link #l4Transport}); null when it shares the caller's. */
    private final EventLoopGroup ownLoops;
    private final MetricRegistry metrics;
    /** NLB's UDP idle timeout, which AWS does not let one change. */
    static final int UDP_IDLE_TIMEOUT_SECONDS = 120;
    /** The default size of each UDP listener's flow table. */
    static final int MAX_UDP_FLOWS = 65_536;

    private final Map<Key, TcpListener> listeners = new LinkedHashMap<>();
    private final Map<Key, UdpListener> udpListeners = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> activeFlows = new HashMap<>();
    private final Map<String, AtomicInteger> activeUdpFlows = new HashMap<>();
    private final TlsContexts tlsContexts = new TlsContexts();
    private final List<CompletableFuture<Void>> closing = new ArrayList<>();
    private Duration second = Duration.ofSeconds(1);
    private Duration removedListenerDrain = Duration.ofSeconds(300);
    private int maxUdpFlows = MAX_UDP_FLOWS;

    /**
     * @param transport the data plane's event loops and channel classes (shared with the HTTP listeners)
     * @param metrics   where the NLB metrics go ({LoadBalancer=name})
     */
    public TcpListeners(Transport transport, MetricRegistry metrics) {
        Objects.requireNonNull(transport, "transport");
        this.transport = l4Transport(transport);
        this.ownLoops = this.transport == transport ? null : this.transport.group();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * The transport for TCP flows: the shared one (io_uring or epoll on Linux), unless it is epoll and the workaround for
     * Netty's epoll half-close bug ({@link EpollInterest}) is not available; then NIO event loops of the same size.
     *
     * <p>The bug: Netty 4.2's {@code EpollIoHandler} (4.2.17 to at least 4.2.20) removes a channel's fd from epoll
     * when its interest set becomes empty ({@code EPOLL_CTL_DEL}) but keeps the registration marked as added, so the
     * next interest change fails with {@code epoll_ctl(..) ENOENT} and Netty closes the channel: a half-closed
     * flow (input shut down, nothing to write for a moment, then more bytes to write) lost data. Every flow channel
     * therefore keeps an inert bit in its interest set ({@link EpollInterest#keepRegistered}).
     */
    static Transport l4Transport(Transport shared) {
        if (shared.socketChannel() != io.netty.channel.epoll.EpollSocketChannel.class || EpollInterest.available()) {
            return shared;
        }
        log.warn("TCP listeners run on NIO event loops: this Netty version cannot keep a half-closed flow in epoll");
        return Transport.create(shared.threads(), "nio");
    }

    /** For tests: how long one configured second of {@code idleTimeoutSeconds} lasts. */
    synchronized void second(Duration d) {
        second = d;
    }

    /** For tests: the size of each new UDP listener's flow table (default {@value #MAX_UDP_FLOWS}). */
    synchronized void maxUdpFlows(int n) {
        maxUdpFlows = n;
    }

    /** For tests: how long a removed listener's connections may go on (default 300 s). */
    synchronized void removedListenerDrain(Duration d) {
        removedListenerDrain = d;
    }

    /** A prepared reload: new listeners are bound but get no connections routed until {@link #commit}. */
    public final class Plan {
        private final Map<Key, TcpRoute> wanted;
        private final Map<Key, TcpListener> bound;
        private final Map<Key, UdpRoute> wantedUdp;
        private final Map<Key, UdpListener> boundUdp;
        private final Set<String> loadBalancers;
        private boolean done;

        private Plan(Map<Key, TcpRoute> wanted, Map<Key, TcpListener> bound, Map<Key, UdpRoute> wantedUdp,
                     Map<Key, UdpListener> boundUdp, Set<String> loadBalancers) {
            this.wanted = wanted;
            this.bound = bound;
            this.wantedUdp = wantedUdp;
            this.boundUdp = boundUdp;
            this.loadBalancers = loadBalancers;
        }

        /** Makes the prepared config the running one. */
        public void commit() {
            synchronized (TcpListeners.this) {
                if (done) {
                    return;
                }
                done = true;
                wanted.forEach((k, r) -> {
                    TcpListener l = listeners.get(k);
                    if (l != null) {
                        l.route(r);
                    }
                });
                for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    if (!wanted.containsKey(e.getKey())) {
                        log.info("listener {} removed: draining its connections", e.getKey());
                        closing.add(e.getValue().close(removedListenerDrain));
                        it.remove();
                    }
                }
                bound.forEach((k, l) -> log.info("listener {} bound to {}", k, l.localAddress()));
                listeners.putAll(bound);
                wantedUdp.forEach((k, r) -> {
                    UdpListener l = udpListeners.get(k);
                    if (l != null) {
                        l.route(r);
                    }
                });
                for (var it = udpListeners.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    if (!wantedUdp.containsKey(e.getKey())) {
                        log.info("listener {} removed: its {} UDP flow(s) end now", e.getKey(), e.getValue().flows());
                        closing.add(e.getValue().close());
                        it.remove();
                    }
                }
                boundUdp.forEach((k, l) -> log.info("listener {} bound to {} (UDP)", k, l.localAddress()));
                udpListeners.putAll(boundUdp);
                closing.removeIf(CompletableFuture::isDone);
                // A load balancer that left the config: stop publishing its flow gauges.
                removeGauges(activeFlows, "ActiveFlowCount");
                removeGauges(activeUdpFlows, "ActiveFlowCount_UDP");
            }
        }

        private void removeGauges(Map<String, AtomicInteger> gauges, String name) {
            for (var it = gauges.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!loadBalancers.contains(e.getKey()) && e.getValue().get() == 0) {
                    metrics.remove(MetricKey.of(name, Dimensions.of("LoadBalancer", e.getKey())));
                    it.remove();
                }
            }
        }

        /** Unbinds what {@link #prepare} bound; the running listeners are untouched. */
        public void abort() {
            synchronized (TcpListeners.this) {
                if (!done) {
                    done = true;
                    bound.values().forEach(l -> l.close(Duration.ZERO));
                    boundUdp.values().forEach(UdpListener::close);
                }
            }
        }
    }

    /**
     * Resolves the listeners of every network load balancer in {@code config} against {@code groups} and binds the
     * new ones.
     *
     * @throws IllegalArgumentException when a listener forwards to a target group {@code groups} does not have
     * @throws IllegalStateException    when a new listener cannot be bound; nothing was changed
     */
    public synchronized Plan prepare(HeadroomConfig config, TargetGroups groups) {
        Map<Key, TcpRoute> wanted = new LinkedHashMap<>();
        Map<Key, UdpRoute> wantedUdp = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < config.loadBalancers().size(); i++) {
            LoadBalancerConfig lb = config.loadBalancers().get(i);
            if (lb.type() != LoadBalancerConfig.Type.NETWORK) {
                continue;
            }
            names.add(lb.name());
            NlbMetrics m = new NlbMetrics(metrics, lb.name(),
                    activeFlows.computeIfAbsent(lb.name(), n -> new AtomicInteger()));
            NlbMetrics.Udp udpMetrics = null;
            for (int j = 0; j < lb.listeners().size(); j++) {
                ListenerConfig l = lb.listeners().get(j);
                if (!l.protocol().network()) {
                    log.warn("load balancer '{}' listener :{}: protocol {} is not one of a network load balancer; "
                            + "skipped", lb.name(), l.port(), l.protocol());
                    continue;
                }
                String address = l.address() == null ? "127.0.0.1" : l.address();
                Key key = new Key(address, l.port(), l.protocol());
                Key udpKey = new Key(address, l.port(), ListenerConfig.Protocol.UDP);
                Key tcpKey = new Key(address, l.port(), l.protocol() == ListenerConfig.Protocol.TLS
                        ? ListenerConfig.Protocol.TLS : ListenerConfig.Protocol.TCP);
                if ((l.protocol().datagrams() && wantedUdp.containsKey(udpKey))
                        || (l.protocol().streams() && wanted.containsKey(tcpKey))) {
                    throw new IllegalArgumentException("listener " + key + " is configured twice");
                }
                String name = targetGroupOf(lb, l);
                TargetGroup g = groups.get(name);
                if (g == null) {
                    throw new IllegalArgumentException("load balancer '" + lb.name() + "' listener " + key
                            + ": target group '" + name + "' does not exist");
                }
                if (l.protocol().datagrams()) {
                    if (udpMetrics == null) {
                        udpMetrics = m.udp(activeUdpFlows.computeIfAbsent(lb.name(), n -> new AtomicInteger()));
                    }
                    wantedUdp.put(udpKey, new UdpRoute(lb.name(), g, second.toNanos() * UDP_IDLE_TIMEOUT_SECONDS,
                            udpMetrics, NlbMetrics.unhealthyRouting(metrics, name)));
                }
                if (!l.protocol().streams()) {
                    continue;
                }
                ServerTls tls = l.protocol() == ListenerConfig.Protocol.TLS
                        ? tlsContexts.server("loadBalancers[" + i + "].listeners[" + j + "]", l, List.of())
                        : null;
                wanted.put(tcpKey, new TcpRoute(lb.name(), g, second.toNanos() * lb.idleTimeoutSeconds(), m,
                        NlbMetrics.connectionErrors(metrics, name), NlbMetrics.unhealthyRouting(metrics, name),
                        tls));
            }
        }
        Map<Key, TcpListener> bound = new LinkedHashMap<>();
        Map<Key, UdpListener> boundUdp = new LinkedHashMap<>();
        try {
            for (Map.Entry<Key, TcpRoute> e : wanted.entrySet()) {
                if (!listeners.containsKey(e.getKey())) {
                    bound.put(e.getKey(), TcpListener.bind(transport, e.getKey().address(), e.getKey().port(),
                            e.getValue()));
                }
            }
            for (Map.Entry<Key, UdpRoute> e : wantedUdp.entrySet()) {
                if (!udpListeners.containsKey(e.getKey())) {
                    boundUdp.put(e.getKey(), UdpListener.bind(transport, e.getKey().address(), e.getKey().port(),
                            e.getValue(), maxUdpFlows));
                }
            }
        } catch (RuntimeException ex) {
            bound.values().forEach(b -> b.close(Duration.ZERO));
            boundUdp.values().forEach(UdpListener::close);
            throw ex;
        }
        return new Plan(wanted, bound, wantedUdp, boundUdp, names);
    }

    /** Prepares and commits at once. */
    public void apply(HeadroomConfig config, TargetGroups groups) {
        prepare(config, groups).commit();
    }

    private static String targetGroupOf(LoadBalancerConfig lb, ListenerConfig l) {
        if (l.defaultAction() instanceof ActionConfig.Forward f && f.targetGroups().size() == 1) {
            return f.targetGroups().get(0).name();
        }
        throw new IllegalArgumentException("load balancer '" + lb.name() + "' listener :" + l.port()
                + ": expected a forward to one target group, got " + l.defaultAction());
    }

    /** The bound address of every TCP listener, in config order, then those of UDP listeners (not TCP_UDP ones again). */
    public synchronized List<InetSocketAddress> localAddresses() {
        Set<InetSocketAddress> out = new java.util.LinkedHashSet<>();
        listeners.values().forEach(l -> out.add(l.localAddress()));
        udpListeners.values().forEach(l -> out.add(l.localAddress())); // a TCP_UDP listener's is there already
        return List.copyOf(out);
    }

    /** UDP flows over all UDP listeners. */
    public synchronized int udpFlows() {
        return udpListeners.values().stream().mapToInt(UdpListener::flows).sum();
    }

    /** For tests: the flows of each socket (one per event loop) of each UDP listener, in config order. */
    synchronized List<List<Integer>> udpFlowsPerSocket() {
        return udpListeners.values().stream().map(UdpListener::flowsPerSocket).toList();
    }

    /** Open client connections over all TCP listeners (removed ones still draining excluded). */
    public synchronized int connections() {
        return listeners.values().stream().mapToInt(TcpListener::connections).sum();
    }

    /**
     * Stops accepting on every listener, lets open connections go on for up to {@code drain}, then closes the
     * rest. The future completes when every connection is closed. Does not stop the event loops.
     */
    public synchronized CompletableFuture<Void> close(Duration drain) {
        List<CompletableFuture<Void>> all = new ArrayList<>(closing);
        listeners.values().forEach(l -> all.add(l.close(drain)));
        udpListeners.values().forEach(l -> all.add(l.close()));
        listeners.clear();
        udpListeners.clear();
        closing.clear();
        CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        if (ownLoops != null) {
            return done.handle((v, e) -> null).thenCompose(v -> {
                CompletableFuture<Void> stopped = new CompletableFuture<>();
                ownLoops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                        .addListener(f -> stopped.complete(null));
                return stopped;
            });
        }
        return done;
    }
}
