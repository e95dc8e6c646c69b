package io.headroom.sim;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.target.TargetState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The simulator's target groups: a registered target is probed at once and then every {@code intervalSeconds}; it is
 * healthy after {@code healthyThreshold} passing probes, a probe passing once its instance is ready. Deregistration
 * completes at once (a simulated target has nothing in flight). Single-threaded.
 */
final class SimRegistry implements TargetRegistry {
    private final Clock clock;
    private final SimProvider provider;
    private final Map<String, HealthCheckConfig> checks;
    private final Map<String, Map<TargetAddress, Instant>> registered = new LinkedHashMap<>();

    SimRegistry(Clock clock, SimProvider provider, Map<String, HealthCheckConfig> checks) {
        this.clock = clock;
        this.provider = provider;
        this.checks = checks;
        checks.keySet().forEach(tg -> registered.put(tg, new LinkedHashMap<>()));
    }

    @Override
    public void register(String targetGroup, TargetAddress target) {
        group(targetGroup).putIfAbsent(target, clock.instant());
    }

    @Override
    public CompletableFuture<Void> deregister(String targetGroup, TargetAddress target) {
        group(targetGroup).remove(target);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<TargetHealth> describe(String targetGroup) {
        List<TargetHealth> out = new ArrayList<>();
        for (Map.Entry<TargetAddress, Instant> e : group(targetGroup).entrySet()) {
            boolean healthy = healthy(targetGroup, e.getKey(), e.getValue());
            out.add(new TargetHealth(e.getKey(), healthy ? TargetState.HEALTHY : TargetState.INITIAL,
                    healthy ? null : "Elb.RegistrationInProgress", healthy ? null : "Target registration is in progress"));
        }
        return out;
    }

    /** The group's healthy targets. */
    int healthyCount(String targetGroup) {
        int n = 0;
        for (Map.Entry<TargetAddress, Instant> e : group(targetGroup).entrySet()) {
            if (healthy(targetGroup, e.getKey(), e.getValue())) {
                n++;
            }
        }
        return n;
    }

    private boolean healthy(String targetGroup, TargetAddress target, Instant registeredAt) {
        SimProvider.Sim s = provider.byPort(target.port()).orElse(null);
        if (s == null || s.stopped || s.exited) {
            return false;
        }
        HealthCheckConfig hc = checks.get(targetGroup);
        long interval = hc.intervalSeconds();
        long from = registeredAt.getEpochSecond();
        long ready = Math.max(from, s.readyAt.getEpochSecond());
        // The first probe that passes, then healthyThreshold - 1 more, one interval apart.
        long firstPass = from + ((ready - from + interval - 1) / interval) * interval;
        long healthyAt = firstPass + (hc.healthyThreshold() - 1) * interval;
        return clock.instant().getEpochSecond() >= healthyAt;
    }

    private Map<TargetAddress, Instant> group(String name) {
        Map<TargetAddress, Instant> g = registered.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no target group '" + name + "'");
        }
        return g;
    }
}
