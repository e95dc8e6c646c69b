package io.headroom.core.config;

import java.util.List;

/** A named set of listeners. */
public record LoadBalancerConfig(
        String name,
        Type type,
        int idleTimeoutSeconds,
        DesyncMitigationMode desyncMitigationMode,
        AccessLogConfig accessLog,
        List<ListenerConfig> listeners) {

    public LoadBalancerConfig {
        listeners = List.copyOf(listeners);
    }

    public enum Type { APPLICATION, NETWORK }

    /** How strictly requests are checked against RFC 9112 (AWS's desync mitigation modes). */
    public enum DesyncMitigationMode { MONITOR, DEFENSIVE, STRICTEST }

    /**
     * One line per request to {@code path} (relative to {@code stateDir} unless absolute), rotated when it
     * reaches {@code maxSizeMb}, keeping {@code maxFiles} rotated files ({@code path.1} is the newest).
     */
    public record AccessLogConfig(boolean enabled, Format format, String path, int maxSizeMb, int maxFiles) {
        public enum Format { ALB, JSON, COMBINED }

        /** Default rotation: 100 MiB, 5 files kept. */
        public AccessLogConfig(boolean enabled, Format format, String path) {
            this(enabled, format, path, 100, 5);
        }

        public static AccessLogConfig disabled() {
            return new AccessLogConfig(false, Format.ALB, "access.log");
        }
    }
}
