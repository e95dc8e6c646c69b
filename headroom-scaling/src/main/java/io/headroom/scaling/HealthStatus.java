package io.headroom.scaling;

/** AWS's instance health status: every instance starts Healthy until a health check says otherwise. */
public enum HealthStatus {
    Healthy,
    Unhealthy
}
