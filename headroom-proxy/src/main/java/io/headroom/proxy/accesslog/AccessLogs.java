package io.headroom.proxy.accesslog;

import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.LoadBalancerConfig.AccessLogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The access logs of every application load balancer, kept across reloads: a load balancer whose
 * {@code accessLog} settings did not change keeps its open log; changed, added and removed ones are swapped in
 * two steps so that a failed reload changes nothing ({@link #prepare}, then {@link Plan#commit} or
 * {@link Plan#abort}). A relative {@code path} is resolved against {@code stateDir}. Calls are serialised by the
 * caller.
 */
public final class AccessLogs implements AutoCloseable {
    private record Open(AccessLogConfig config, Path file, AccessLog log) {
    }

    private final Map<String, Open> logs = new HashMap<>();

    /** What a reload will use: the log of each load balancer that has one enabled. */
    public final class Plan {
        private final Map<String, Open> wanted;
        private final Map<String, Open> opened;

        private Plan(Map<String, Open> wanted, Map<String, Open> opened) {
            this.wanted = wanted;
            this.opened = opened;
        }

        /** The access log of this load balancer, or null when it has none. */
        public AccessLog get(String loadBalancer) {
            Open o = wanted.get(loadBalancer);
            return o == null ? null : o.log;
        }

        /** The reload went through: the new logs replace the old, which are closed. */
        public void commit() {
            for (Map.Entry<String, Open> e : Map.copyOf(logs).entrySet()) {
                Open now = wanted.get(e.getKey());
                if (now == null || now.log != e.getValue().log) {
                    e.getValue().log.close();
                }
            }
            logs.clear();
            logs.putAll(wanted);
        }

        /** The reload failed: the logs this plan opened are closed; the old ones stay. */
        public void abort() {
            opened.values().forEach(o -> o.log.close());
        }
    }

    /**
     * Opens the logs that the config adds or changes; unchanged ones are reused.
     *
     * @throws IllegalArgumentException naming the load balancer and the file when a log cannot be opened
     */
    public Plan prepare(HeadroomConfig config) {
        Map<String, Open> wanted = new HashMap<>();
        Map<String, Open> opened = new HashMap<>();
        Path stateDir = config.stateDir() == null ? Path.of(".headroom") : config.stateDir();
        for (LoadBalancerConfig lb : config.loadBalancers()) {
            AccessLogConfig c = lb.accessLog();
            if (lb.type() != LoadBalancerConfig.Type.APPLICATION || c == null || !c.enabled()) {
                continue;
            }
            Path file = stateDir.resolve(c.path()).toAbsolutePath().normalize();
            Open old = logs.get(lb.name());
            if (old != null && old.config.equals(c) && old.file.equals(file)) {
                wanted.put(lb.name(), old);
                continue;
            }
            try {
                AccessLog log = AccessLog.open(lb.name(), file, AccessLogFormat.of(c.format()),
                        c.maxSizeMb() * 1024L * 1024L, c.maxFiles(), AccessLog.DEFAULT_QUEUE);
                Open o = new Open(c, file, log);
                wanted.put(lb.name(), o);
                opened.put(lb.name(), o);
            } catch (IOException | RuntimeException e) {
                opened.values().forEach(o -> o.log.close());
                throw new IllegalArgumentException("loadBalancers '" + lb.name() + "': accessLog.path " + file
                        + ": cannot be opened for writing (" + e + ")", e);
            }
        }
        return new Plan(wanted, opened);
    }

    /** Closes every log (after writing what is queued). */
    @Override
    public void close() {
        logs.values().forEach(o -> o.log.close());
        logs.clear();
    }
}
