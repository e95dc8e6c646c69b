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

    public record AccessLogConfig(boolean enabled, Format format, String path) {
        public enum Format { ALB, JSON, COMBINED }

        public static AccessLogConfig disabled() {
            return new AccessLogConfig(false, Format.ALB, "access.log");
        }
    }
}
