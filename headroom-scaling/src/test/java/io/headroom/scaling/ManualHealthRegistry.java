package io.headroom.scaling;

import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.target.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only target registry whose health the test sets: a registered target is {@code healthy} at once (or
 * {@code initial} while {@link #newTargetsHealthy} is off) until the test says otherwise. No probing, no sockets, so
 * cheap processes ({@code sleep}) can stand in for instances in ELB health check tests.
 */
final class ManualHealthRegistry implements TargetRegistry, AutoCloseable {
    private final Map<String, Map<TargetAddress, TargetState>> targets = new ConcurrentHashMap<>();
    volatile boolean newTargetsHealthy = true;

    ManualHealthRegistry(String... groups) {
        for (String g : groups) {
            targets.put(g, new ConcurrentHashMap<>());
        }
    }

    /** Sets a target's state in every target group it is registered in. */
    void set(String host, int port, TargetState state) {
        TargetAddress a = new TargetAddress(host, port);
        targets.values().forEach(g -> g.computeIfPresent(a, (k, v) -> state));
    }

    /** Every target still {@code initial} passes its health checks, and those registered from now on at once. */
    void passInitial() {
        newTargetsHealthy = true;
        targets.values().forEach(g -> g.replaceAll((k, v) -> v == TargetState.INITIAL ? TargetState.HEALTHY : v));
    }

    @Override
    public void register(String targetGroup, TargetAddress target) {
        group(targetGroup).putIfAbsent(target, newTargetsHealthy ? TargetState.HEALTHY : TargetState.INITIAL);
    }

    @Override
    public CompletableFuture<Void> deregister(String targetGroup, TargetAddress target) {
        group(targetGroup).remove(target);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<TargetHealth> describe(String targetGroup) {
        List<TargetHealth> out = new ArrayList<>();
        group(targetGroup).forEach((a, s) -> out.add(new TargetHealth(a, s, null, s.toString())));
        return out;
    }

    private Map<TargetAddress, TargetState> group(String name) {
        Map<TargetAddress, TargetState> g = targets.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no target group named '" + name + "'");
        }
        return g;
    }

    @Override
    public void close() {
        targets.clear();
    }
}
