package io.headroom.proxy.accesslog;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.LoadBalancerConfig.AccessLogConfig;
import io.headroom.core.config.LoadBalancerConfig.ConnectionLogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The access logs and connection logs of every application load balancer, kept across reloads: a log whose
 * settings did not change stays open; changed, added and removed ones are swapped in two steps so that a failed
 * reload changes nothing ({@link #prepare}, then {@link Plan#commit} or {@link Plan#abort}). A relative
 * {@code path} is resolved against {@code stateDir}. Calls are serialised by the caller.
 */
public final class LoadBalancerLogs implements AutoCloseable {
    /** An open log and the settings it was opened with. */
    private record Open<E>(Object settings, Path file, LogFile<E> log) {
    }

    /** One kind of log (access or connection) of every load balancer, by load balancer name. */
    private static final class Kind<E> {
        final String key;
        final String name;
        final Map<String, Open<E>> current = new HashMap<>();

        Kind(String key, String name) {
            this.key = key;
            this.name = name;
        }
    }

    /** What a reload of one kind will use, and what it opened for that. */
    private record Staged<E>(Kind<E> kind, Map<String, Open<E>> wanted, Map<String, Open<E>> opened) {
        Staged(Kind<E> kind) {
            this(kind, new HashMap<>(), new HashMap<>());
        }

        LogFile<E> get(String loadBalancer) {
            Open<E> o = wanted.get(loadBalancer);
            return o == null ? null : o.log;
        }

        /** Reuses the open log when its settings are unchanged, else opens a new one. */
        void stage(String loadBalancer, Object settings, Path file, LogFile.LineFormat<E> format, int maxSizeMb,
                   int maxFiles) {
            Open<E> old = kind.current.get(loadBalancer);
            if (old != null && old.settings.equals(settings) && old.file.equals(file)) {
                wanted.put(loadBalancer, old);
                return;
            }
            try {
                Open<E> o = new Open<>(settings, file, LogFile.open(loadBalancer, kind.name, file, format,
                        maxSizeMb * 1024L * 1024L, maxFiles, LogFile.DEFAULT_QUEUE));
                wanted.put(loadBalancer, o);
                opened.put(loadBalancer, o);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("loadBalancers '" + loadBalancer + "': " + kind.key + ".path "
                        + file + ": cannot be opened for writing (" + e + ")", e);
            }
        }

        void commit() {
            for (Map.Entry<String, Open<E>> e : Map.copyOf(kind.current).entrySet()) {
                Open<E> now = wanted.get(e.getKey());
                if (now == null || now.log != e.getValue().log) {
                    e.getValue().log.close();
                }
            }
            kind.current.clear();
            kind.current.putAll(wanted);
        }

        void abort() {
            opened.values().forEach(o -> o.log.close());
        }
    }

    private final Kind<AccessLogEntry> access = new Kind<>("accessLog", "access log");
    private final Kind<ConnectionLogEntry> connection = new Kind<>("connectionLog", "connection log");

    /** What a reload will use: the logs of each load balancer that has them enabled. */
    public static final class Plan {
        private final Staged<AccessLogEntry> access;
        private final Staged<ConnectionLogEntry> connection;

        private Plan(Staged<AccessLogEntry> access, Staged<ConnectionLogEntry> connection) {
            this.access = access;
            this.connection = connection;
        }

        /** The access log of this load balancer, or null when it has none. */
        public LogFile<AccessLogEntry> accessLog(String loadBalancer) {
            return access.get(loadBalancer);
        }

        /** The connection log of this load balancer, or null when it has none. */
        public LogFile<ConnectionLogEntry> connectionLog(String loadBalancer) {
            return connection.get(loadBalancer);
        }

        /** The reload went through: the new logs replace the old, which are closed. */
        public void commit() {
            access.commit();
            connection.commit();
        }

        /** The reload failed: the logs this plan opened are closed; the old ones stay. */
        public void abort() {
            access.abort();
            connection.abort();
        }
    }

    /**
     * Opens the logs that the config adds or changes; unchanged ones are reused.
     *
     * @throws IllegalArgumentException naming the load balancer and the file when a log cannot be opened (what this
     *                                  call opened is closed again)
     */
    public Plan prepare(HeadroomConfig config) {
        Plan plan = new Plan(new Staged<>(access), new Staged<>(connection));
        Path stateDir = config.stateDir() == null ? Path.of(".headroom") : config.stateDir();
        Map<Path, String> files = new HashMap<>();
        try {
            for (LoadBalancerConfig lb : config.loadBalancers()) {
                if (lb.type() != LoadBalancerConfig.Type.APPLICATION) {
                    continue;
                }
                AccessLogConfig a = lb.accessLog();
                if (a != null && a.enabled()) {
                    plan.access.stage(lb.name(), a, file(files, stateDir, lb.name(), access, a.path()),
                            AccessLogFormat.of(a.format()), a.maxSizeMb(), a.maxFiles());
                }
                ConnectionLogConfig c = lb.connectionLog();
                if (c != null && c.enabled()) {
                    plan.connection.stage(lb.name(), c, file(files, stateDir, lb.name(), connection, c.path()),
                            ConnectionLogFormat.ALB, c.maxSizeMb(), c.maxFiles());
                }
            }
        } catch (RuntimeException e) {
            plan.abort();
            throw e;
        }
        return plan;
    }

    /** The log's file, resolved against stateDir; two logs cannot share one (their lines would interleave). */
    private static Path file(Map<Path, String> files, Path stateDir, String loadBalancer, Kind<?> kind, String path) {
        Path file = stateDir.resolve(path).toAbsolutePath().normalize();
        String owner = "the " + kind.name + " of load balancer '" + loadBalancer + "'";
        String other = files.putIfAbsent(file, owner);
        if (other != null) {
            throw new IllegalArgumentException("loadBalancers '" + loadBalancer + "': " + kind.key + ".path " + file
                    + ": already the file of " + other + " (expected: one file per log)");
        }
        return file;
    }

    /** Closes every log (after writing what is queued). */
    @Override
    public void close() {
        for (Kind<?> k : new Kind<?>[] {access, connection}) {
            k.current.values().forEach(o -> o.log.close());
            k.current.clear();
        }
    }
}
