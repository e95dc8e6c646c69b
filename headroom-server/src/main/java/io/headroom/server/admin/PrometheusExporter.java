package io.headroom.server.admin;

import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.Statistic;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the metric store in the Prometheus text format through Micrometer. Each scrape first brings every
 * series up to date from the store, then lets Micrometer write them:
 * <ul>
 *   <li>counters (RequestCount, ...: per-second deltas in the store) become running totals: each scrape adds the
 *       store's Sum since the previous scrape;</li>
 *   <li>gauges (HealthyHostCount, GroupDesiredCapacity, CPUUtilization, ...) read the newest second with data in
 *       the last 10 s; a gauge without data for a minute is removed until data comes back;</li>
 *   <li>TargetResponseTime becomes a summary (running count and sum, seconds) plus quantile gauges over the last
 *       60 s.</li>
 * </ul>
 * A series gets its meter the first time a scrape finds it in the store. The name mapping is in docs/api.md.
 * Only the newest complete second counts: the publisher writes second {@code s} just after it ends.
 */
final class PrometheusExporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrometheusExporter.class);
    private static final Pattern TARGET_CODE = Pattern.compile("HTTPCode_Target_(\\dXX)_Count");
    private static final Pattern ELB_CODE = Pattern.compile("HTTPCode_ELB_(\\dXX|\\d{3})_Count");
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private enum Kind { COUNTER, GAUGE, TIMER }

    /** Where one store series goes in Prometheus. */
    private record Mapping(String meterName, Kind kind, Tags tags) {}

    /** The bridge's state for one series. */
    private static final class Series {
        final List<Meter> meters = new ArrayList<>();
        long lastEnd; // epoch second (exclusive) up to which counters are summed; 0 = never
        volatile double total;
        volatile double count;
        volatile double latest = Double.NaN;
        final double[] quantiles = new double[QUANTILES.length];
    }

    private final MetricStore store;
    private final Clock clock;
    private final LongSupplier publishedUntil;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<MetricKey, Series> series = new HashMap<>();
    private final Set<MetricKey> unmappable = new HashSet<>();

    /**
     * @param publishedUntil the end (exclusive, epoch second) of the seconds the publisher has moved into the store
     *                       (0: unknown). Counters are read only up to it: a scrape just after a second ended, before
     *                       the publisher wrote it, would otherwise skip that second for good.
     */
    PrometheusExporter(MetricStore store, Clock clock, LongSupplier publishedUntil) {
        this.store = store;
        this.clock = clock;
        this.publishedUntil = publishedUntil;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition (format 0.0.4) of every series and the JVM metrics. */
    synchronized String scrape() {
        update(clock.instant());
        return registry.scrape();
    }

    private void update(Instant now) {
        long end = now.getEpochSecond(); // seconds before this one have ended...
        long published = publishedUntil.getAsLong();
        if (published > 0) {
            end = Math.min(end, published); // ...and those before this one are in the store
        }
        Instant endAt = Instant.ofEpochSecond(end);
        Set<MetricKey> keys = store.keys();
        for (MetricKey key : keys) {
            if (unmappable.contains(key)) {
                continue;
            }
            Series s = series.get(key);
            Mapping m = map(key);
            if (s == null) {
                s = new Series();
                series.put(key, s);
            }
            switch (m.kind()) {
                case COUNTER -> {
                    long from = s.lastEnd == 0 ? end - 86_400 : s.lastEnd;
                    if (end > from) {
                        s.total += store.aggregate(key, Instant.ofEpochSecond(from), endAt, Statistic.SUM).orElse(0);
                        s.lastEnd = end;
                    }
                }
                case TIMER -> {
                    long from = s.lastEnd == 0 ? end - 86_400 : s.lastEnd;
                    if (end > from) {
                        s.total += store.aggregate(key, Instant.ofEpochSecond(from), endAt, Statistic.SUM).orElse(0);
                        s.count += store.aggregate(key, Instant.ofEpochSecond(from), endAt, Statistic.SAMPLE_COUNT).orElse(0);
                        s.lastEnd = end;
                    }
                    for (int i = 0; i < QUANTILES.length; i++) {
                        s.quantiles[i] = store.aggregate(key, endAt.minusSeconds(60), endAt,
                                Statistic.percentile(QUANTILES[i] * 100)).orElse(Double.NaN);
                    }
                }
                case GAUGE -> {
                    List<Datapoint> points = store.query(key, endAt.minusSeconds(60), endAt, 1, Statistic.AVERAGE);
                    Datapoint last = points.isEmpty() ? null : points.get(points.size() - 1);
                    if (last == null) {
                        s.latest = Double.NaN;
                        removeMeters(s);
                        continue;
                    }
                    s.latest = last.timestamp().isBefore(endAt.minusSeconds(10)) ? Double.NaN : last.value();
                }
            }
            if (s.meters.isEmpty()) {
                try {
                    register(m, s);
                } catch (RuntimeException e) {
                    // e.g. the same Prometheus name with other label names: skip this series, say so once.
                    log.warn("metric {} is not exported to Prometheus: {}", key, e.getMessage());
                    removeMeters(s);
                    series.remove(key);
                    unmappable.add(key);
                }
            }
        }
        for (MetricKey gone : new ArrayList<>(series.keySet())) {
            if (!keys.contains(gone)) {
                removeMeters(series.remove(gone));
            }
        }
        unmappable.retainAll(keys);
    }

    private void register(Mapping m, Series s) {
        switch (m.kind()) {
            case COUNTER -> s.meters.add(FunctionCounter.builder(m.meterName(), s, x -> x.total).tags(m.tags()).register(registry));
            case GAUGE -> s.meters.add(Gauge.builder(m.meterName(), s, x -> x.latest).tags(m.tags()).strongReference(true)
                    .register(registry));
            case TIMER -> {
                s.meters.add(FunctionTimer.builder(m.meterName(), s, x -> (long) x.count, x -> x.total, TimeUnit.SECONDS)
                        .tags(m.tags()).register(registry));
                for (int i = 0; i < QUANTILES.length; i++) {
                    int q = i;
                    s.meters.add(Gauge.builder(m.meterName() + ".quantile.seconds", s, x -> x.quantiles[q])
                            .tags(m.tags().and("quantile", String.valueOf(QUANTILES[q]))).strongReference(true)
                            .register(registry));
                }
            }
        }
    }

    private void removeMeters(Series s) {
        if (s == null) {
            return;
        }
        for (Meter meter : s.meters) {
            registry.remove(meter);
        }
        s.meters.clear();
    }

    /** The Prometheus name, kind and labels of a store series (docs/api.md has the table). */
    private static Mapping map(MetricKey key) {
        Map<String, String> d = key.dimensions().asMap();
        String name = key.name();
        if (d.size() == 1 && d.containsKey("LoadBalancer")) {
            Tags t = Tags.of("load_balancer", d.get("LoadBalancer"));
            Matcher elb = ELB_CODE.matcher(name);
            if (elb.matches()) {
                return counter("headroom.load_balancer.elb_http_responses", t.and("code", elb.group(1).toLowerCase(Locale.ROOT)));
            }
            switch (name) {
                case "RequestCount": return counter("headroom.load_balancer.requests", t);
                case "NewConnectionCount": return counter("headroom.load_balancer.new_connections", t);
                case "ProcessedBytes": return counter("headroom.load_balancer.processed_bytes", t);
                case "RejectedConnectionCount": return counter("headroom.load_balancer.rejected_connections", t);
                case "DesyncMitigationMode_NonCompliant_Request_Count":
                    return counter("headroom.load_balancer.desync_non_compliant_requests", t);
                case "ActiveConnectionCount": return gauge("headroom.load_balancer.active_connections", t);
                case "NewFlowCount": return counter("headroom.load_balancer.new_flows", t);
                case "ActiveFlowCount": return gauge("headroom.load_balancer.active_flows", t);
                case "NewFlowCount_UDP": return counter("headroom.load_balancer.new_udp_flows", t);
                case "ActiveFlowCount_UDP": return gauge("headroom.load_balancer.active_udp_flows", t);
                case "ProcessedBytes_UDP": return counter("headroom.load_balancer.processed_udp_bytes", t);
                case "ProcessedPackets": return counter("headroom.load_balancer.processed_packets", t);
                case "RejectedFlowCount_UDP": return counter("headroom.load_balancer.rejected_udp_flows", t);
                case "UnroutableFlowCount_UDP": return counter("headroom.load_balancer.unroutable_udp_flows", t);
                case "TCP_Client_Reset_Count": return counter("headroom.load_balancer.tcp_resets", t.and("source", "client"));
                case "TCP_Target_Reset_Count": return counter("headroom.load_balancer.tcp_resets", t.and("source", "target"));
                case "TCP_ELB_Reset_Count": return counter("headroom.load_balancer.tcp_resets", t.and("source", "elb"));
                case "ClientTLSNegotiationErrorCount": return counter("headroom.load_balancer.client_tls_negotiation_errors", t);
                case "ELBAuthSuccess": return counter("headroom.load_balancer.elb_auth_successes", t);
                case "ELBAuthFailure": return counter("headroom.load_balancer.elb_auth_failures", t);
                case "ELBAuthError": return counter("headroom.load_balancer.elb_auth_errors", t);
                case "ELBAuthUserClaimsSizeExceeded": return counter("headroom.load_balancer.elb_auth_user_claims_size_exceeded", t);
                case "ELBAuthLatency": return gauge("headroom.load_balancer.elb_auth_latency_milliseconds", t);
                default: break;
            }
        } else if (d.size() == 1 && d.containsKey("TargetGroup")) {
            Tags t = Tags.of("target_group", d.get("TargetGroup"));
            Matcher code = TARGET_CODE.matcher(name);
            if (code.matches()) {
                return counter("headroom.target_group.target_http_responses", t.and("code", code.group(1).toLowerCase(Locale.ROOT)));
            }
            switch (name) {
                case "RequestCount": return counter("headroom.target_group.requests", t);
                case "TargetConnectionErrorCount": return counter("headroom.target_group.target_connection_errors", t);
                case "UnhealthyRoutingRequestCount": return counter("headroom.target_group.unhealthy_routing_requests", t);
                case "UnhealthyRoutingFlowCount": return counter("headroom.target_group.unhealthy_routing_flows", t);
                case "TargetResponseTime": return new Mapping("headroom.target_group.target_response_time", Kind.TIMER, t);
                case "HealthyHostCount": return gauge("headroom.target_group.healthy_hosts", t);
                case "UnHealthyHostCount": return gauge("headroom.target_group.unhealthy_hosts", t);
                case "AnomalousHostCount": return gauge("headroom.target_group.anomalous_hosts", t);
                case "MitigatedHostCount": return gauge("headroom.target_group.mitigated_hosts", t);
                case "RequestCountPerTarget": return gauge("headroom.target_group.requests_per_target", t);
                default: break;
            }
        } else if (d.size() == 1 && d.containsKey("AutoScalingGroupName")) {
            Tags t = Tags.of("auto_scaling_group", d.get("AutoScalingGroupName"));
            switch (name) {
                case "CPUUtilization": return gauge("headroom.autoscaling_group.cpu_utilization_percent", t);
                case "MemoryUtilization": return gauge("headroom.autoscaling_group.memory_rss_bytes", t);
                case "TotalCPUUtilization": return gauge("headroom.autoscaling_group.total_cpu_utilization_percent", t);
                case "NetworkIn": return gauge("headroom.autoscaling_group.network_in_bytes_per_second", t);
                case "TotalNetworkIn": return gauge("headroom.autoscaling_group.total_network_in_bytes_per_second", t);
                case "NetworkOut": return gauge("headroom.autoscaling_group.network_out_bytes_per_second", t);
                case "TotalNetworkOut": return gauge("headroom.autoscaling_group.total_network_out_bytes_per_second", t);
                default:
                    if (name.startsWith("WarmPool") || name.startsWith("GroupAndWarmPool")) {
                        return gauge("headroom.autoscaling_group." + snake(name), t); // warm_pool_warmed_capacity …
                    }
                    if (name.startsWith("Group")) {
                        return gauge("headroom.autoscaling_group." + snake(name.substring("Group".length())), t);
                    }
            }
        } else if (d.size() == 1 && d.containsKey("InstanceId")) {
            Tags t = Tags.of("instance_id", d.get("InstanceId"));
            switch (name) {
                case "CPUUtilization": return gauge("headroom.instance.cpu_utilization_percent", t);
                case "MemoryUtilization": return gauge("headroom.instance.memory_rss_bytes", t);
                case "NetworkIn": return gauge("headroom.instance.network_in_bytes_per_second", t);
                case "NetworkOut": return gauge("headroom.instance.network_out_bytes_per_second", t);
                default: break;
            }
        }
        List<Tag> tags = new ArrayList<>();
        d.forEach((k, v) -> tags.add(Tag.of(snake(k), v)));
        // AWS's *Count metrics are counts per period (counters here), except the few that are levels.
        if (name.endsWith("Count") && !name.startsWith("Active") && !name.endsWith("HostCount")) {
            return counter("headroom." + snake(name.substring(0, name.length() - "Count".length())), Tags.of(tags));
        }
        return gauge("headroom." + snake(name), Tags.of(tags));
    }

    private static Mapping counter(String name, Tags t) {
        return new Mapping(name, Kind.COUNTER, t);
    }

    private static Mapping gauge(String name, Tags t) {
        return new Mapping(name, Kind.GAUGE, t);
    }

    /** InServiceInstances → in_service_instances; AutoScalingGroupName → auto_scaling_group_name. */
    static String snake(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLower = i > 0 && (Character.isLowerCase(s.charAt(i - 1)) || Character.isDigit(s.charAt(i - 1)));
                boolean nextLower = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
                boolean prevUpper = i > 0 && Character.isUpperCase(s.charAt(i - 1));
                if (b.length() > 0 && b.charAt(b.length() - 1) != '_' && (prevLower || (prevUpper && nextLower))) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append('_');
            }
        }
        return b.toString();
    }

    @Override
    public synchronized void close() {
        gc.close();
        registry.close();
    }
}
