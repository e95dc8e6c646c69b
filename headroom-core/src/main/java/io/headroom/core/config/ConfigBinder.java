package io.headroom.core.config;

import static io.headroom.core.config.Node.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.headroom.core.config.ActionConfig.FixedResponse;
import io.headroom.core.config.ActionConfig.Forward;
import io.headroom.core.config.ActionConfig.Redirect;
import io.headroom.core.config.ActionConfig.WeightedTargetGroup;
import io.headroom.core.config.AlarmConfig.ComparisonOperator;
import io.headroom.core.config.AutoScalingGroupConfig.HealthCheckType;
import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import io.headroom.core.config.ConditionsConfig.HttpHeaderCondition;
import io.headroom.core.config.ConditionsConfig.QueryStringCondition;
import io.headroom.core.config.ListenerConfig.CertificateConfig;
import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig;
import io.headroom.core.config.LoadBalancerConfig.AccessLogConfig;
import io.headroom.core.config.LoadBalancerConfig.ConnectionLogConfig;
import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.headroom.core.config.LoadBalancerConfig.XffHeaderProcessingMode;
import io.headroom.core.config.ScalingPolicyConfig.AdjustmentType;
import io.headroom.core.config.ScalingPolicyConfig.MetricDataQuery;
import io.headroom.core.config.ScalingPolicyConfig.MetricSpec;
import io.headroom.core.config.ScalingPolicyConfig.MetricStat;
import io.headroom.core.config.ScalingPolicyConfig.PredefinedMetricType;
import io.headroom.core.config.ScalingPolicyConfig.StepAdjustment;
import io.headroom.core.config.TargetGroupConfig.Algorithm;
import io.headroom.core.config.TargetGroupConfig.TargetConfig;
import io.headroom.core.metrics.MetricMath;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Walks the YAML tree and builds the config records, reporting every problem to {@link Errors}. */
final class ConfigBinder {
    // AWS name rules: load balancers and target groups 1-32 alphanumerics and hyphens, not at either end.
    private static final Pattern ELB_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?");
    private static final String ELB_NAME_EXPECTED = "1-32 letters, digits and hyphens, not starting or ending with a hyphen";
    // Launch templates: 3-128 of letters, digits and ( ) . / _ -
    private static final Pattern LT_NAME = Pattern.compile("[A-Za-z0-9()./_-]{3,128}");
    // Auto scaling groups, policies, scheduled actions: 1-255 characters, no colon (AWS forbids it in names).
    private static final Pattern ASG_NAME = Pattern.compile("[^:\\s][^:]{0,254}");
    private static final Pattern HOOK_NAME = Pattern.compile("[A-Za-z0-9_/-]{1,255}");
    /** AWS's quota of lifecycle hooks per auto scaling group. */
    static final int MAX_LIFECYCLE_HOOKS = 50;
    private static final Map<String, LifecycleHookConfig.Transition> LIFECYCLE_TRANSITIONS =
            Node.names(LifecycleHookConfig.Transition.class, LifecycleHookConfig.Transition::toString);
    private static final Map<String, AlarmConfig.TreatMissingData> TREAT_MISSING_DATA =
            Node.names(AlarmConfig.TreatMissingData.class, AlarmConfig.TreatMissingData::toString);
    private static final Map<String, WarmPoolConfig.PoolState> POOL_STATES = Node.names(WarmPoolConfig.PoolState.class, Enum::name);
    private static final Map<String, LifecycleHookConfig.Result> LIFECYCLE_RESULTS =
            Node.names(LifecycleHookConfig.Result.class, Enum::name);
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d{1,10})?|100)");
    private static final List<String> STATISTICS = List.of("Sum", "Average", "Minimum", "Maximum", "SampleCount");
    private static final Set<String> FIXED_RESPONSE_TYPES =
            Set.of("text/plain", "text/css", "text/html", "application/javascript", "application/json");

    private static final Map<String, LoadBalancerConfig.Type> LB_TYPES = ordered(
            "application", LoadBalancerConfig.Type.APPLICATION, "network", LoadBalancerConfig.Type.NETWORK);
    private static final Map<String, ListenerConfig.Protocol> LISTENER_PROTOCOLS =
            Node.names(ListenerConfig.Protocol.class, Enum::name);
    private static final Map<String, TargetGroupConfig.Protocol> TG_PROTOCOLS =
            Node.names(TargetGroupConfig.Protocol.class, Enum::name);
    private static final Map<String, HealthCheckConfig.Protocol> HC_PROTOCOLS =
            Node.names(HealthCheckConfig.Protocol.class, Enum::name);
    private static final Map<String, DesyncMitigationMode> DESYNC_MODES =
            Node.names(DesyncMitigationMode.class, e -> e.name().toLowerCase(Locale.ROOT));
    private static final Map<String, XffHeaderProcessingMode> XFF_MODES =
            Node.names(XffHeaderProcessingMode.class, e -> e.name().toLowerCase(Locale.ROOT));
    private static final Map<String, AccessLogConfig.Format> ACCESS_LOG_FORMATS =
            Node.names(AccessLogConfig.Format.class, e -> e.name().toLowerCase(Locale.ROOT));
    private static final Map<String, Algorithm> ALGORITHMS =
            Node.names(Algorithm.class, e -> e.name().toLowerCase(Locale.ROOT));
    /** An application load balancer target group's stickiness types. */
    private static final Map<String, StickinessConfig.Type> STICKINESS_TYPES = new LinkedHashMap<>();
    static {
        STICKINESS_TYPES.put("lb_cookie", StickinessConfig.Type.LB_COOKIE);
        STICKINESS_TYPES.put("app_cookie", StickinessConfig.Type.APP_COOKIE);
    }
    /** A network load balancer target group's. */
    private static final Map<String, StickinessConfig.Type> NETWORK_STICKINESS_TYPES =
            Map.of("source_ip", StickinessConfig.Type.SOURCE_IP);
    private static final Map<String, HealthCheckType> HEALTH_CHECK_TYPES = Node.names(HealthCheckType.class, Enum::name);
    private static final Map<String, TerminationPolicy> TERMINATION_POLICIES =
            Node.names(TerminationPolicy.class, ConfigBinder::pascal);
    private static final Map<String, AdjustmentType> ADJUSTMENT_TYPES = Node.names(AdjustmentType.class, ConfigBinder::pascal);
    private static final Map<String, ComparisonOperator> COMPARISON_OPERATORS =
            Node.names(ComparisonOperator.class, ConfigBinder::pascal);
    private static final Map<String, PredefinedMetricType> PREDEFINED_METRICS = ordered(
            "ASGAverageCPUUtilization", PredefinedMetricType.ASG_AVERAGE_CPU_UTILIZATION,
            "ALBRequestCountPerTarget", PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET,
            "ASGAverageNetworkIn", PredefinedMetricType.ASG_AVERAGE_NETWORK_IN,
            "ASGAverageNetworkOut", PredefinedMetricType.ASG_AVERAGE_NETWORK_OUT);
    private static final Map<String, String> METRIC_AGGREGATION_TYPES =
            ordered("Minimum", "Minimum", "Maximum", "Maximum", "Average", "Average");
    private static final Map<String, String> PROTOCOL_VERSIONS = ordered("HTTP1", "HTTP1", "HTTP2", "HTTP2", "GRPC", "GRPC");
    private static final Map<String, RuleTransformConfig.Type> TRANSFORM_TYPES =
            Node.names(RuleTransformConfig.Type.class, RuleTransformConfig.Type::awsName);
    private static final Map<String, String> SSL_POLICIES = ordered("recommended", "recommended", "tls13", "tls13");
    private static final Map<String, MutualAuthenticationConfig.Mode> MTLS_MODES =
            Node.names(MutualAuthenticationConfig.Mode.class, e -> e.name().toLowerCase(Locale.ROOT));
    private static final Map<String, Integer> REDIRECT_CODES = ordered("HTTP_301", 301, "HTTP_302", 302);
    private static final Map<String, String> POLICY_TYPES = ordered(
            "TargetTrackingScaling", "TargetTrackingScaling", "StepScaling", "StepScaling", "SimpleScaling", "SimpleScaling",
            "PredictiveScaling", "PredictiveScaling");
    private static final Map<String, ScalingPolicyConfig.PredictiveMetricPair> PREDICTIVE_METRIC_PAIRS = ordered(
            "ASGCPUUtilization", ScalingPolicyConfig.PredictiveMetricPair.ASG_CPU_UTILIZATION,
            "ALBRequestCount", ScalingPolicyConfig.PredictiveMetricPair.ALB_REQUEST_COUNT,
            "ASGNetworkIn", ScalingPolicyConfig.PredictiveMetricPair.ASG_NETWORK_IN,
            "ASGNetworkOut", ScalingPolicyConfig.PredictiveMetricPair.ASG_NETWORK_OUT);
    private static final Map<String, ScalingPolicyConfig.PredictiveMode> PREDICTIVE_MODES = ordered(
            "ForecastOnly", ScalingPolicyConfig.PredictiveMode.FORECAST_ONLY,
            "ForecastAndScale", ScalingPolicyConfig.PredictiveMode.FORECAST_AND_SCALE);
    private static final Map<String, ScalingPolicyConfig.MaxCapacityBreachBehavior> BREACH_BEHAVIORS = ordered(
            "HonorMaxCapacity", ScalingPolicyConfig.MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY,
            "IncreaseMaxCapacity", ScalingPolicyConfig.MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY);

    private final Errors errors;
    /** Target group name → protocol (null when the protocol was wrong), in file order. */
    private final Map<String, TargetGroupConfig.Protocol> targetGroups = new LinkedHashMap<>();
    /** Network load balancer target groups with source_ip stickiness (not allowed behind a TLS listener). */
    private final Set<String> stickyNetworkGroups = new HashSet<>();
    /** Launch template name → number of versions. */
    private final Map<String, Integer> launchTemplates = new LinkedHashMap<>();
    /** address:port → the path of the listener that took it. */
    private final List<Bound> bound = new ArrayList<>();

    private record Bound(String address, int port, String path) {}

    ConfigBinder(Errors errors) {
        this.errors = errors;
    }

    HeadroomConfig bind(JsonNode root) {
        if (root != null && root.isTextual() && root.textValue().isBlank()) {
            root = null; // an empty document
        }
        if (root != null && !Node.absent(root) && !root.isObject()) {
            errors.add("(top level)", Node.describe(root) + " (expected: a mapping with keys such as loadBalancers, "
                    + "targetGroups, launchTemplates, autoScalingGroups)");
            return empty();
        }
        Node top = Node.open(errors, "", root, "admin", "stateDir", "workerThreads", "loadBalancers", "targetGroups",
                "launchTemplates", "autoScalingGroups", "notifications");
        AdminConfig admin = admin(top.obj("admin", "listen", "token"));
        Path stateDir = stateDir(top);
        int workerThreads = top.integer("workerThreads", 0, 0, 4096);

        List<TargetGroupConfig> tgs = new ArrayList<>();
        Map<String, String> tgNames = new HashMap<>();
        List<JsonNode> tgNodes = top.list("targetGroups");
        for (int i = 0; i < tgNodes.size(); i++) {
            TargetGroupConfig tg = targetGroup("targetGroups[" + i + "]", tgNodes.get(i), tgNames);
            if (tg != null) {
                tgs.add(tg);
            }
        }
        List<LaunchTemplateConfig> lts = new ArrayList<>();
        Map<String, String> ltNames = new HashMap<>();
        List<JsonNode> ltNodes = top.list("launchTemplates");
        for (int i = 0; i < ltNodes.size(); i++) {
            LaunchTemplateConfig lt = launchTemplate("launchTemplates[" + i + "]", ltNodes.get(i), ltNames);
            if (lt != null) {
                lts.add(lt);
            }
        }
        if (admin.port() != 0) {
            bound.add(new Bound(admin.host(), admin.port(), "admin.listen"));
        }
        List<LoadBalancerConfig> lbs = new ArrayList<>();
        Map<String, String> lbNames = new HashMap<>();
        List<JsonNode> lbNodes = top.list("loadBalancers");
        for (int i = 0; i < lbNodes.size(); i++) {
            LoadBalancerConfig lb = loadBalancer("loadBalancers[" + i + "]", lbNodes.get(i), lbNames);
            if (lb != null) {
                lbs.add(lb);
            }
        }
        List<AutoScalingGroupConfig> asgs = new ArrayList<>();
        Map<String, String> asgNames = new HashMap<>();
        List<JsonNode> asgNodes = top.list("autoScalingGroups");
        for (int i = 0; i < asgNodes.size(); i++) {
            AutoScalingGroupConfig asg = autoScalingGroup("autoScalingGroups[" + i + "]", asgNodes.get(i), asgNames);
            if (asg != null) {
                asgs.add(asg);
            }
        }
        List<NotificationConfig> notifications = new ArrayList<>();
        List<JsonNode> nNodes = top.list("notifications");
        for (int i = 0; i < nNodes.size(); i++) {
            NotificationConfig nc = notification("notifications[" + i + "]", nNodes.get(i));
            if (nc != null) {
                notifications.add(nc);
            }
        }
        return new HeadroomConfig(admin, stateDir, workerThreads, lbs, tgs, lts, asgs, notifications);
    }

    private static HeadroomConfig empty() {
        return new HeadroomConfig(new AdminConfig("127.0.0.1", 9900, null), Path.of(".headroom"), 0,
                List.of(), List.of(), List.of(), List.of(), List.of());
    }

    // ------------------------------------------------------------------ top level

    private AdminConfig admin(Node n) {
        String listen = n.str("listen", AdminConfig.DEFAULT_LISTEN);
        String token = n.str("token", null);
        if (token != null && token.isEmpty()) {
            token = null;
        }
        HostPort hp = hostPort(listen);
        if (hp == null) {
            errors.add("admin.listen", quote(listen) + " (expected: host:port, e.g. 127.0.0.1:9900 or [::1]:9900, port 0..65535)");
            return new AdminConfig("127.0.0.1", 9900, token);
        }
        if (!isLoopback(hp.host) && token == null) {
            errors.add("admin.token", "required when admin.listen is not a loopback address (" + listen + ")");
        }
        return new AdminConfig(hp.host, hp.port, token);
    }

    private NotificationConfig notification(String path, JsonNode value) {
        Node.reportEmptyItem(errors, path, value);
        Node n = Node.open(errors, path, value, "url", "events");
        if (Node.absent(value) || !value.isObject()) {
            return null;
        }
        String url = n.reqStr("url");
        if (url != null) {
            try {
                java.net.URI u = new java.net.URI(url);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    errors.add(n.at("url"), quote(url) + " (expected: an http:// or https:// URL)");
                    url = null;
                } else if (u.getHost() == null || u.getHost().isEmpty()) {
                    errors.add(n.at("url"), quote(url) + " (expected: a URL with a host, e.g. http://127.0.0.1:8000/hook)");
                    url = null;
                }
            } catch (java.net.URISyntaxException e) {
                errors.add(n.at("url"), quote(url) + " (expected: a URL: " + e.getReason() + ")");
                url = null;
            }
        }
        if (!n.has("events")) {
            n.missing("events");
            return null;
        }
        List<String> events = n.strings("events");
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (!NotificationConfig.known(e)) {
                errors.add(n.at("events") + "[" + i + "]", quote(e) + " (expected one of: "
                        + String.join(", ", NotificationConfig.EVENTS) + ")");
            } else if (!kept.contains(e)) {
                kept.add(e);
            }
        }
        if (events.isEmpty() && n.raw("events") != null && n.raw("events").isArray()) {
            errors.add(n.at("events"), "[] (expected: at least one of " + String.join(", ", NotificationConfig.EVENTS) + ")");
        }
        return url == null ? null : new NotificationConfig(url, kept);
    }

    private Path stateDir(Node top) {
        String s = top.str("stateDir", ".headroom");
        try {
            if (s.isBlank()) {
                errors.add("stateDir", "\"\" (expected: a directory path)");
                return Path.of(".headroom");
            }
            return Path.of(s);
        } catch (InvalidPathException e) {
            errors.add("stateDir", quote(s) + " (expected: a directory path: " + e.getReason() + ")");
            return Path.of(".headroom");
        }
    }

    private record HostPort(String host, int port) {}

    private static HostPort hostPort(String s) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                return null;
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (!isAddress(host)) {
            return null;
        }
        try {
            int p = Integer.parseInt(port);
            return p < 0 || p > 65535 ? null : new HostPort(host, p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An IPv4 or IPv6 literal or a host name; never looked up. */
    private static boolean isAddress(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.contains(":")) {
            return ipLiteral(s) instanceof Inet6Address;
        }
        if (s.matches("[0-9.]+")) {
            return ipLiteral(s) != null;
        }
        return HOST_NAME.matcher(s).matches();
    }

    /** Parses an IP literal without DNS (only digits, dots, hex and colons reach InetAddress). */
    private static InetAddress ipLiteral(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        if (!s.contains(":")) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        InetAddress a = ipLiteral(host);
        return a != null && a.isLoopbackAddress();
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
    }

    private String uniqueName(Node n, Pattern pattern, String expected, Map<String, String> seen) {
        String name = n.reqStr("name");
        if (name == null) {
            return null;
        }
        if (!pattern.matcher(name).matches()) {
            errors.add(n.at("name"), quote(name) + " (expected: " + expected + ")");
        }
        String before = seen.putIfAbsent(name, n.path);
        if (before != null) {
            errors.add(n.at("name"), quote(name) + " is already used by " + before);
        }
        return name;
    }

    // ------------------------------------------------------------------ target groups

    private TargetGroupConfig targetGroup(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "protocol", "protocolVersion", "algorithm", "healthCheck",
                "deregistrationDelaySeconds", "slowStartSeconds", "anomalyMitigation", "stickiness", "proxyProtocolV2",
                "targets", "tlsVerify", "tlsCaFile", "targetGroupHealth", "targetHealthState",
                "deregistrationDelayConnectionTermination");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, ELB_NAME, ELB_NAME_EXPECTED, names);
        TargetGroupConfig.Protocol protocol = n.choice("protocol", TG_PROTOCOLS, null);
        if (name != null && !targetGroups.containsKey(name)) {
            // A wrong protocol is reported here once, not again by every forward that names this group.
            targetGroups.put(name, protocol == null && !n.has("protocol") ? TargetGroupConfig.Protocol.HTTP : protocol);
        }
        if (protocol == null) {
            protocol = TargetGroupConfig.Protocol.HTTP;
        }
        // TCP, UDP and TCP_UDP groups: a network load balancer's, no HTTP settings.
        boolean tcp = protocol.network();
        String protocolVersion = null;
        if (tcp) {
            onlyFor(n, "protocolVersion", "HTTP and HTTPS target groups");
            onlyFor(n, "algorithm", "HTTP and HTTPS target groups (a network load balancer hashes each connection)");
            onlyFor(n, "slowStartSeconds", "HTTP and HTTPS target groups");
            onlyFor(n, "anomalyMitigation", "HTTP and HTTPS target groups");
        } else {
            protocolVersion = n.choice("protocolVersion", PROTOCOL_VERSIONS, "HTTP1");
            onlyFor(n, "proxyProtocolV2", "TCP target groups");
        }
        Algorithm algorithm = n.choice("algorithm", ALGORITHMS, Algorithm.ROUND_ROBIN);
        HealthCheckConfig healthCheck = healthCheck(n.obj("healthCheck", "protocol", "path", "port", "intervalSeconds",
                "timeoutSeconds", "healthyThreshold", "unhealthyThreshold", "matcher"), protocol, protocolVersion);
        int deregistrationDelay = n.integer("deregistrationDelaySeconds", 300, 0, 3600);
        int slowStart = 0;
        if (!tcp) {
            Integer s = n.optInt("slowStartSeconds", Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (s != null && s != 0 && (s < 30 || s > 900)) {
                errors.add(n.at("slowStartSeconds"), s + " (expected: 0 or 30..900)");
            } else if (s != null) {
                slowStart = s;
            }
        }
        if (slowStart > 0 && algorithm == Algorithm.LEAST_OUTSTANDING_REQUESTS) {
            // As ALB: slow start ramps a share of requests, which least outstanding requests does not assign.
            errors.add(n.at("slowStartSeconds"), slowStart
                    + " (expected: 0 with algorithm least_outstanding_requests; slow start needs round_robin or weighted_random)");
        }
        boolean anomalyMitigation = !tcp && anomalyMitigation(n, algorithm);
        Node stickinessNode = n.obj("stickiness", "enabled", "type", "durationSeconds", "cookieName");
        StickinessConfig stickiness = tcp ? networkStickiness(stickinessNode) : stickiness(stickinessNode);
        if (name != null && stickiness.sourceIpSticky()) {
            stickyNetworkGroups.add(name);
        }
        TargetGroupConfig.TargetHealthStateConfig targetHealthState = targetHealthState(n, protocol);
        boolean deregistrationTermination = TargetGroupConfig.defaultDeregistrationConnectionTermination(protocol);
        if (tcp) {
            deregistrationTermination = n.bool("deregistrationDelayConnectionTermination", deregistrationTermination);
        } else {
            onlyFor(n, "deregistrationDelayConnectionTermination", "TCP, UDP and TCP_UDP target groups (an application "
                    + "load balancer always closes a deregistered target's WebSockets when the delay ends)");
        }
        if (tcp && protocol != TargetGroupConfig.Protocol.TCP) {
            onlyFor(n, "proxyProtocolV2", "TCP target groups (a PROXY header cannot go ahead of datagrams)");
        }
        boolean proxyProtocolV2 = protocol == TargetGroupConfig.Protocol.TCP && n.bool("proxyProtocolV2", false);
        boolean tlsVerify = false;
        String tlsCaFile = null;
        if (protocol == TargetGroupConfig.Protocol.HTTPS) {
            tlsVerify = n.bool("tlsVerify", false);
            tlsCaFile = n.str("tlsCaFile", null);
            if (tlsCaFile != null && !tlsVerify) {
                errors.add(n.at("tlsCaFile"), "only allowed with tlsVerify: true");
            }
        } else {
            onlyFor(n, "tlsVerify", "HTTPS target groups");
            onlyFor(n, "tlsCaFile", "HTTPS target groups");
        }
        List<TargetConfig> targets = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<JsonNode> items = n.list("targets");
        for (int i = 0; i < items.size(); i++) {
            String p = n.at("targets") + "[" + i + "]";
            Node t = Node.open(errors, p, items.get(i), "host", "port");
            if (!t.present()) {
                Node.reportEmptyItem(errors, p, items.get(i));
                continue;
            }
            String host = t.reqStr("host");
            Integer port = t.reqInt("port", 1, 65535);
            if (host != null && !isAddress(host)) {
                errors.add(t.at("host"), quote(host) + " (expected: an IP address or host name)");
            }
            if (host != null && port != null) {
                String before = seen.putIfAbsent(host + ":" + port, p);
                if (before != null) {
                    errors.add(p, host + ":" + port + " is already a target at " + before);
                }
                targets.add(new TargetConfig(host, port));
            }
        }
        UnhealthyStateRoutingConfig unhealthyStateRouting =
                unhealthyStateRouting(n.obj("targetGroupHealth", "unhealthyStateRouting", "dnsFailover"));
        return new TargetGroupConfig(name, protocol, protocolVersion, algorithm, healthCheck, deregistrationDelay,
                slowStart, stickiness, proxyProtocolV2, targets, tlsVerify, tlsCaFile, anomalyMitigation,
                unhealthyStateRouting, targetHealthState, deregistrationTermination);
    }

    /**
     * NLB's {@code target_health_state.unhealthy.connection_termination.enabled} (default true) and
     * {@code .draining_interval_seconds} (0..360000, default 0; only with connection termination off), for TCP target
     * groups. AWS does not let connection termination be enabled for UDP and TCP_UDP groups, and application load
     * balancers have neither attribute.
     */
    private TargetGroupConfig.TargetHealthStateConfig targetHealthState(Node n, TargetGroupConfig.Protocol protocol) {
        TargetGroupConfig.TargetHealthStateConfig def = TargetGroupConfig.TargetHealthStateConfig.defaultFor(protocol);
        if (!n.has("targetHealthState")) {
            return def;
        }
        if (!protocol.network()) {
            onlyFor(n, "targetHealthState", "TCP target groups (a network load balancer's)");
            return def;
        }
        Node u = n.obj("targetHealthState", "unhealthy").obj("unhealthy", "connectionTermination",
                "drainingIntervalSeconds");
        if (protocol != TargetGroupConfig.Protocol.TCP) {
            if (u.bool("connectionTermination", false)) {
                errors.add(u.at("connectionTermination"), "true (expected: false; AWS cannot terminate the "
                        + "connections of unhealthy targets in UDP and TCP_UDP target groups)");
            }
            onlyFor(u, "drainingIntervalSeconds", "TCP target groups (AWS has no unhealthy draining for UDP and "
                    + "TCP_UDP target groups)");
            return def;
        }
        boolean termination = u.bool("connectionTermination", true);
        int interval = u.integer("drainingIntervalSeconds", 0, 0,
                TargetGroupConfig.TargetHealthStateConfig.MAX_DRAINING_INTERVAL_SECONDS);
        if (termination && interval > 0) {
            errors.add(u.at("drainingIntervalSeconds"), interval + " (expected: 0 while connectionTermination is "
                    + "true; an unhealthy draining interval needs connectionTermination: false)");
            interval = 0;
        }
        return new TargetGroupConfig.TargetHealthStateConfig(termination, interval);
    }

    /**
     * AWS's {@code target_group_health.unhealthy_state_routing.minimum_healthy_targets.count} (1 or more, default 1)
     * and {@code .percentage} ({@code off} or 1..100, default off). AWS's DNS failover thresholds are refused: Headroom
     * answers no DNS.
     */
    private UnhealthyStateRoutingConfig unhealthyStateRouting(Node health) {
        if (health.has("dnsFailover")) {
            errors.add(health.at("dnsFailover"), "not supported (Headroom has no DNS to fail over; "
                    + "unhealthyStateRouting sets the routing failover thresholds)");
        }
        Node n = health.obj("unhealthyStateRouting", "minimumHealthyTargetsCount", "minimumHealthyTargetsPercentage");
        // AWS's attribute values are strings: "50" is 50.
        JsonNode c = n.raw("minimumHealthyTargetsCount");
        Integer count = c == null ? null
                : n.intValue(n.at("minimumHealthyTargetsCount"), textToNumber(c), 1, Integer.MAX_VALUE, "an integer >= 1");
        Integer percentage = null;
        JsonNode p = n.raw("minimumHealthyTargetsPercentage");
        // YAML 1.1 readers may turn a bare off into false.
        if (p != null && !(p.isBoolean() && !p.booleanValue()) && !(p.isTextual() && p.textValue().equals("off"))) {
            percentage = n.intValue(n.at("minimumHealthyTargetsPercentage"), textToNumber(p), 1, 100, "off or 1..100");
        }
        return new UnhealthyStateRoutingConfig(count == null ? 1 : count,
                percentage == null ? UnhealthyStateRoutingConfig.OFF : percentage);
    }

    /**
     * ALB's {@code load_balancing.algorithm.anomaly_mitigation}: {@code on} or {@code off} (default). YAML 1.1
     * readers may turn a bare on/off into a boolean, so true and false are taken as on and off.
     */
    private boolean anomalyMitigation(Node n, Algorithm algorithm) {
        JsonNode v = n.raw("anomalyMitigation");
        if (v == null) {
            return false;
        }
        boolean on;
        if (v.isBoolean()) {
            on = v.booleanValue();
        } else {
            String s = n.str("anomalyMitigation", null);
            if (s == null) {
                return false;
            }
            if (!s.equals("on") && !s.equals("off")) {
                errors.add(n.at("anomalyMitigation"), quote(s) + " (expected: on | off)");
                return false;
            }
            on = s.equals("on");
        }
        if (on && algorithm != Algorithm.WEIGHTED_RANDOM) {
            // As ALB: mitigation lowers a target's weight, which only weighted random honours.
            errors.add(n.at("anomalyMitigation"), "on (expected: off unless algorithm is weighted_random; algorithm is "
                    + algorithm.name().toLowerCase(Locale.ROOT) + ")");
            return false;
        }
        return on;
    }

    private void onlyFor(Node n, String key, String what) {
        if (n.has(key)) {
            errors.add(n.at(key), "only allowed for " + what);
        }
    }

    /** @param protocolVersion the target group's ({@code HTTP1}, {@code HTTP2}, {@code GRPC}); null for TCP groups */
    private HealthCheckConfig healthCheck(Node n, TargetGroupConfig.Protocol tgProtocol, String protocolVersion) {
        HealthCheckConfig.ProtocolVersion version = protocolVersion == null ? HealthCheckConfig.ProtocolVersion.HTTP1
                : HealthCheckConfig.ProtocolVersion.valueOf(protocolVersion);
        boolean grpc = version == HealthCheckConfig.ProtocolVersion.GRPC;
        // As AWS: a UDP service cannot be checked over UDP, so UDP and TCP_UDP groups are checked over TCP (on the
        // traffic port unless `port` says otherwise), or HTTP/HTTPS.
        HealthCheckConfig.Protocol def = tgProtocol.network() ? HealthCheckConfig.Protocol.TCP
                : HealthCheckConfig.Protocol.valueOf(tgProtocol.name());
        HealthCheckConfig.Protocol protocol = n.choice("protocol", HC_PROTOCOLS, def);
        boolean tcp = protocol == HealthCheckConfig.Protocol.TCP;
        if (tcp && !tgProtocol.network()) {
            errors.add(n.at("protocol"), "\"TCP\" (expected: HTTP | HTTPS for an " + tgProtocol + " target group)");
        }
        String path = "/";
        HttpCodeMatcher matcher = HttpCodeMatcher.parse("200");
        if (tcp) {
            onlyFor(n, "path", "HTTP and HTTPS health checks");
            onlyFor(n, "matcher", "HTTP and HTTPS health checks");
            path = null;
        } else {
            path = n.str("path", grpc ? HealthCheckConfig.GRPC_PATH : "/");
            if (!path.startsWith("/") || path.length() > 1024) {
                errors.add(n.at("path"), quote(path) + " (expected: a path starting with /, at most 1024 characters)");
            }
            matcher = matcher(n, grpc);
        }
        int port = 0;
        JsonNode rawPort = n.raw("port");
        if (rawPort != null && !(rawPort.isTextual() && rawPort.textValue().equals("traffic-port"))) {
            Integer p = n.intValue(n.at("port"), rawPort, 1, 65535, "traffic-port or 1..65535");
            port = p == null ? 0 : p;
        }
        int interval = n.integer("intervalSeconds", 30, 5, 300);
        // AWS's default timeout, lowered below a short interval so that a fast check needs only intervalSeconds.
        int timeout = n.integer("timeoutSeconds", Math.max(2, Math.min(tcp ? 10 : 5, interval - 1)), 2, 120);
        if (timeout >= interval) {
            errors.add(n.at("timeoutSeconds"), timeout + " (expected: less than intervalSeconds " + interval + ")");
        }
        int healthy = n.integer("healthyThreshold", 5, 2, 10);
        int unhealthy = n.integer("unhealthyThreshold", 2, 2, 10);
        return new HealthCheckConfig(protocol, path, port, interval, timeout, healthy, unhealthy, matcher, version);
    }

    /**
     * AWS's {@code Matcher}: a string of codes (HTTP codes, or gRPC codes for a GRPC target group) or a mapping with
     * exactly one of {@code httpCode} (HTTP1 and HTTP2 groups) and {@code grpcCode} (GRPC groups).
     */
    private HttpCodeMatcher matcher(Node n, boolean grpc) {
        String def = grpc ? "12" : "200";
        String at = n.at("matcher");
        String spec = def;
        JsonNode raw = n.raw("matcher");
        if (raw != null && raw.isObject()) {
            Node m = n.obj("matcher", "httpCode", "grpcCode");
            String key = grpc ? "grpcCode" : "httpCode";
            String other = grpc ? "httpCode" : "grpcCode";
            if (m.has(other)) {
                errors.add(m.at(other), grpc ? "only allowed for HTTP1 and HTTP2 target groups (use grpcCode)"
                        : "only allowed for target groups with protocolVersion GRPC (use httpCode)");
            }
            spec = m.scalar(key, def);
            at = m.at(key);
        } else if (raw != null) {
            spec = n.scalar("matcher", def);
        }
        try {
            return grpc ? HttpCodeMatcher.parseGrpc(spec) : HttpCodeMatcher.parse(spec);
        } catch (IllegalArgumentException e) {
            errors.add(at, e.getMessage());
            return grpc ? HttpCodeMatcher.parseGrpc(def) : HttpCodeMatcher.parse(def);
        }
    }

    /**
     * A network load balancer target group's stickiness: NLB supports {@code source_ip} only (AWS's default type
     * there), without a duration or cookie.
     */
    private StickinessConfig networkStickiness(Node n) {
        boolean enabled = n.bool("enabled", false);
        String t = n.str("type", null);
        if (t != null && STICKINESS_TYPES.containsKey(t)) {
            errors.add(n.at("type"), quote(t) + " (expected: source_ip for a TCP, UDP or TCP_UDP target group; "
                    + "lb_cookie and app_cookie need an HTTP or HTTPS target group)");
        } else {
            n.choice("type", NETWORK_STICKINESS_TYPES, StickinessConfig.Type.SOURCE_IP);
        }
        onlyFor(n, "durationSeconds", "lb_cookie and app_cookie stickiness (HTTP and HTTPS target groups)");
        onlyFor(n, "cookieName", "app_cookie stickiness (HTTP and HTTPS target groups)");
        return StickinessConfig.sourceIp(enabled);
    }

    private StickinessConfig stickiness(Node n) {
        boolean enabled = n.bool("enabled", false);
        StickinessConfig.Type type = n.choice("type", STICKINESS_TYPES, StickinessConfig.Type.LB_COOKIE);
        int duration = n.integer("durationSeconds", 86400, 1, 604800);
        String cookieName = null;
        if (type == StickinessConfig.Type.APP_COOKIE) {
            cookieName = n.has("cookieName") ? n.reqStr("cookieName") : null;
            if (!n.has("cookieName")) {
                errors.add(n.at("cookieName"), "required when type is app_cookie");
            } else if (cookieName != null && (cookieName.startsWith("AWSALB") || !cookieName.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,255}"))) {
                errors.add(n.at("cookieName"), quote(cookieName)
                        + " (expected: a cookie name, not starting with AWSALB, AWSALBAPP or AWSALBTG)");
            }
        } else {
            onlyFor(n, "cookieName", "type app_cookie");
        }
        return new StickinessConfig(enabled, type, duration, cookieName);
    }

    // ------------------------------------------------------------------ launch templates

    private LaunchTemplateConfig launchTemplate(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "versions");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, LT_NAME, "3-128 letters, digits and ( ) . / _ -", names);
        List<JsonNode> items = n.list("versions");
        if (items.isEmpty() && n.raw("versions") == null) {
            n.missing("versions");
        } else if (items.isEmpty()) {
            errors.add(n.at("versions"), "empty (expected: at least one version)");
        }
        List<LaunchTemplateConfig.Version> versions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node v = Node.open(errors, n.at("versions") + "[" + i + "]", items.get(i), "command", "environment",
                    "workingDirectory", "vcpus", "terminationGracePeriodSeconds");
            if (!v.present()) {
                Node.reportEmptyItem(errors, v.path, items.get(i));
                continue;
            }
            List<String> command = v.strings("command");
            if (!v.has("command")) {
                v.missing("command");
            } else if (command.isEmpty() && v.raw("command").isArray() && v.raw("command").isEmpty()) {
                errors.add(v.at("command"), "empty (expected: a program and its arguments)");
            } else if (!command.isEmpty() && command.get(0).isBlank()) {
                errors.add(v.at("command") + "[0]", "\"\" (expected: a program)");
            }
            Map<String, String> environment = v.stringMap("environment");
            for (String key : environment.keySet()) {
                if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    errors.add(v.at("environment") + "." + key, "is not a variable name (expected: letters, digits and _)");
                }
            }
            String workingDirectory = v.str("workingDirectory", null);
            Double vcpus = v.optDouble("vcpus");
            if (vcpus != null && vcpus <= 0) {
                errors.add(v.at("vcpus"), v.raw("vcpus").asText() + " (expected: a number > 0)");
                vcpus = null;
            }
            int grace = v.integer("terminationGracePeriodSeconds", 30, 0, 3600);
            versions.add(new LaunchTemplateConfig.Version(i + 1, command, environment, workingDirectory,
                    vcpus == null ? 1 : vcpus, grace));
        }
        if (name != null && !launchTemplates.containsKey(name)) {
            launchTemplates.put(name, items.size());
        }
        return new LaunchTemplateConfig(name, versions);
    }

    // ------------------------------------------------------------------ load balancers and listeners

    private LoadBalancerConfig loadBalancer(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "type", "idleTimeoutSeconds", "desyncMitigationMode",
                "xffHeaderProcessingMode", "xffClientPortEnabled", "xAmznTlsVersionAndCipherSuiteEnabled",
                "dropInvalidHeaderFieldsEnabled", "preserveHostHeaderEnabled", "http2Enabled", "clientKeepAliveSeconds",
                "accessLog", "connectionLog", "listeners");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, ELB_NAME, ELB_NAME_EXPECTED, names);
        LoadBalancerConfig.Type type = n.choice("type", LB_TYPES, LoadBalancerConfig.Type.APPLICATION);
        boolean network = type == LoadBalancerConfig.Type.NETWORK;
        int idle = n.integer("idleTimeoutSeconds", network ? 350 : 60, 1, 4000);
        DesyncMitigationMode desync = DesyncMitigationMode.DEFENSIVE;
        XffHeaderProcessingMode xff = XffHeaderProcessingMode.APPEND;
        boolean xffClientPort = false;
        boolean tlsHeaders = false;
        boolean dropInvalid = false;
        boolean preserveHost = false;
        boolean http2 = true;
        int clientKeepAlive = 3600;
        if (network) {
            for (String key : List.of("desyncMitigationMode", "xffHeaderProcessingMode", "xffClientPortEnabled",
                    "xAmznTlsVersionAndCipherSuiteEnabled", "dropInvalidHeaderFieldsEnabled", "preserveHostHeaderEnabled",
                    "http2Enabled", "clientKeepAliveSeconds", "connectionLog")) {
                onlyFor(n, key, "application load balancers");
            }
        } else {
            desync = n.choice("desyncMitigationMode", DESYNC_MODES, DesyncMitigationMode.DEFENSIVE);
            xff = n.choice("xffHeaderProcessingMode", XFF_MODES, XffHeaderProcessingMode.APPEND);
            xffClientPort = n.bool("xffClientPortEnabled", false);
            tlsHeaders = n.bool("xAmznTlsVersionAndCipherSuiteEnabled", false);
            dropInvalid = n.bool("dropInvalidHeaderFieldsEnabled", false);
            preserveHost = n.bool("preserveHostHeaderEnabled", false);
            http2 = n.bool("http2Enabled", true);
            clientKeepAlive = n.integer("clientKeepAliveSeconds", 3600, 60, 604800);
        }
        Node log = n.obj("accessLog", "enabled", "format", "path", "maxSizeMb", "maxFiles");
        AccessLogConfig accessLog = new AccessLogConfig(log.bool("enabled", false),
                log.choice("format", ACCESS_LOG_FORMATS, AccessLogConfig.Format.ALB), logPath(log, "access.log"),
                log.integer("maxSizeMb", 100, 1, 102400), log.integer("maxFiles", 5, 1, 1000));
        ConnectionLogConfig connectionLog = ConnectionLogConfig.disabled();
        if (!network) {
            Node conn = n.obj("connectionLog", "enabled", "path", "maxSizeMb", "maxFiles");
            connectionLog = new ConnectionLogConfig(conn.bool("enabled", false), logPath(conn, "connection.log"),
                    conn.integer("maxSizeMb", 100, 1, 102400), conn.integer("maxFiles", 5, 1, 1000));
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        List<JsonNode> items = n.list("listeners");
        for (int i = 0; i < items.size(); i++) {
            ListenerConfig l = listener(n.at("listeners") + "[" + i + "]", items.get(i), type);
            if (l != null) {
                listeners.add(l);
            }
        }
        return new LoadBalancerConfig(name, type, idle, desync, xff, xffClientPort, tlsHeaders, dropInvalid,
                preserveHost, http2, clientKeepAlive, accessLog, connectionLog, listeners);
    }

    /** A log's {@code path}: a file name relative to stateDir, or absolute. */
    private String logPath(Node log, String def) {
        String path = log.str("path", def);
        if (path != null && path.isBlank()) {
            errors.add(log.at("path"), "\"\" (expected: a file name, relative to stateDir or absolute)");
        }
        return path;
    }

    private ListenerConfig listener(String path, JsonNode value, LoadBalancerConfig.Type lbType) {
        boolean network = lbType == LoadBalancerConfig.Type.NETWORK;
        Node n = network
                ? Node.open(errors, path, value, "address", "port", "protocol", "certificates", "sslPolicy", "defaultAction")
                : Node.open(errors, path, value, "address", "port", "protocol", "certificates", "sslPolicy",
                        "mutualAuthentication", "responseHeaders", "requestHeaderNames", "defaultAction", "rules",
                        "transforms");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String address = n.str("address", "127.0.0.1");
        if (!isAddress(address)) {
            errors.add(n.at("address"), quote(address) + " (expected: an IP address such as 127.0.0.1, 0.0.0.0 or ::1)");
        }
        Integer port = n.reqInt("port", 1, 65535);
        if (port != null) {
            for (Bound b : bound) {
                if (b.port == port && (b.address.equals(address) || isWildcard(b.address) || isWildcard(address))) {
                    errors.add(n.at("port"), port + " on " + address + " is already used by " + b.path + " (" + b.address + ")");
                    break;
                }
            }
            bound.add(new Bound(address, port, path));
        }
        ListenerConfig.Protocol protocol = n.choice("protocol", LISTENER_PROTOCOLS,
                network ? ListenerConfig.Protocol.TCP : ListenerConfig.Protocol.HTTP);
        if (network != protocol.network()) {
            errors.add(n.at("protocol"), quote(protocol.name()) + " (expected: " + (network
                    ? "TCP | TLS | UDP | TCP_UDP for a network load balancer" : "HTTP | HTTPS for an application load balancer")
                    + ")");
        }
        boolean secure = protocol == ListenerConfig.Protocol.HTTPS || protocol == ListenerConfig.Protocol.TLS;
        List<CertificateConfig> certificates = new ArrayList<>();
        String sslPolicy = "recommended";
        if (secure) {
            certificates = certificates(n);
            sslPolicy = n.choice("sslPolicy", SSL_POLICIES, "recommended");
        } else {
            onlyFor(n, "certificates", "HTTPS and TLS listeners");
            onlyFor(n, "sslPolicy", "HTTPS and TLS listeners");
        }
        MutualAuthenticationConfig mtls = MutualAuthenticationConfig.OFF;
        if (protocol == ListenerConfig.Protocol.HTTPS) {
            mtls = mutualAuthentication(n.obj("mutualAuthentication", "mode", "trustStore",
                    "ignoreClientCertificateExpiry", "advertiseTrustStoreCaNames"));
        } else if (!network) { // a network load balancer's listener does not know the key at all
            onlyFor(n, "mutualAuthentication", "HTTPS listeners");
        }
        Map<String, String> responseHeaders = network ? Map.of()
                : responseHeaders(n.obj("responseHeaders", ListenerConfig.RESPONSE_HEADERS.keySet().toArray(String[]::new)));
        Map<String, String> requestHeaderNames = Map.of();
        if (protocol == ListenerConfig.Protocol.HTTPS) {
            requestHeaderNames = requestHeaderNames(n.obj("requestHeaderNames",
                    ListenerConfig.REQUEST_HEADER_NAMES.keySet().toArray(String[]::new)));
        } else if (!network) {
            onlyFor(n, "requestHeaderNames", "HTTPS listeners");
        }
        ActionConfig defaultAction = null;
        if (!n.has("defaultAction")) {
            n.missing("defaultAction");
        } else {
            defaultAction = action(n.at("defaultAction"), n.raw("defaultAction"), lbType, protocol);
        }
        if (n.has("transforms")) {
            errors.add(n.at("transforms"), DEFAULT_ACTION_TRANSFORMS);
        }
        List<RuleConfig> rules = new ArrayList<>();
        Map<Integer, String> priorities = new HashMap<>();
        List<JsonNode> items = n.list("rules");
        for (int i = 0; i < items.size(); i++) {
            String p = n.at("rules") + "[" + i + "]";
            Node r = Node.open(errors, p, items.get(i), "priority", "conditions", "action", "transforms");
            if (!r.present()) {
                Node.reportEmptyItem(errors, p, items.get(i));
                continue;
            }
            Integer priority = r.reqInt("priority", 1, 50000);
            if (priority != null) {
                String before = priorities.putIfAbsent(priority, p);
                if (before != null) {
                    errors.add(r.at("priority"), priority + " is already used by " + before + " (expected: unique per listener)");
                }
            }
            ConditionsConfig conditions = ConditionsConfig.none();
            if (!r.has("conditions")) {
                r.missing("conditions");
            } else {
                conditions = conditions(r.obj("conditions", "hostHeader", "pathPattern", "httpHeader",
                        "httpRequestMethod", "queryString", "sourceIp"));
            }
            ActionConfig action = null;
            if (!r.has("action")) {
                r.missing("action");
            } else {
                action = action(r.at("action"), r.raw("action"), lbType, protocol);
            }
            List<RuleTransformConfig> transforms = transforms(r, action);
            if (priority != null && action != null) {
                rules.add(new RuleConfig(priority, conditions, action, transforms));
            }
        }
        rules.sort(Comparator.comparingInt(RuleConfig::priority));
        return new ListenerConfig(address, port == null ? 0 : port, protocol, certificates, sslPolicy, defaultAction, rules,
                mtls, responseHeaders, requestHeaderNames);
    }

    /**
     * AWS ALB's {@code routing.http.request.*.header_name} listener attributes: each a field name (RFC 9110 token)
     * that is not one the load balancer manages itself (hop-by-hop, X-Forwarded-*, Host, Content-Length), and no two
     * of the TLS headers under one name.
     */
    private Map<String, String> requestHeaderNames(Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> taken = new HashMap<>(); // lower-case name -> the key that has it
        ListenerConfig.REQUEST_HEADER_NAMES.forEach((key, aws) -> {
            String v = n.str(key, null);
            if (v == null) {
                return;
            }
            String lower = v.toLowerCase(Locale.ROOT);
            String expected = null;
            if (v.isEmpty() || !v.chars().allMatch(ConfigBinder::tokenChar)) {
                expected = "a header field name: letters, digits and !#$%&'*+-.^_`|~, not empty";
            } else if (MANAGED_REQUEST_HEADERS.contains(lower) || lower.startsWith("x-forwarded-")) {
                expected = "a header name the load balancer does not set or remove itself (not hop-by-hop, "
                        + "X-Forwarded-*, Host or Content-Length)";
            }
            if (expected != null) {
                errors.add(n.at(key), quote(v) + " (expected: " + expected + ")");
            } else {
                out.put(key, v);
            }
        });
        ListenerConfig.REQUEST_HEADER_NAMES.forEach((key, aws) -> {
            String name = out.getOrDefault(key, aws);
            String before = taken.putIfAbsent(name.toLowerCase(Locale.ROOT), key);
            if (before != null) {
                // Two of AWS's names never clash: at least one of the two was renamed; report that one.
                String renamed = out.containsKey(key) ? key : before;
                errors.add(n.at(renamed), quote(name) + " is also the name of " + (renamed.equals(key) ? before : key)
                        + " (expected: a name of its own)");
            }
        });
        return out;
    }

    /** RFC 9110 tchar. */
    private static boolean tokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Request fields the proxy manages itself: hop-by-hop (RFC 9110 7.6.1) and the message's framing and host. */
    private static final Set<String> MANAGED_REQUEST_HEADERS = Set.of("connection", "keep-alive", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host",
            "content-length");

    /**
     * AWS ALB's response headers of a listener, checked as AWS checks them where it says what a value may be; every
     * value a single line of visible ASCII.
     */
    private Map<String, String> responseHeaders(Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        ListenerConfig.RESPONSE_HEADERS.forEach((key, header) -> {
            String v = n.scalar(key, null); // accessControlMaxAge: 600 and accessControlAllowCredentials: true too
            if (v == null) {
                return;
            }
            String expected = null;
            if (v.isEmpty() || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                expected = "a header value: visible ASCII characters and spaces, not empty";
            } else if (key.equals("strictTransportSecurity") && !v.toLowerCase(Locale.ROOT).contains("max-age=")) {
                expected = "a Strict-Transport-Security value with max-age, e.g. \"max-age=31536000; includeSubDomains\"";
            } else if (key.equals("xContentTypeOptions") && !v.equals("nosniff")) {
                expected = "nosniff";
            } else if (key.equals("xFrameOptions") && !(v.equals("DENY") || v.equals("SAMEORIGIN")
                    || v.startsWith("ALLOW-FROM "))) {
                expected = "DENY | SAMEORIGIN | ALLOW-FROM <uri>";
            } else if (key.equals("accessControlAllowCredentials") && !v.equals("true")) {
                expected = "true";
            } else if (key.equals("accessControlMaxAge") && !v.matches("\\d{1,5}")) {
                expected = "seconds, 0..86400";
            } else if (key.equals("accessControlMaxAge") && Integer.parseInt(v) > 86400) {
                expected = "seconds, 0..86400";
            }
            if (expected != null) {
                errors.add(n.at(key), quote(v) + " (expected: " + expected + ")");
            } else {
                out.put(header, v);
            }
        });
        return out;
    }

    /** AWS ALB's mutual TLS: {@code trustStore} for verify only (and required there), the flags for verify only. */
    private MutualAuthenticationConfig mutualAuthentication(Node n) {
        // YAML 1.1 reads a bare `off` as the boolean false.
        JsonNode rawMode = n.raw("mode");
        MutualAuthenticationConfig.Mode mode = rawMode != null && rawMode.isBoolean() && !rawMode.booleanValue()
                ? MutualAuthenticationConfig.Mode.OFF
                : n.choice("mode", MTLS_MODES, MutualAuthenticationConfig.Mode.OFF);
        if (mode != MutualAuthenticationConfig.Mode.VERIFY) {
            for (String key : List.of("trustStore", "ignoreClientCertificateExpiry", "advertiseTrustStoreCaNames")) {
                if (n.has(key)) {
                    errors.add(n.at(key), "only allowed with mode: verify");
                }
            }
            return mode == MutualAuthenticationConfig.Mode.OFF ? MutualAuthenticationConfig.OFF
                    : new MutualAuthenticationConfig(mode, null, false, false);
        }
        String bundle = null;
        List<String> crls = List.of();
        if (!n.has("trustStore")) {
            errors.add(n.at("trustStore"), "required for mode: verify (expected: { caCertificatesBundle: FILE }, "
                    + "a PEM file of the CA certificates clients' certificates must lead to)");
        } else {
            Node store = n.obj("trustStore", "caCertificatesBundle", "revocationLists");
            bundle = store.reqStr("caCertificatesBundle");
            crls = store.strings("revocationLists");
            for (int i = 0; i < crls.size(); i++) {
                if (crls.get(i).isBlank()) {
                    errors.add(store.at("revocationLists") + "[" + i + "]", "\"\" (expected: a CRL file, PEM or DER)");
                }
            }
        }
        return new MutualAuthenticationConfig(mode, bundle, n.bool("ignoreClientCertificateExpiry", false),
                n.bool("advertiseTrustStoreCaNames", false), crls);
    }

    private List<CertificateConfig> certificates(Node n) {
        List<CertificateConfig> out = new ArrayList<>();
        List<JsonNode> items = n.list("certificates");
        if (items.isEmpty()) {
            errors.add(n.at("certificates"), "required for HTTPS and TLS listeners (expected: a list of "
                    + "{ certificateFile, privateKeyFile } or { selfSigned: { commonName } })");
        }
        for (int i = 0; i < items.size(); i++) {
            Node c = Node.open(errors, n.at("certificates") + "[" + i + "]", items.get(i), "certificateFile",
                    "privateKeyFile", "selfSigned");
            if (!c.present()) {
                Node.reportEmptyItem(errors, c.path, items.get(i));
                continue;
            }
            if (c.has("selfSigned")) {
                if (c.has("certificateFile") || c.has("privateKeyFile")) {
                    errors.add(c.path, "has both selfSigned and files (expected: one of them)");
                }
                Node s = c.obj("selfSigned", "commonName");
                String cn = s.reqStr("commonName");
                out.add(new CertificateConfig(null, null, cn));
            } else if (c.has("certificateFile") || c.has("privateKeyFile")) {
                out.add(new CertificateConfig(c.reqStr("certificateFile"), c.reqStr("privateKeyFile"), null));
            } else {
                errors.add(c.path, "empty (expected: { certificateFile, privateKeyFile } or { selfSigned: { commonName } })");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ conditions

    private ConditionsConfig conditions(Node n) {
        if (n.present() && n.keyCount() == 0 && !n.has("hostHeader") && !n.has("pathPattern") && !n.has("httpHeader")
                && !n.has("httpRequestMethod") && !n.has("queryString") && !n.has("sourceIp")) {
            errors.add(n.path, "empty (expected: at least one of hostHeader, pathPattern, httpHeader, "
                    + "httpRequestMethod, queryString, sourceIp)");
        }
        List<String> hostHeaderRegex = new ArrayList<>();
        List<String> hostHeader = valuesOrRegex(n, "hostHeader", "[A-Za-z0-9.*?-]{1,128}",
                "host names with letters, digits, - . * ?, at most 128 characters", hostHeaderRegex);
        List<String> pathPatternRegex = new ArrayList<>();
        List<String> pathPattern = valuesOrRegex(n, "pathPattern", "[A-Za-z0-9_\\-.$/~\"'@:+&()!,;=*?%]{1,128}",
                "paths of at most 128 characters: letters, digits and _ - . $ / ~ \" ' @ : + & ( ) ! , ; = * ? %",
                pathPatternRegex);
        List<String> methods = values(n, "httpRequestMethod", "[A-Z_-]{1,40}",
                "methods in upper case such as GET, HEAD, POST (A-Z, - and _, at most 40 characters)");
        List<String> sourceIp = values(n, "sourceIp", null, null);
        for (int i = 0; i < sourceIp.size(); i++) {
            String problem = cidrProblem(sourceIp.get(i));
            if (problem != null) {
                errors.add(n.at("sourceIp") + "[" + i + "]", quote(sourceIp.get(i)) + " (expected: " + problem + ")");
            }
        }
        List<HttpHeaderCondition> headers = new ArrayList<>();
        JsonNode rawHeaders = n.raw("httpHeader");
        if (rawHeaders != null && rawHeaders.isObject()) {
            headers.add(httpHeader(n.at("httpHeader"), rawHeaders));
        } else if (rawHeaders != null && rawHeaders.isArray()) {
            List<JsonNode> items = n.list("httpHeader");
            if (items.isEmpty()) {
                errors.add(n.at("httpHeader"), "empty (expected: at least one { name, values })");
            }
            for (int i = 0; i < items.size(); i++) {
                HttpHeaderCondition h = httpHeader(n.at("httpHeader") + "[" + i + "]", items.get(i));
                if (h != null) {
                    headers.add(h);
                }
            }
        } else if (rawHeaders != null) {
            errors.add(n.at("httpHeader"), Node.describe(rawHeaders) + " (expected: { name, values } or a list of them)");
        }
        List<QueryStringCondition> query = new ArrayList<>();
        List<JsonNode> items = n.list("queryString");
        if (n.has("queryString") && n.raw("queryString").isArray()) {
            checkCount(n.at("queryString"), items.size(), "key/value pairs");
        }
        for (int i = 0; i < items.size(); i++) {
            Node q = Node.open(errors, n.at("queryString") + "[" + i + "]", items.get(i), "key", "value");
            if (!q.present()) {
                Node.reportEmptyItem(errors, q.path, items.get(i));
                continue;
            }
            String key = q.str("key", null);
            String val = q.reqStr("value");
            if (key != null && (key.isEmpty() || key.length() > 128)) {
                errors.add(q.at("key"), quote(key) + " (expected: 1..128 characters)");
            }
            if (val != null && val.length() > 128) {
                errors.add(q.at("value"), quote(val) + " (expected: at most 128 characters)");
            }
            if (val != null) {
                query.add(new QueryStringCondition(key, val));
            }
        }
        return new ConditionsConfig(hostHeader, pathPattern, headers, methods, query, sourceIp, hostHeaderRegex,
                pathPatternRegex);
    }

    /**
     * A hostHeader or pathPattern condition: a list of values (or one value), or ALB's config form
     * {@code { values: [...] }} / {@code { regexValues: [...] }}; regex values go to {@code regexOut}.
     */
    private List<String> valuesOrRegex(Node n, String key, String pattern, String expected, List<String> regexOut) {
        JsonNode raw = n.raw(key);
        if (raw == null || !raw.isObject()) {
            return values(n, key, pattern, expected);
        }
        Node c = n.obj(key, "values", "regexValues");
        if (c.has("values") == c.has("regexValues")) {
            errors.add(c.path, (c.has("values") ? "both values and regexValues" : "neither values nor regexValues")
                    + " (expected: one of them, as on AWS)");
        }
        regexOut.addAll(regexValues(c));
        return values(c, "values", pattern, expected);
    }

    /** ALB's RegexValues: 1 to 5 RE2 regular expressions of at most 128 characters each. */
    private List<String> regexValues(Node n) {
        List<String> regexes = values(n, "regexValues", null, null);
        for (int i = 0; i < regexes.size(); i++) {
            String r = regexes.get(i);
            String problem = r.length() > 128 ? r.length() + " characters (expected: at most 128)" : RuleRegex.problem(r);
            if (problem != null) {
                errors.add(n.at("regexValues") + "[" + i + "]", (r.length() > 128 ? "" : quote(r) + ": ") + problem);
            }
        }
        return regexes;
    }

    private HttpHeaderCondition httpHeader(String path, JsonNode value) {
        Node h = Node.open(errors, path, value, "name", "values", "regexValues");
        if (!h.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = h.reqStr("name");
        if (name != null && !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}")) {
            errors.add(h.at("name"), quote(name) + " (expected: a header name of at most 40 characters)");
        }
        if (h.has("values") && h.has("regexValues")) {
            errors.add(h.path, "both values and regexValues (expected: one of them, as on AWS)");
        } else if (!h.has("values") && !h.has("regexValues")) {
            h.missing("values");
        }
        List<String> values = values(h, "values", "[\\x20-\\x7e]{1,128}", "printable values of at most 128 characters");
        List<String> regexes = regexValues(h);
        return name == null ? null : new HttpHeaderCondition(name, values, regexes);
    }

    /** A condition's value list: 1 to 5 values (AWS), each matching {@code pattern}. */
    private List<String> values(Node n, String key, String pattern, String expected) {
        if (!n.has(key)) {
            return List.of();
        }
        List<String> values = n.strings(key);
        if (n.raw(key).isArray()) {
            checkCount(n.at(key), values.size(), "values");
        }
        if (pattern != null) {
            for (int i = 0; i < values.size(); i++) {
                if (!values.get(i).matches(pattern)) {
                    errors.add(n.at(key) + "[" + i + "]", quote(values.get(i)) + " (expected: " + expected + ")");
                }
            }
        }
        return values;
    }

    private void checkCount(String path, int count, String what) {
        if (count == 0) {
            errors.add(path, "empty (expected: 1..5 " + what + ")");
        } else if (count > 5) {
            errors.add(path, count + " " + what + " (expected: at most 5 per condition)");
        }
    }

    /** Null when {@code s} is a valid IPv4 or IPv6 CIDR block, otherwise what was expected. */
    private static String cidrProblem(String s) {
        String expected = "a CIDR block such as 10.0.0.0/8 or ::1/128";
        int slash = s.indexOf('/');
        if (slash < 0) {
            return expected;
        }
        InetAddress a = ipLiteral(s.substring(0, slash));
        if (a == null) {
            return expected;
        }
        int max = a instanceof Inet6Address ? 128 : 32;
        try {
            int bits = Integer.parseInt(s.substring(slash + 1));
            return bits < 0 || bits > max ? expected + ", prefix length 0.." + max : null;
        } catch (NumberFormatException e) {
            return expected;
        }
    }

    // ------------------------------------------------------------------ transforms

    private static final String DEFAULT_ACTION_TRANSFORMS = "not allowed on a listener's default action (as on AWS: "
            + "a default rule has no transforms; expected: transforms on a rule whose action is forward)";

    /** A rule's transforms (AWS's RuleTransform): at most one url-rewrite and one host-header-rewrite. */
    private List<RuleTransformConfig> transforms(Node r, ActionConfig action) {
        if (!r.has("transforms")) {
            return List.of();
        }
        String path = r.at("transforms");
        List<JsonNode> items = r.list("transforms");
        if (r.raw("transforms").isArray() && items.isEmpty()) {
            errors.add(path, "empty (expected: a url-rewrite and/or a host-header-rewrite transform)");
        }
        if (action != null && !(action instanceof Forward)) {
            errors.add(path, "only allowed on rules whose action is forward (a " + (action instanceof Redirect
                    ? "redirect" : "fixed response") + " never reaches a target, so there is nothing to rewrite)");
        }
        List<RuleTransformConfig> out = new ArrayList<>();
        Map<RuleTransformConfig.Type, String> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Node t = Node.open(errors, path + "[" + i + "]", items.get(i), "type", "hostHeaderRewriteConfig",
                    "urlRewriteConfig");
            if (!t.present()) {
                Node.reportEmptyItem(errors, t.path, items.get(i));
                continue;
            }
            if (!t.has("type")) {
                t.missing("type");
            }
            RuleTransformConfig.Type type = t.choice("type", TRANSFORM_TYPES, null);
            if (type == null) {
                continue;
            }
            String before = seen.putIfAbsent(type, t.path);
            if (before != null) {
                errors.add(t.at("type"), quote(type.awsName()) + " is already used by " + before
                        + " (expected: at most one url-rewrite and one host-header-rewrite per rule)");
            }
            for (RuleTransformConfig.Type other : RuleTransformConfig.Type.values()) {
                if (other != type && t.has(other.configKey())) {
                    errors.add(t.at(other.configKey()), "not allowed with type: " + type.awsName() + " (expected: "
                            + type.configKey() + ")");
                }
            }
            if (!t.has(type.configKey())) {
                errors.add(t.at(type.configKey()), "required for type: " + type.awsName()
                        + " (expected: { rewrites: [{ regex, replace }] })");
                continue;
            }
            RuleTransformConfig rewrite = rewrite(t.obj(type.configKey(), "rewrites"), type);
            if (rewrite != null) {
                out.add(rewrite);
            }
        }
        return out;
    }

    /** A transform's {@code rewrites}: AWS's API takes a list; Headroom takes exactly one { regex, replace }. */
    private RuleTransformConfig rewrite(Node c, RuleTransformConfig.Type type) {
        if (!c.present()) {
            return null;
        }
        if (!c.has("rewrites")) {
            c.missing("rewrites");
            return null;
        }
        List<JsonNode> items = c.list("rewrites");
        if (c.raw("rewrites").isArray() && items.size() != 1) {
            errors.add(c.at("rewrites"), items.size() + " rewrites (expected: exactly 1 { regex, replace })");
            return null;
        }
        if (items.isEmpty()) {
            return null;
        }
        Node w = Node.open(errors, c.at("rewrites") + "[0]", items.get(0), "regex", "replace");
        if (!w.present()) {
            Node.reportEmptyItem(errors, w.path, items.get(0));
            return null;
        }
        String regex = w.reqStr("regex");
        String replace = w.scalar("replace", null);
        if (replace == null && w.raw("replace") == null) {
            w.missing("replace");
        }
        if (regex == null || replace == null) {
            return null;
        }
        String problem = RuleRegex.problem(regex);
        if (problem != null) {
            errors.add(w.at("regex"), (regex.length() > RuleRegex.MAX_LENGTH ? "" : quote(regex) + ": ") + problem);
            return null;
        }
        problem = RuleRegex.replacementProblem(com.google.re2j.Pattern.compile(regex), replace);
        if (problem != null) {
            errors.add(w.at("replace"), (replace.length() > RuleRegex.MAX_LENGTH ? "" : quote(replace) + ": ") + problem);
            return null;
        }
        return new RuleTransformConfig(type, regex, replace);
    }

    // ------------------------------------------------------------------ actions

    /** @param listenerProtocol the protocol of the listener the action belongs to (which target groups fit) */
    private ActionConfig action(String path, JsonNode value, LoadBalancerConfig.Type lbType,
                                ListenerConfig.Protocol listenerProtocol) {
        boolean network = lbType == LoadBalancerConfig.Type.NETWORK;
        Node n = network
                ? Node.open(errors, path, value, "forward")
                : Node.open(errors, path, value, "forward", "redirect", "fixedResponse", "transforms");
        if (!n.present()) {
            return null;
        }
        if (n.has("transforms")) {
            errors.add(n.at("transforms"), path.endsWith(".defaultAction") ? DEFAULT_ACTION_TRANSFORMS
                    : "not part of an action (expected: transforms as a key of the rule, next to action)");
        }
        int count = (n.has("forward") ? 1 : 0) + (n.has("redirect") ? 1 : 0) + (n.has("fixedResponse") ? 1 : 0);
        if (count == 0) {
            errors.add(path, "empty (expected: " + (network ? "forward" : "one of forward, redirect, fixedResponse") + ")");
            return null;
        }
        if (count > 1) {
            errors.add(path, "has more than one action (expected: one of forward, redirect, fixedResponse)");
            return null;
        }
        if (n.has("forward")) {
            return forward(n.obj("forward", "targetGroup", "targetGroups", "stickiness"), lbType, listenerProtocol);
        }
        if (n.has("redirect")) {
            return redirect(n.obj("redirect", "protocol", "host", "port", "path", "query", "statusCode"));
        }
        return fixedResponse(n.obj("fixedResponse", "statusCode", "contentType", "messageBody"));
    }

    private ActionConfig forward(Node n, LoadBalancerConfig.Type lbType, ListenerConfig.Protocol listenerProtocol) {
        if (!n.present()) {
            return null;
        }
        boolean network = lbType == LoadBalancerConfig.Type.NETWORK;
        List<WeightedTargetGroup> groups = new ArrayList<>();
        if (n.has("targetGroup") && n.has("targetGroups")) {
            errors.add(n.path, "has both targetGroup and targetGroups (expected: one of them)");
            return null;
        }
        if (n.has("targetGroup")) {
            String name = n.reqStr("targetGroup");
            if (name != null && checkTargetGroup(n.at("targetGroup"), name, lbType, listenerProtocol)) {
                groups.add(new WeightedTargetGroup(name, 1));
            }
        } else if (n.has("targetGroups")) {
            List<JsonNode> items = n.list("targetGroups");
            if (n.raw("targetGroups").isArray()) {
                if (items.isEmpty()) {
                    errors.add(n.at("targetGroups"), "empty (expected: 1..5 weighted target groups)");
                } else if (items.size() > 5) {
                    errors.add(n.at("targetGroups"), items.size() + " target groups (expected: at most 5)");
                } else if (network && items.size() > 1) {
                    errors.add(n.at("targetGroups"), items.size()
                            + " target groups (expected: 1; a network load balancer forwards to one target group)");
                }
            }
            Map<String, String> seen = new HashMap<>();
            boolean anyWeight = false;
            for (int i = 0; i < items.size(); i++) {
                Node w = Node.open(errors, n.at("targetGroups") + "[" + i + "]", items.get(i), "name", "weight");
                if (!w.present()) {
                    Node.reportEmptyItem(errors, w.path, items.get(i));
                    continue;
                }
                String name = w.reqStr("name");
                int weight = w.integer("weight", 1, 0, 999);
                anyWeight |= weight > 0;
                if (name == null) {
                    continue;
                }
                String before = seen.putIfAbsent(name, w.path);
                if (before != null) {
                    errors.add(w.at("name"), quote(name) + " is already used by " + before);
                }
                if (checkTargetGroup(w.at("name"), name, lbType, listenerProtocol)) {
                    groups.add(new WeightedTargetGroup(name, weight));
                }
            }
            if (!items.isEmpty() && !anyWeight) {
                errors.add(n.at("targetGroups"), "all weights are 0 (expected: at least one weight > 0)");
            }
        } else {
            errors.add(n.path, "empty (expected: targetGroup: NAME or targetGroups: [{ name, weight }])");
        }
        StickinessConfig stickiness = StickinessConfig.disabled();
        if (n.has("stickiness")) {
            if (network) {
                errors.add(n.at("stickiness"), "only allowed for application load balancers");
            } else {
                Node s = n.obj("stickiness", "enabled", "durationSeconds");
                stickiness = new StickinessConfig(s.bool("enabled", false), StickinessConfig.Type.LB_COOKIE,
                        s.integer("durationSeconds", 3600, 1, 604800), null);
            }
        } else {
            stickiness = StickinessConfig.disabled(); // as Forward.to(...)
        }
        return groups.isEmpty() ? null : new Forward(groups, stickiness);
    }

    /**
     * True when {@code name} is a target group whose protocol fits the load balancer and the listener; reports it
     * otherwise. A network load balancer's pairs are AWS's: TCP listener to TCP or TCP_UDP group, TLS to TCP, UDP to
     * UDP or TCP_UDP, TCP_UDP to TCP_UDP.
     */
    private boolean checkTargetGroup(String path, String name, LoadBalancerConfig.Type lbType,
                                     ListenerConfig.Protocol listenerProtocol) {
        if (!targetGroups.containsKey(name)) {
            errors.add(path, quote(name) + " is not a target group (known: " + known(targetGroups.keySet()) + ")");
            return false;
        }
        TargetGroupConfig.Protocol p = targetGroups.get(name);
        if (p == null) {
            return true; // its protocol is already reported as wrong
        }
        if (lbType == LoadBalancerConfig.Type.NETWORK) {
            List<TargetGroupConfig.Protocol> fits = networkTargetGroups(listenerProtocol);
            if (!fits.contains(p)) {
                errors.add(path, "target group " + quote(name) + " has protocol " + p + " (expected: "
                        + String.join(" | ", fits.stream().map(Enum::name).toList()) + " for a " + listenerProtocol
                        + " listener)");
                return false;
            }
            if (listenerProtocol == ListenerConfig.Protocol.TLS && stickyNetworkGroups.contains(name)) {
                // As NLB: "Sticky sessions are not supported for TLS listeners."
                errors.add(path, "target group " + quote(name) + " has stickiness enabled (expected: a target group "
                        + "without stickiness; a TLS listener does not support sticky sessions)");
                return false;
            }
            return true;
        }
        if (p.network()) {
            errors.add(path, "target group " + quote(name) + " has protocol " + p
                    + " (expected: HTTP or HTTPS for an application load balancer)");
            return false;
        }
        return true;
    }

    /** The target group protocols a network load balancer's listener may forward to (AWS's pairs). */
    private static List<TargetGroupConfig.Protocol> networkTargetGroups(ListenerConfig.Protocol listener) {
        return switch (listener) {
            case TCP -> List.of(TargetGroupConfig.Protocol.TCP, TargetGroupConfig.Protocol.TCP_UDP);
            case UDP -> List.of(TargetGroupConfig.Protocol.UDP, TargetGroupConfig.Protocol.TCP_UDP);
            case TCP_UDP -> List.of(TargetGroupConfig.Protocol.TCP_UDP);
            // TLS, and an application protocol on a network load balancer (reported on the listener already)
            default -> List.of(TargetGroupConfig.Protocol.TCP);
        };
    }

    private static String known(Set<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private ActionConfig redirect(Node n) {
        if (!n.present()) {
            return null;
        }
        String protocol = n.str("protocol", "#{protocol}");
        if (!protocol.equals("#{protocol}") && !protocol.equals("HTTP") && !protocol.equals("HTTPS")) {
            errors.add(n.at("protocol"), quote(protocol) + " (expected: HTTP | HTTPS | #{protocol})");
        }
        String host = n.str("host", "#{host}");
        if (host.isEmpty() || host.length() > 128) {
            errors.add(n.at("host"), quote(host) + " (expected: 1..128 characters, may use #{host})");
        }
        String port = n.scalar("port", "#{port}");
        if (!port.equals("#{port}")) {
            try {
                int p = Integer.parseInt(port);
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                errors.add(n.at("port"), quote(port) + " (expected: 1..65535 or #{port})");
            }
        }
        String path = n.str("path", "/#{path}");
        if (!path.startsWith("/") || path.length() > 128) {
            errors.add(n.at("path"), quote(path) + " (expected: starting with /, at most 128 characters)");
        }
        String query = n.str("query", "#{query}");
        if (query.startsWith("?") || query.length() > 128) {
            errors.add(n.at("query"), quote(query) + " (expected: without a leading ?, at most 128 characters)");
        }
        int status = n.choice("statusCode", REDIRECT_CODES, 301);
        if (protocol.equals("#{protocol}") && host.equals("#{host}") && port.equals("#{port}")
                && path.equals("/#{path}") && query.equals("#{query}")) {
            errors.add(n.path, "redirects to the same URL (expected: change at least one of protocol, host, port, path, query)");
        }
        return new Redirect(protocol, host, port, path, query, status);
    }

    private ActionConfig fixedResponse(Node n) {
        if (!n.present()) {
            return null;
        }
        int status = 0;
        if (!n.has("statusCode")) {
            n.missing("statusCode");
        } else {
            Integer s = n.intValue(n.at("statusCode"), textToNumber(n.raw("statusCode")), 200, 599, "2XX, 4XX or 5XX");
            if (s != null && s >= 300 && s < 400) {
                errors.add(n.at("statusCode"), s + " (expected: 2XX, 4XX or 5XX)");
            } else if (s != null) {
                status = s;
            }
        }
        String contentType = n.str("contentType", "text/plain");
        if (!FIXED_RESPONSE_TYPES.contains(contentType)) {
            errors.add(n.at("contentType"), quote(contentType)
                    + " (expected: text/plain | text/css | text/html | application/javascript | application/json)");
        }
        String body = n.str("messageBody", "");
        if (body.length() > 1024) {
            errors.add(n.at("messageBody"), body.length() + " characters (expected: at most 1024)");
        }
        return new FixedResponse(status, contentType, body);
    }

    /** "403" reads as 403 (AWS writes status codes and target group attributes as strings). */
    private static JsonNode textToNumber(JsonNode v) {
        if (v.isTextual() && v.textValue().matches("\\d{1,9}")) {
            return com.fasterxml.jackson.databind.node.IntNode.valueOf(Integer.parseInt(v.textValue()));
        }
        return v;
    }

    // ------------------------------------------------------------------ auto scaling groups

    private AutoScalingGroupConfig autoScalingGroup(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "launchTemplate", "minSize", "maxSize", "desiredCapacity",
                "availabilityZones", "targetGroups", "healthCheckType", "healthCheckGracePeriodSeconds",
                "defaultInstanceWarmupSeconds", "defaultCooldownSeconds", "terminationPolicies", "policies",
                "scheduledActions", "lifecycleHooks", "warmPool", "maxInstanceLifetime", "instanceMaintenancePolicy");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, ASG_NAME, "1-255 characters without :", names);
        String ltName = null;
        String ltVersion = "$Default";
        if (!n.has("launchTemplate")) {
            n.missing("launchTemplate");
        } else {
            Node lt = n.obj("launchTemplate", "name", "version");
            ltName = lt.reqStr("name");
            ltVersion = lt.scalar("version", "$Default");
            if (ltName != null && !launchTemplates.containsKey(ltName)) {
                errors.add(lt.at("name"), quote(ltName) + " is not a launch template (known: "
                        + known(launchTemplates.keySet()) + ")");
            } else if (ltName != null && !ltVersion.equals("$Latest") && !ltVersion.equals("$Default")) {
                int count = launchTemplates.get(ltName);
                int v;
                try {
                    v = Integer.parseInt(ltVersion);
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 1 || v > count) {
                    errors.add(lt.at("version"), quote(ltVersion) + " (expected: $Latest | $Default | 1.." + count
                            + ", the versions of " + quote(ltName) + ")");
                }
            }
        }
        Integer min = n.reqInt("minSize", 0, 10000);
        Integer max = n.reqInt("maxSize", 0, 10000);
        Integer desired = n.optInt("desiredCapacity", 0, 10000);
        if (min != null && max != null && min > max) {
            errors.add(n.at("minSize"), min + " (expected: at most maxSize " + max + ")");
        }
        if (desired != null && min != null && desired < min) {
            errors.add(n.at("desiredCapacity"), desired + " (expected: at least minSize " + min + ")");
        } else if (desired != null && max != null && desired > max) {
            errors.add(n.at("desiredCapacity"), desired + " (expected: at most maxSize " + max + ")");
        }
        int minSize = min == null ? 0 : min;
        int maxSize = max == null ? minSize : max;
        int desiredCapacity = desired == null ? minSize : desired;

        List<String> zones = n.has("availabilityZones") ? n.strings("availabilityZones") : List.of("zone-a");
        if (n.has("availabilityZones") && n.raw("availabilityZones").isArray() && zones.isEmpty()) {
            errors.add(n.at("availabilityZones"), "empty (expected: at least one zone name)");
        }
        uniqueItems(n.at("availabilityZones"), zones);
        List<String> tgs = n.strings("targetGroups");
        uniqueItems(n.at("targetGroups"), tgs);
        for (int i = 0; i < tgs.size(); i++) {
            if (!targetGroups.containsKey(tgs.get(i))) {
                errors.add(n.at("targetGroups") + "[" + i + "]", quote(tgs.get(i)) + " is not a target group (known: "
                        + known(targetGroups.keySet()) + ")");
            }
        }
        HealthCheckType healthCheckType = n.choice("healthCheckType", HEALTH_CHECK_TYPES, HealthCheckType.EC2);
        int grace = n.integer("healthCheckGracePeriodSeconds", 300, 0, 7200);
        int warmup = n.integer("defaultInstanceWarmupSeconds", 10, 0, 3600);
        int cooldown = n.integer("defaultCooldownSeconds", 300, 0, 86400);
        List<TerminationPolicy> terminationPolicies = new ArrayList<>();
        List<String> tp = n.strings("terminationPolicies");
        for (int i = 0; i < tp.size(); i++) {
            TerminationPolicy p = TERMINATION_POLICIES.get(tp.get(i));
            if (p == null) {
                errors.add(n.at("terminationPolicies") + "[" + i + "]", quote(tp.get(i)) + " (expected: "
                        + String.join(" | ", TERMINATION_POLICIES.keySet()) + ")");
            } else if (!terminationPolicies.contains(p)) {
                terminationPolicies.add(p);
            }
        }
        if (terminationPolicies.isEmpty()) {
            terminationPolicies.add(TerminationPolicy.DEFAULT);
        }
        List<ScalingPolicyConfig> policies = new ArrayList<>();
        Map<String, String> policyNames = new HashMap<>();
        List<JsonNode> items = n.list("policies");
        for (int i = 0; i < items.size(); i++) {
            ScalingPolicyConfig p = policy(n.at("policies") + "[" + i + "]", items.get(i), policyNames, tgs);
            if (p != null) {
                policies.add(p);
            }
        }
        List<ScheduledActionConfig> scheduled = new ArrayList<>();
        Map<String, String> scheduledNames = new HashMap<>();
        items = n.list("scheduledActions");
        for (int i = 0; i < items.size(); i++) {
            ScheduledActionConfig s = scheduledAction(n.at("scheduledActions") + "[" + i + "]", items.get(i), scheduledNames);
            if (s != null) {
                scheduled.add(s);
            }
        }
        List<LifecycleHookConfig> hooks = new ArrayList<>();
        Map<String, String> hookNames = new HashMap<>();
        items = n.list("lifecycleHooks");
        if (items.size() > MAX_LIFECYCLE_HOOKS) {
            errors.add(n.at("lifecycleHooks"), items.size() + " hooks (expected: at most " + MAX_LIFECYCLE_HOOKS + ")");
        }
        for (int i = 0; i < items.size(); i++) {
            LifecycleHookConfig h = lifecycleHook(n.at("lifecycleHooks") + "[" + i + "]", items.get(i), hookNames);
            if (h != null) {
                hooks.add(h);
            }
        }
        WarmPoolConfig warmPool = null;
        if (n.has("warmPool")) {
            Node w = n.obj("warmPool", "minSize", "maxGroupPreparedCapacity", "poolState", "instanceReusePolicy");
            int poolMin = w.integer("minSize", 0, 0, 10000);
            Integer prepared = w.optInt("maxGroupPreparedCapacity", 0, 10000);
            if (prepared != null && prepared < minSize) {
                errors.add(w.at("maxGroupPreparedCapacity"), prepared + " (expected: at least the group's minSize " + minSize + ")");
            }
            WarmPoolConfig.PoolState state = w.choice("poolState", POOL_STATES, WarmPoolConfig.PoolState.Stopped);
            boolean reuse = false;
            if (w.has("instanceReusePolicy")) {
                reuse = w.obj("instanceReusePolicy", "reuseOnScaleIn").bool("reuseOnScaleIn", false);
            }
            warmPool = new WarmPoolConfig(poolMin, prepared, state, reuse);
        }
        // AWS: 0, or 86,400 (a day) to 31,536,000 (a year). Headroom allows from a minute, for trying it out.
        int lifetime = n.integer("maxInstanceLifetime", 0, 0, 31_536_000);
        if (lifetime > 0 && lifetime < 60) {
            errors.add(n.at("maxInstanceLifetime"), lifetime + " (expected: 0 for no limit, or 60..31536000 seconds)");
        }
        InstanceMaintenancePolicyConfig maintenance = n.has("instanceMaintenancePolicy")
                ? instanceMaintenancePolicy(n.obj("instanceMaintenancePolicy", "minHealthyPercentage",
                        "maxHealthyPercentage")) : null;
        return new AutoScalingGroupConfig(name, ltName, ltVersion, minSize, maxSize, desiredCapacity, zones, tgs,
                healthCheckType, grace, warmup, cooldown, terminationPolicies, policies, scheduled, hooks, warmPool,
                lifetime, maintenance);
    }

    /** A required percentage in -1..max; null when missing or wrong (reported). */
    private static Integer percentage(Node p, String key, int max, String expected) {
        if (!p.has(key)) {
            p.missing(key);
            return null;
        }
        return p.intValue(p.at(key), p.raw(key), -1, max, expected);
    }

    /**
     * AWS's InstanceMaintenancePolicy: both percentages, min 0..100 and max 100..200 at most 100 apart; both -1 (AWS's
     * way to clear it) is no policy. Null when there is none or it is wrong (reported).
     */
    private InstanceMaintenancePolicyConfig instanceMaintenancePolicy(Node p) {
        if (!p.present()) {
            return null; // not a mapping: reported
        }
        Integer min = percentage(p, "minHealthyPercentage", 100, "0..100, or -1 for no policy");
        Integer max = percentage(p, "maxHealthyPercentage", 200, "100..200, or -1 for no policy");
        if (min == null || max == null) {
            return null;
        }
        if (min == -1 && max == -1) {
            return null;
        }
        if (min == -1 || max == -1) {
            String key = min == -1 ? "minHealthyPercentage" : "maxHealthyPercentage";
            errors.add(p.at(key), "-1 (expected: -1 in both percentages, for no policy, or in neither)");
        } else if (max < 100) {
            errors.add(p.at("maxHealthyPercentage"), max + " (expected: 100..200, or -1 for no policy)");
        } else if (max - min > 100) {
            errors.add(p.at("maxHealthyPercentage"), max + " (expected: at most 100 above minHealthyPercentage " + min
                    + ")");
        } else {
            return new InstanceMaintenancePolicyConfig(min, max);
        }
        return null;
    }

    private void uniqueItems(String path, List<String> items) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            if (!seen.add(items.get(i))) {
                errors.add(path + "[" + i + "]", quote(items.get(i)) + " is listed twice");
            }
        }
    }

    // ------------------------------------------------------------------ scaling policies

    private ScalingPolicyConfig policy(String path, JsonNode value, Map<String, String> names, List<String> asgTargetGroups) {
        String type = "SimpleScaling"; // AWS's default policy type
        JsonNode rawType = value != null && value.isObject() ? value.get("policyType") : null;
        if (rawType != null && rawType.isTextual() && POLICY_TYPES.containsKey(rawType.textValue())) {
            type = rawType.textValue();
        }
        Node n = switch (type) {
            case "TargetTrackingScaling" -> Node.open(errors, path, value, "name", "policyType",
                    "targetTrackingConfiguration", "estimatedInstanceWarmupSeconds");
            case "PredictiveScaling" -> Node.open(errors, path, value, "name", "policyType",
                    "predictiveScalingConfiguration");
            case "StepScaling" -> Node.open(errors, path, value, "name", "policyType", "adjustmentType",
                    "metricAggregationType", "stepAdjustments", "minAdjustmentMagnitude",
                    "estimatedInstanceWarmupSeconds", "alarm");
            default -> Node.open(errors, path, value, "name", "policyType", "adjustmentType", "scalingAdjustment",
                    "minAdjustmentMagnitude", "cooldownSeconds", "alarm");
        };
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, ASG_NAME, "1-255 characters without :", names);
        if (n.choice("policyType", POLICY_TYPES, null) == null && n.has("policyType")) {
            return null; // the keys expected depend on the type: report only the type
        }
        if (type.equals("TargetTrackingScaling")) {
            Integer warmup = n.optInt("estimatedInstanceWarmupSeconds", 0, 3600);
            if (!n.has("targetTrackingConfiguration")) {
                n.missing("targetTrackingConfiguration");
                return null;
            }
            return targetTracking(name, n.obj("targetTrackingConfiguration", "predefinedMetricType", "resourceLabel",
                    "customizedMetric", "targetValue", "disableScaleIn", "scaleOutWindowSeconds",
                    "scaleInWindowSeconds"), warmup, asgTargetGroups);
        }
        if (type.equals("PredictiveScaling")) {
            if (!n.has("predictiveScalingConfiguration")) {
                n.missing("predictiveScalingConfiguration");
                return null;
            }
            return predictive(name, n.obj("predictiveScalingConfiguration", "metricSpecifications", "mode",
                    "schedulingBufferTime", "maxCapacityBreachBehavior", "maxCapacityBuffer"), asgTargetGroups);
        }
        AdjustmentType adjustmentType = null;
        if (!n.has("adjustmentType")) {
            n.missing("adjustmentType");
        } else {
            adjustmentType = n.choice("adjustmentType", ADJUSTMENT_TYPES, null);
        }
        Integer minMagnitude = n.optInt("minAdjustmentMagnitude", 1, Integer.MAX_VALUE);
        if (minMagnitude != null && adjustmentType != null && adjustmentType != AdjustmentType.PERCENT_CHANGE_IN_CAPACITY) {
            errors.add(n.at("minAdjustmentMagnitude"), "only allowed with adjustmentType PercentChangeInCapacity");
        }
        AlarmConfig alarm = null;
        if (!n.has("alarm")) {
            n.missing("alarm");
        } else {
            alarm = alarm(n.obj("alarm", "metricName", "dimensions", "statistic", "periodSeconds",
                    "evaluationPeriods", "datapointsToAlarm", "threshold", "comparisonOperator", "treatMissingData"));
        }
        if (type.equals("StepScaling")) {
            String aggregation = n.choice("metricAggregationType", METRIC_AGGREGATION_TYPES, "Average");
            Integer warmup = n.optInt("estimatedInstanceWarmupSeconds", 0, 3600);
            List<StepAdjustment> steps = stepAdjustments(n, adjustmentType);
            if (adjustmentType == null || alarm == null) {
                return null;
            }
            return new ScalingPolicyConfig.Step(name, adjustmentType, aggregation, steps, minMagnitude, warmup, alarm);
        }
        Integer adjustment = n.reqInt("scalingAdjustment", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (adjustment != null && adjustmentType == AdjustmentType.EXACT_CAPACITY && adjustment < 0) {
            errors.add(n.at("scalingAdjustment"), adjustment + " (expected: >= 0 for ExactCapacity)");
        }
        Integer cooldown = n.optInt("cooldownSeconds", 0, 86400);
        if (adjustmentType == null || alarm == null || adjustment == null) {
            return null;
        }
        return new ScalingPolicyConfig.Simple(name, adjustmentType, adjustment, minMagnitude, cooldown, alarm);
    }

    private ScalingPolicyConfig targetTracking(String name, Node n, Integer warmup, List<String> asgTargetGroups) {
        if (!n.present()) {
            return null; // reported by Node.open
        }
        PredefinedMetricType predefined = n.choice("predefinedMetricType", PREDEFINED_METRICS, null);
        MetricSpec customized = null;
        if (n.has("predefinedMetricType") == n.has("customizedMetric")) {
            errors.add(n.path, "expected exactly one of predefinedMetricType, customizedMetric");
        }
        if (n.has("customizedMetric")) {
            Node m = n.obj("customizedMetric", "metricName", "dimensions", "statistic", "metrics");
            if (m.has("metrics")) {
                for (String key : List.of("metricName", "dimensions", "statistic")) {
                    if (m.has(key)) {
                        errors.add(m.at(key), "not allowed with metrics (expected: either metricName, dimensions and"
                                + " statistic, or metrics)");
                    }
                }
                List<MetricDataQuery> queries = metricDataQueries(m);
                customized = queries == null ? null : MetricSpec.math(queries);
            } else if (m.present()) {
                String metricName = m.reqStr("metricName");
                Map<String, String> dimensions = m.stringMap("dimensions");
                String statistic = statistic(m);
                if (metricName != null && statistic != null) {
                    customized = new MetricSpec(metricName, dimensions, statistic);
                }
            }
        }
        String resourceLabel = resourceLabel(n, predefined == PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET,
                "ALBRequestCountPerTarget", asgTargetGroups);
        Double target = n.reqDouble("targetValue");
        if (target != null && target <= 0) {
            errors.add(n.at("targetValue"), n.raw("targetValue").asText() + " (expected: a number > 0)");
        }
        boolean disableScaleIn = n.bool("disableScaleIn", false);
        Integer outWindow = n.optInt("scaleOutWindowSeconds", 1, 86400);
        Integer inWindow = n.optInt("scaleInWindowSeconds", 1, 86400);
        return new ScalingPolicyConfig.TargetTracking(name, predefined, resourceLabel, customized,
                target == null ? 1 : target, disableScaleIn, warmup, outWindow, inWindow);
    }

    /**
     * The {@code resourceLabel} of a metric type that counts a target group's requests ({@code counts}, named
     * {@code type}): one of the group's target groups, its first by default; not allowed for other metric types.
     */
    private String resourceLabel(Node n, boolean counts, String type, List<String> asgTargetGroups) {
        if (!counts) {
            onlyFor(n, "resourceLabel", "predefinedMetricType " + type);
            return null;
        }
        String label = n.str("resourceLabel", null);
        if (label == null) {
            if (asgTargetGroups.isEmpty()) {
                errors.add(n.at("predefinedMetricType"), type + " needs a target group "
                        + "(expected: targetGroups on the auto scaling group)");
                return null;
            }
            return asgTargetGroups.get(0);
        }
        if (!asgTargetGroups.contains(label)) {
            errors.add(n.at("resourceLabel"), quote(label) + " is not a target group of this auto scaling "
                    + "group (known: " + known(new java.util.LinkedHashSet<>(asgTargetGroups)) + ")");
        }
        return label;
    }

    /** AWS's PredictiveScalingConfiguration: one metric specification with a predefined metric pair. */
    private ScalingPolicyConfig predictive(String name, Node n, List<String> asgTargetGroups) {
        if (!n.present()) {
            return null; // reported by Node.open
        }
        List<JsonNode> specs = n.list("metricSpecifications");
        if (!n.has("metricSpecifications")) {
            n.missing("metricSpecifications");
        } else if (n.raw("metricSpecifications").isArray() && specs.size() != 1) {
            errors.add(n.at("metricSpecifications"), specs.size() + " entries (expected: exactly one metric specification,"
                    + " as AWS allows)");
        }
        ScalingPolicyConfig.PredictiveMetricPair pair = null;
        String resourceLabel = null;
        Double target = null;
        boolean specOk = false;
        if (specs.size() == 1) {
            Node spec = Node.open(errors, n.at("metricSpecifications") + "[0]", specs.get(0), "targetValue",
                    "predefinedMetricPairSpecification");
            if (!spec.present()) {
                Node.reportEmptyItem(errors, spec.path, specs.get(0));
            } else {
                target = spec.reqDouble("targetValue");
                if (target != null && target <= 0) {
                    errors.add(spec.at("targetValue"), spec.raw("targetValue").asText() + " (expected: a number > 0)");
                    target = null;
                }
                if (!spec.has("predefinedMetricPairSpecification")) {
                    spec.missing("predefinedMetricPairSpecification");
                } else {
                    Node m = spec.obj("predefinedMetricPairSpecification", "predefinedMetricType", "resourceLabel");
                    if (m.present()) {
                        if (!m.has("predefinedMetricType")) {
                            m.missing("predefinedMetricType");
                        } else {
                            pair = m.choice("predefinedMetricType", PREDICTIVE_METRIC_PAIRS, null);
                        }
                        resourceLabel = resourceLabel(m, pair == ScalingPolicyConfig.PredictiveMetricPair.ALB_REQUEST_COUNT,
                                "ALBRequestCount", asgTargetGroups);
                        specOk = pair != null && target != null;
                    }
                }
            }
        }
        ScalingPolicyConfig.PredictiveMode mode = n.choice("mode", PREDICTIVE_MODES,
                ScalingPolicyConfig.PredictiveMode.FORECAST_ONLY);
        Integer buffer = n.optInt("schedulingBufferTime", 0, 3599);
        ScalingPolicyConfig.MaxCapacityBreachBehavior breach = n.choice("maxCapacityBreachBehavior", BREACH_BEHAVIORS,
                ScalingPolicyConfig.MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY);
        Integer maxBuffer = n.optInt("maxCapacityBuffer", 0, 100);
        if (breach == ScalingPolicyConfig.MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY && !n.has("maxCapacityBuffer")) {
            errors.add(n.at("maxCapacityBuffer"), "missing (expected: 0..100, required with maxCapacityBreachBehavior"
                    + " IncreaseMaxCapacity)");
        } else if (breach == ScalingPolicyConfig.MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY && n.has("maxCapacityBuffer")) {
            errors.add(n.at("maxCapacityBuffer"), "only allowed with maxCapacityBreachBehavior IncreaseMaxCapacity");
        }
        if (!specOk) {
            return null; // choice() reported a bad mode or behavior and gave the default
        }
        return new ScalingPolicyConfig.Predictive(name, pair, resourceLabel, target, mode,
                buffer == null ? 300 : buffer, breach,
                breach == ScalingPolicyConfig.MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY ? maxBuffer : null);
    }

    /**
     * A customized metric's {@code metrics} (AWS's metric data queries): each item a {@code metricStat} or an
     * {@code expression}, checked as AWS does (MetricMath.check); null when something is wrong (reported).
     */
    private List<MetricDataQuery> metricDataQueries(Node m) {
        List<JsonNode> items = m.list("metrics");
        if (m.raw("metrics").isArray() && items.isEmpty()) {
            errors.add(m.at("metrics"), "empty (expected: at least one metric)");
            return null;
        }
        List<MetricDataQuery> out = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        boolean ok = !items.isEmpty();
        for (int i = 0; i < items.size(); i++) {
            Node q = Node.open(errors, m.at("metrics") + "[" + i + "]", items.get(i),
                    "id", "metricStat", "expression", "label", "returnData");
            paths.add(q.path);
            if (!q.present()) {
                Node.reportEmptyItem(errors, q.path, items.get(i));
                ok = false;
                continue;
            }
            String id = q.reqStr("id");
            String expression = q.str("expression", null);
            String label = q.str("label", null);
            boolean returnData = q.bool("returnData", true);
            MetricStat stat = null;
            if (q.has("metricStat") == q.has("expression")) {
                errors.add(q.path, "expected exactly one of metricStat, expression");
                ok = false;
            } else if (q.has("metricStat")) {
                Node ms = q.obj("metricStat", "metric", "stat");
                Node metric = ms.obj("metric", "metricName", "namespace", "dimensions");
                if (ms.present() && !ms.has("metric")) {
                    ms.missing("metric");
                }
                String metricName = metric.present() ? metric.reqStr("metricName") : null;
                String namespace = metric.present() ? metric.str("namespace", null) : null;
                Map<String, String> dimensions = metric.present() ? metric.stringMap("dimensions") : Map.of();
                String st = ms.present() ? statistic(ms, "stat") : null;
                if (metricName == null || st == null) {
                    ok = false;
                } else {
                    stat = new MetricStat(metricName, namespace, dimensions, st);
                }
            }
            if (id == null || (expression == null && stat == null)) {
                ok = false;
                continue;
            }
            out.add(new MetricDataQuery(id, stat, expression, label, returnData));
        }
        if (!ok) {
            return null;
        }
        List<MetricMath.Problem> problems = MetricMath.check(out.stream()
                .map(q -> new MetricMath.Item(q.id(), q.expression(), q.returnData())).toList());
        for (MetricMath.Problem p : problems) {
            errors.add(p.index() < 0 ? m.at("metrics") : Node.child(paths.get(p.index()), p.key()), p.message());
        }
        return problems.isEmpty() ? out : null;
    }

    private String statistic(Node n) {
        return statistic(n, "statistic");
    }

    private String statistic(Node n, String key) {
        String s = n.reqStr(key);
        if (s != null && !STATISTICS.contains(s) && !PERCENTILE.matcher(s).matches()) {
            errors.add(n.at(key), quote(s) + " (expected: Sum | Average | Minimum | Maximum | SampleCount | pNN such as p99)");
            return null;
        }
        return s;
    }

    private AlarmConfig alarm(Node n) {
        if (!n.present()) {
            return null;
        }
        String metricName = n.reqStr("metricName");
        Map<String, String> dimensions = n.stringMap("dimensions");
        String statistic = statistic(n);
        Integer period = n.reqInt("periodSeconds", 1, 86400);
        Integer evaluationPeriods = n.reqInt("evaluationPeriods", 1, Integer.MAX_VALUE);
        Integer datapoints = null;
        if (evaluationPeriods != null) {
            datapoints = n.optInt("datapointsToAlarm", 1, evaluationPeriods);
            if (period != null && (long) period * evaluationPeriods > 86400) {
                errors.add(n.at("evaluationPeriods"), evaluationPeriods + " (expected: periodSeconds x evaluationPeriods "
                        + "at most 86400, one day)");
            }
        }
        Double threshold = n.reqDouble("threshold");
        ComparisonOperator op = null;
        if (!n.has("comparisonOperator")) {
            n.missing("comparisonOperator");
        } else {
            op = n.choice("comparisonOperator", COMPARISON_OPERATORS, null);
        }
        if (metricName == null || statistic == null || period == null || evaluationPeriods == null
                || threshold == null || op == null) {
            return null;
        }
        AlarmConfig.TreatMissingData missing = n.choice("treatMissingData", TREAT_MISSING_DATA,
                AlarmConfig.TreatMissingData.MISSING);
        return new AlarmConfig(metricName, dimensions, statistic, period, evaluationPeriods,
                datapoints == null ? evaluationPeriods : datapoints, threshold, op, missing);
    }

    /** AWS's step rules: no gaps or overlaps, at most one open lower and one open upper bound, never both open. */
    private List<StepAdjustment> stepAdjustments(Node n, AdjustmentType adjustmentType) {
        List<StepAdjustment> steps = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<JsonNode> items = n.list("stepAdjustments");
        if (!n.has("stepAdjustments")) {
            n.missing("stepAdjustments");
        } else if (n.raw("stepAdjustments").isArray() && items.isEmpty()) {
            errors.add(n.at("stepAdjustments"), "empty (expected: at least one step adjustment)");
        }
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Node s = Node.open(errors, n.at("stepAdjustments") + "[" + i + "]", items.get(i),
                    "metricIntervalLowerBound", "metricIntervalUpperBound", "scalingAdjustment");
            if (!s.present()) {
                Node.reportEmptyItem(errors, s.path, items.get(i));
                ok = false;
                continue;
            }
            Double lower = s.optDouble("metricIntervalLowerBound");
            Double upper = s.optDouble("metricIntervalUpperBound");
            Integer adjustment = s.reqInt("scalingAdjustment", Integer.MIN_VALUE, Integer.MAX_VALUE);
            if ((s.has("metricIntervalLowerBound") && lower == null) || (s.has("metricIntervalUpperBound") && upper == null)
                    || adjustment == null) {
                ok = false;
                continue;
            }
            if (adjustmentType == AdjustmentType.EXACT_CAPACITY && adjustment < 0) {
                errors.add(s.at("scalingAdjustment"), adjustment + " (expected: >= 0 for ExactCapacity)");
            }
            if (lower == null && upper == null) {
                errors.add(s.path, "has neither metricIntervalLowerBound nor metricIntervalUpperBound (expected: at least one)");
                ok = false;
                continue;
            }
            if (lower != null && upper != null && lower >= upper) {
                errors.add(s.at("metricIntervalUpperBound"), num(upper) + " (expected: greater than metricIntervalLowerBound "
                        + num(lower) + ")");
                ok = false;
                continue;
            }
            steps.add(new StepAdjustment(lower, upper, adjustment));
            paths.add(s.path);
        }
        if (!ok || steps.isEmpty()) {
            return steps;
        }
        String at = n.at("stepAdjustments");
        long openLower = steps.stream().filter(s -> s.metricIntervalLowerBound() == null).count();
        long openUpper = steps.stream().filter(s -> s.metricIntervalUpperBound() == null).count();
        if (openLower > 1) {
            errors.add(at, openLower + " steps without metricIntervalLowerBound (expected: at most one)");
        }
        if (openUpper > 1) {
            errors.add(at, openUpper + " steps without metricIntervalUpperBound (expected: at most one)");
        }
        boolean negative = steps.stream().anyMatch(s -> s.metricIntervalLowerBound() != null && s.metricIntervalLowerBound() < 0);
        boolean positive = steps.stream().anyMatch(s -> s.metricIntervalUpperBound() != null && s.metricIntervalUpperBound() > 0);
        if (negative && openLower == 0) {
            errors.add(at, "a step has a negative metricIntervalLowerBound (expected: also a step without metricIntervalLowerBound)");
        }
        if (positive && openUpper == 0) {
            errors.add(at, "a step has a positive metricIntervalUpperBound (expected: also a step without metricIntervalUpperBound)");
        }
        if (openLower > 1 || openUpper > 1) {
            return steps;
        }
        List<StepAdjustment> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingDouble(s -> s.metricIntervalLowerBound() == null
                ? Double.NEGATIVE_INFINITY : s.metricIntervalLowerBound()));
        for (int i = 1; i < sorted.size(); i++) {
            Double prevUpper = sorted.get(i - 1).metricIntervalUpperBound();
            Double lower = sorted.get(i).metricIntervalLowerBound();
            String p = paths.get(steps.indexOf(sorted.get(i)));
            if (prevUpper == null || lower == null || prevUpper > lower) {
                errors.add(p, "overlaps the step below it (expected: each metricIntervalLowerBound equal to the "
                        + "previous step's metricIntervalUpperBound)");
            } else if (prevUpper < lower) {
                errors.add(p + ".metricIntervalLowerBound", num(lower) + " leaves a gap after " + num(prevUpper)
                        + " (expected: " + num(prevUpper) + ")");
            }
        }
        return sorted;
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    // ------------------------------------------------------------------ lifecycle hooks

    private LifecycleHookConfig lifecycleHook(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "lifecycleTransition", "heartbeatTimeout", "defaultResult",
                "notificationMetadata");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, HOOK_NAME, "1-255 letters, digits and - _ /", names);
        LifecycleHookConfig.Transition transition = null;
        if (!n.has("lifecycleTransition")) {
            n.missing("lifecycleTransition");
        } else {
            transition = n.choice("lifecycleTransition", LIFECYCLE_TRANSITIONS, null);
        }
        int heartbeat = n.integer("heartbeatTimeout", 3600, 30, 7200);
        LifecycleHookConfig.Result result = n.choice("defaultResult", LIFECYCLE_RESULTS, LifecycleHookConfig.Result.ABANDON);
        String metadata = n.str("notificationMetadata", null);
        if (metadata != null && metadata.length() > 1023) {
            errors.add(n.at("notificationMetadata"), metadata.length() + " characters (expected: at most 1023)");
        }
        return new LifecycleHookConfig(name, transition, heartbeat, result, metadata);
    }

    // ------------------------------------------------------------------ scheduled actions

    private ScheduledActionConfig scheduledAction(String path, JsonNode value, Map<String, String> names) {
        Node n = Node.open(errors, path, value, "name", "recurrence", "timeZone", "startTime", "endTime", "minSize",
                "maxSize", "desiredCapacity");
        if (!n.present()) {
            Node.reportEmptyItem(errors, path, value);
            return null;
        }
        String name = uniqueName(n, ASG_NAME, "1-255 characters without :", names);
        String zoneName = n.str("timeZone", "UTC");
        ZoneId zone = ZoneOffset.UTC;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            errors.add(n.at("timeZone"), quote(zoneName) + " (expected: an IANA time zone such as UTC or Europe/Berlin)");
        }
        String recurrence = n.str("recurrence", null);
        if (recurrence != null) {
            try {
                Cron.parse(recurrence, zone);
            } catch (IllegalArgumentException e) {
                errors.add(n.at("recurrence"), e.getMessage());
            }
        }
        Instant start = time(n, "startTime", zone);
        Instant end = time(n, "endTime", zone);
        if (recurrence == null && !n.has("startTime")) {
            errors.add(path, "has neither recurrence nor startTime (expected: a 5-field cron recurrence or a one-time startTime)");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add(n.at("endTime"), quote(n.str("endTime", "")) + " (expected: after startTime)");
        }
        Integer min = n.optInt("minSize", 0, 10000);
        Integer max = n.optInt("maxSize", 0, 10000);
        Integer desired = n.optInt("desiredCapacity", 0, 10000);
        if (!n.has("minSize") && !n.has("maxSize") && !n.has("desiredCapacity")) {
            errors.add(path, "changes nothing (expected: at least one of minSize, maxSize, desiredCapacity)");
        }
        if (min != null && max != null && min > max) {
            errors.add(n.at("minSize"), min + " (expected: at most maxSize " + max + ")");
        }
        if (desired != null && ((min != null && desired < min) || (max != null && desired > max))) {
            errors.add(n.at("desiredCapacity"), desired + " (expected: between minSize and maxSize)");
        }
        return new ScheduledActionConfig(name, recurrence, zone.getId(), start, end, min, max, desired);
    }

    /** ISO-8601 with an offset ("2026-01-31T08:00:00Z"), or a local date-time read in {@code zone}. */
    private Instant time(Node n, String key, ZoneId zone) {
        String s = n.str(key, null);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException e) {
            try {
                return LocalDateTime.parse(s).atZone(zone).toInstant();
            } catch (DateTimeException e2) {
                errors.add(n.at(key), quote(s) + " (expected: ISO-8601 such as 2026-01-31T08:00:00Z)");
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** OLDEST_INSTANCE → OldestInstance, as AWS spells the names. */
    private static String pascal(Enum<?> e) {
        StringBuilder b = new StringBuilder();
        for (String part : e.name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... pairs) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (V) pairs[i + 1]);
        }
        return m;
    }
}
