package io.headroom.proxy.target;

import io.headroom.core.metrics.Counter;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registers each target group's health and load gauges ({@code TargetGroup=name}) in a {@link MetricRegistry}
 * and removes them with the group. Pass it to {@link TargetGroups} as its listener.
 *
 * <ul>
 *   <li>{@code HealthyHostCount}, {@code UnHealthyHostCount}: targets in state healthy / unhealthy now.</li>
 *   <li>{@code AnomalousHostCount}, {@code MitigatedHostCount}: targets anomaly detection finds anomalous, and
 *       those whose traffic anomaly mitigation reduces (automatic target weights).</li>
 *   <li>{@code RequestCountPerTarget}: the group's requests since the previous publish divided by its healthy
 *       targets, or by its registered targets in routing failover (by 1 when it has none, so demand on an
 *       empty group is still visible to scaling). The requests are the growth of the registry's
 *       {@code RequestCount{TargetGroup=name}} counter (which the data plane increments) plus any counted with
 *       {@link TargetGroup#countRequest()}; use one of the two, not both. The gauge computes a delta each time
 *       it is read, so the registry must be published once a second, as it is meant to be.</li>
 * </ul>
 */
public final class TargetGroupGauges implements TargetGroupListener {
    private final MetricRegistry registry;

    public TargetGroupGauges(MetricRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void groupAdded(TargetGroup g) {
        Dimensions d = Dimensions.of("TargetGroup", g.name());
        registry.gauge(MetricKey.of("HealthyHostCount", d), g::healthyCount);
        registry.gauge(MetricKey.of("UnHealthyHostCount", d), g::unhealthyCount);
        registry.gauge(MetricKey.of("AnomalousHostCount", d), g::anomalousCount);
        registry.gauge(MetricKey.of("MitigatedHostCount", d), g::mitigatedCount);
        Counter requests = registry.counter(MetricKey.of("RequestCount", d));
        AtomicLong seen = new AtomicLong(requests.sum());
        registry.gauge(MetricKey.of("RequestCountPerTarget", d), () -> {
            long now = requests.sum();
            long delta = now - seen.getAndSet(now) + g.takeRequestCount();
            return g.requestCountPerTarget(delta);
        });
    }

    @Override
    public void groupRemoved(TargetGroup g) {
        Dimensions d = Dimensions.of("TargetGroup", g.name());
        registry.remove(MetricKey.of("HealthyHostCount", d));
        registry.remove(MetricKey.of("UnHealthyHostCount", d));
        registry.remove(MetricKey.of("AnomalousHostCount", d));
        registry.remove(MetricKey.of("MitigatedHostCount", d));
        registry.remove(MetricKey.of("RequestCountPerTarget", d));
    }
}
