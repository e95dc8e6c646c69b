package io.headroom.server;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.HistoryMetricStore;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.metrics.MetricStore;
import io.headroom.proxy.ProxyServer;
import io.headroom.proxy.target.TargetGroupGauges;
import io.headroom.proxy.target.TargetGroups;
import io.headroom.scaling.AutoScalingController;
import io.headroom.scaling.provider.ProcessProvider;
import io.headroom.server.admin.AdminServer;
import io.headroom.server.notify.Notifier;
import io.headroom.server.state.StateStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Headroom: the data plane, the target groups, the auto scaling controller and the metrics, wired
 * from one config. The proxy and the controller never see each other; they meet here through
 * {@link io.headroom.core.target.TargetRegistry} (implemented by {@link TargetGroups}) and the metric store.
 *
 * <pre>
 *   config ──► TargetGroups ◄── register/deregister ── AutoScalingController ──► ProcessProvider ──► instances
 *                 ▲                                         │ reads
 *   clients ──► ProxyServer (listeners, rules) ── records ──► MetricRegistry ──1 s──► MetricStore
 * </pre>
 *
 * {@link #reload()} re-reads the config source: an invalid file is rejected with its errors and the old config
 * keeps serving; otherwise target groups, listeners and groups are updated in place.
 */
public final class HeadroomServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadroomServer.class);

    /** Where the config comes from: a file, or the demo bundled in the jar. */
    public record ConfigSource(Path file, String bundledResource) {
        public static ConfigSource file(Path file) {
            return new ConfigSource(Objects.requireNonNull(file), null);
        }

        public static ConfigSource bundledDemo() {
            return new ConfigSource(null, "/examples/demo.yaml");
        }

        HeadroomConfig load(Map<String, String> variables) throws ConfigException, IOException {
            if (file != null) {
                return ConfigLoader.load(file, variables);
            }
            try (InputStream in = HeadroomServer.class.getResourceAsStream(bundledResource)) {
                if (in == null) {
                    throw new IOException("the bundled demo " + bundledResource + " is missing from the jar");
                }
                return ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        "demo.yaml (bundled)", variables);
            }
        }

        @Override
        public String toString() {
            return file != null ? file.toString() : "the bundled demo (examples/demo.yaml)";
        }
    }

    private final ConfigSource source;
    private final Map<String, String> variables;
    private final Clock clock;
    /** How much one-second data the live metric store keeps; older data is in the state file's minute rollups. */
    static final Duration LIVE_RETENTION = Duration.ofHours(1);
    private final MetricStore store;
    private final MetricRegistry registry = new MetricRegistry();
    private final ProxyServer proxy;
    private final TargetGroups targetGroups;
    private final ProcessProvider provider;
    private final AutoScalingController controller;
    private final ScheduledExecutorService publisher;
    private final StateStore state;
    private final Notifier notifier;
    private final AdminServer admin;
    private volatile HeadroomConfig config;

    private HeadroomServer(ConfigSource source, Map<String, String> variables, HeadroomConfig config, Clock clock) {
        this.source = source;
        this.variables = variables;
        this.clock = clock;
        this.config = config;
        this.store = MetricStore.inMemory(LIVE_RETENTION);
        this.proxy = new ProxyServer(config.workerThreads(), registry);
        this.proxy.oidcKeyStore(config.stateDir()); // authenticate-oidc sessions survive a restart
        this.proxy.oidcClock(clock);
        this.targetGroups = new TargetGroups(clock, proxy.eventLoops(), new TargetGroupGauges(registry));
        this.provider = new ProcessProvider(config.stateDir(), clock);
        this.state = StateStore.open(config.stateDir(), clock); // never throws: a bad file only disables saving
        // The policies read the live store, and the state file's minute rollups for older data (predictive scaling).
        this.controller = new AutoScalingController(config, provider, targetGroups,
                new HistoryMetricStore(store, state, LIVE_RETENTION), clock);
        this.notifier = new Notifier(config.notifications(), clock);
        this.admin = new AdminServer(this, clock);
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "headroom-metrics-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads the config, binds every listener, starts health checks, the controller and the metrics. */
    public static HeadroomServer start(ConfigSource source, Map<String, String> variables, Clock clock)
            throws ConfigException, IOException {
        HeadroomConfig config = source.load(variables);
        HeadroomServer s = new HeadroomServer(source, variables, config, clock);
        try {
            s.admin.start(config.admin());
            // Instances reach the admin API on the bound port (e.g. to complete a lifecycle hook): loopback unless
            // it listens on one address only.
            String host = config.admin().host();
            boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
            // Instances are the user's own processes: they get the token too, as an AWS instance gets its role.
            Map<String, String> env = new java.util.LinkedHashMap<>();
            env.put("HEADROOM_ADMIN_URL", "http://" + (any ? "127.0.0.1"
                    : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + s.admin.port());
            if (config.admin().token() != null && !config.admin().token().isEmpty()) {
                env.put("HEADROOM_ADMIN_TOKEN", config.admin().token());
            }
            s.controller.setInstanceEnvironment(env);
            s.targetGroups.apply(config.targetGroups());
            s.proxy.apply(config, s.targetGroups);
            s.state.attach(config, s.controller, s.targetGroups, s.store); // restores before the first tick
            s.controller.addListener(s.notifier);
            s.controller.start();
            s.publisher.scheduleAtFixedRate(s::publishMetrics, 1000 - clock.millis() % 1000, 1000, TimeUnit.MILLISECONDS);
            s.admin.ready();
        } catch (RuntimeException e) {
            s.shutdown(Duration.ZERO);
            throw e;
        }
        return s;
    }

    private void publishMetrics() {
        try {
            // The second that just ended.
            registry.publish(store, clock.millis() / 1000 - 1);
        } catch (Throwable t) {
            log.error("metrics publisher failed", t);
        }
    }

    /**
     * Re-reads the config. Returns null when the new config is serving, or the errors (the old config keeps
     * serving, nothing running is touched).
     */
    public synchronized String reload() {
        HeadroomConfig next;
        try {
            next = source.load(variables);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (IOException e) {
            return source + ": " + e.getMessage();
        }
        HeadroomConfig previous = config;
        try {
            targetGroups.apply(next.targetGroups());
            proxy.apply(next, targetGroups);
        } catch (RuntimeException e) {
            // Put the target groups back as they were so the old listeners keep their groups.
            targetGroups.apply(previous.targetGroups());
            return "reload rejected: " + e.getMessage();
        }
        controller.apply(next);
        notifier.apply(next.notifications());
        config = next;
        log.info("reloaded {}", source);
        return null;
    }

    public HeadroomConfig config() {
        return config;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public TargetGroups targetGroups() {
        return targetGroups;
    }

    public AutoScalingController controller() {
        return controller;
    }

    /** The end (exclusive, epoch second) of the seconds the publisher has moved into {@link #metrics()} so far. */
    public long metricsPublishedUntil() {
        return registry.publishedUntil();
    }

    public MetricStore metrics() {
        return store;
    }

    /** The provider that runs the instances (their pids, logs and exit codes). */
    public ProcessProvider provider() {
        return provider;
    }

    public ConfigSource source() {
        return source;
    }

    /** Durable state ({@code stateDir/headroom.db}); {@link StateStore#status()} tells whether it is being saved. */
    public StateStore state() {
        return state;
    }

    /** The webhooks of the config's {@code notifications}. */
    public Notifier notifier() {
        return notifier;
    }

    /**
     * Where a user's run-time target registrations go (the admin API): the target groups, with each
     * registration saved so that it comes back after a restart. The auto scaling groups use
     * {@link #targetGroups()} directly: their instances end with Headroom.
     */
    public io.headroom.core.target.TargetRegistry runtimeTargets() {
        return state.runtimeTargets(targetGroups);
    }

    /** The admin API server (its {@link AdminServer#port()} is the bound port). */
    public AdminServer admin() {
        return admin;
    }

    /**
     * Stops accepting, lets requests in flight finish (up to {@code drain}), terminates every instance (each is
     * deregistered and drained first) and stops. Blocks until done.
     */
    public synchronized void shutdown(Duration drain) {
        admin.draining();
        publisher.shutdownNow();
        try {
            controller.close();
        } catch (RuntimeException e) {
            log.warn("stopping the auto scaling controller failed", e);
        }
        notifier.close();
        state.close(); // after the controller: its last activities are saved too
        proxy.shutdown(drain);
        targetGroups.close();
        provider.close();
        admin.close();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
