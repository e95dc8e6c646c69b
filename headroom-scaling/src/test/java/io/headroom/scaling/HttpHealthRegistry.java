package io.headroom.scaling;

import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.core.target.TargetState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A test-only target registry (the real one is the proxy's, which this module may not use): it health-checks
 * every registered target with a real {@code GET /health} every 100 ms. A target is {@code initial} until its
 * first passing check, then {@code healthy}, and {@code unhealthy} after two failing checks in a row.
 * Deregistration completes at once (nothing is in flight here).
 */
final class HttpHealthRegistry implements TargetRegistry, AutoCloseable {
    private final Set<String> groups;
    private final Map<String, Map<TargetAddress, Probe>> targets = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-health-checks");
        t.setDaemon(true);
        return t;
    });
    /** Every deregistration, in order, as "targetGroup target". */
    final List<String> deregistered = java.util.Collections.synchronizedList(new ArrayList<>());

    HttpHealthRegistry(String... groups) {
        this.groups = Set.of(groups);
        for (String g : groups) {
            targets.put(g, new ConcurrentHashMap<>());
        }
        prober.scheduleWithFixedDelay(this::probeAll, 0, 100, TimeUnit.MILLISECONDS);
    }

    private static final class Probe {
        volatile TargetState state = TargetState.INITIAL;
        int failures;
    }

    @Override
    public void register(String targetGroup, TargetAddress target) {
        group(targetGroup).putIfAbsent(target, new Probe());
    }

    @Override
    public CompletableFuture<Void> deregister(String targetGroup, TargetAddress target) {
        group(targetGroup).remove(target);
        deregistered.add(targetGroup + " " + target);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<TargetHealth> describe(String targetGroup) {
        List<TargetHealth> out = new ArrayList<>();
        group(targetGroup).forEach((a, p) -> out.add(new TargetHealth(a, p.state, null, p.state.toString())));
        return out;
    }

    private Map<TargetAddress, Probe> group(String name) {
        if (!groups.contains(name)) {
            throw new IllegalArgumentException("no target group named '" + name + "'");
        }
        return targets.get(name);
    }

    private void probeAll() {
        targets.values().forEach(g -> g.forEach(this::probe));
    }

    private void probe(TargetAddress a, Probe p) {
        boolean ok;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + a + "/health"))
                    .timeout(Duration.ofMillis(500)).build();
            ok = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            ok = false;
        }
        if (ok) {
            p.failures = 0;
            p.state = TargetState.HEALTHY;
        } else if (p.state != TargetState.INITIAL && ++p.failures >= 2) {
            p.state = TargetState.UNHEALTHY;
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
