package io.headroom.server.admin;

import static io.headroom.server.admin.Views.obj;

import com.fasterxml.jackson.databind.JsonNode;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.proxy.target.TargetGroup;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.HealthStatus;
import io.headroom.scaling.Instance;
import io.headroom.scaling.InstanceRefresh;
import io.headroom.scaling.RefreshPreferences;
import io.headroom.scaling.LifecycleAction;
import io.headroom.scaling.LifecycleState;
import io.headroom.scaling.PolicyExecution;
import io.headroom.scaling.ScalingProcess;
import io.headroom.server.HeadroomServer;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/** The {@code /api/v1} endpoints of docs/api.md. Handlers run on the admin server's own thread pool. */
final class ApiRoutes {
    private static final String V1 = "/api/v1";

    private final HeadroomServer server;
    private final Clock clock;
    private final Json json;
    private final Instant startedAt;
    private final AdminServer admin;

    ApiRoutes(HeadroomServer server, Clock clock, Json json, AdminServer admin) {
        this.server = server;
        this.clock = clock;
        this.json = json;
        this.admin = admin;
        this.startedAt = clock.instant();
    }

    void register(Javalin app) {
        app.get(V1 + "/status", ctx -> json.send(ctx, 200, status()));

        app.get(V1 + "/load-balancers", ctx -> json.send(ctx, 200,
                server.config().loadBalancers().stream().map(Views::loadBalancer).toList()));
        app.get(V1 + "/load-balancers/{name}", ctx -> json.send(ctx, 200, Views.loadBalancer(loadBalancer(ctx.pathParam("name")))));

        app.get(V1 + "/target-groups", ctx -> json.send(ctx, 200, server.config().targetGroups().stream()
                .map(c -> Views.targetGroup(c, server.targetGroups().get(c.name()))).toList()));
        app.get(V1 + "/target-groups/{name}", ctx -> {
            TargetGroupConfig c = targetGroupConfig(ctx.pathParam("name"));
            json.send(ctx, 200, Views.targetGroup(c, server.targetGroups().get(c.name())));
        });
        app.post(V1 + "/target-groups/{name}/targets", this::registerTarget);
        app.delete(V1 + "/target-groups/{name}/targets/{target}", this::deregisterTarget);

        app.get(V1 + "/auto-scaling-groups", ctx -> json.send(ctx, 200, server.controller().groups().stream()
                .map(g -> Views.group(g, groupConfig(g.name()), clock.instant())).toList()));
        app.get(V1 + "/auto-scaling-groups/{name}", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            json.send(ctx, 200, Views.group(g, groupConfig(g.name()), clock.instant()));
        });
        app.get(V1 + "/auto-scaling-groups/{name}/activities", this::activities);
        app.put(V1 + "/auto-scaling-groups/{name}/desired-capacity", this::setDesiredCapacity);
        app.put(V1 + "/auto-scaling-groups/{name}/instances/{id}/protection", this::setProtection);
        app.delete(V1 + "/auto-scaling-groups/{name}/instances/{id}", this::terminateInstance);
        app.post(V1 + "/auto-scaling-groups/{name}/instances/{id}/standby", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            String id = ctx.pathParam("id");
            boolean decrement = decrementDesiredCapacity(ctx);
            instance(g, id);
            json.send(ctx, 202, Views.activity(standbyCall(() -> g.enterStandby(id, decrement))));
        });
        app.delete(V1 + "/auto-scaling-groups/{name}/instances/{id}/standby", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            String id = ctx.pathParam("id");
            instance(g, id);
            json.send(ctx, 200, Views.activity(standbyCall(() -> g.exitStandby(id))));
        });
        app.put(V1 + "/auto-scaling-groups/{name}/instances/{id}/health", this::setInstanceHealth);
        app.post(V1 + "/auto-scaling-groups/{name}/detach-instances", this::detachInstances);
        app.post(V1 + "/auto-scaling-groups/{name}/attach-instances", this::attachInstances);
        app.post(V1 + "/auto-scaling-groups/{name}/execute-policy", this::executePolicy);
        app.get(V1 + "/instances", ctx -> json.send(ctx, 200, obj("instances", allInstances())));
        app.post(V1 + "/auto-scaling-groups/{name}/instance-refreshes", this::startInstanceRefresh);
        app.post(V1 + "/auto-scaling-groups/{name}/suspend-processes", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            g.suspendProcesses(scalingProcesses(ctx));
            json.send(ctx, 200, obj("suspendedProcesses", Views.suspendedProcesses(g)));
        });
        app.post(V1 + "/auto-scaling-groups/{name}/resume-processes", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            g.resumeProcesses(scalingProcesses(ctx));
            json.send(ctx, 200, obj("suspendedProcesses", Views.suspendedProcesses(g)));
        });
        app.get(V1 + "/auto-scaling-groups/{name}/instance-refreshes", ctx -> json.send(ctx, 200,
                obj("instanceRefreshes", group(ctx.pathParam("name")).instanceRefreshes().stream()
                        .map(Views::instanceRefresh).toList())));
        app.delete(V1 + "/auto-scaling-groups/{name}/instance-refreshes", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            try {
                json.send(ctx, 200, Views.instanceRefresh(g.cancelInstanceRefresh()));
            } catch (IllegalStateException e) {
                throw new ApiException(409, "ActiveInstanceRefreshNotFound", e.getMessage());
            }
        });
        app.post(V1 + "/auto-scaling-groups/{name}/rollback-instance-refresh", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            try {
                json.send(ctx, 200, Views.instanceRefresh(g.rollbackInstanceRefresh()));
            } catch (AutoScalingGroup.IrreversibleInstanceRefreshException e) {
                throw new ApiException(409, "IrreversibleInstanceRefresh", e.getMessage());
            } catch (IllegalStateException e) {
                throw new ApiException(409, "ActiveInstanceRefreshNotFound", e.getMessage());
            }
        });

        app.get(V1 + "/auto-scaling-groups/{name}/lifecycle-hooks", ctx -> json.send(ctx, 200,
                obj("lifecycleHooks", group(ctx.pathParam("name")).lifecycleHooks().stream().map(Views::lifecycleHook).toList())));
        app.get(V1 + "/auto-scaling-groups/{name}/lifecycle-actions", ctx -> json.send(ctx, 200,
                obj("lifecycleActions", group(ctx.pathParam("name")).lifecycleActions().stream().map(Views::lifecycleAction)
                        .toList())));
        app.post(V1 + "/auto-scaling-groups/{name}/complete-lifecycle-action", this::completeLifecycleAction);
        app.post(V1 + "/auto-scaling-groups/{name}/record-lifecycle-action-heartbeat", ctx -> {
            AutoScalingGroup g = group(ctx.pathParam("name"));
            JsonNode body = json.body(ctx);
            LifecycleAction a;
            try {
                a = g.recordLifecycleActionHeartbeat(text(body, "lifecycleHookName"), text(body, "instanceId"),
                        text(body, "lifecycleActionToken"));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(e.getMessage());
            }
            json.send(ctx, 200, Views.lifecycleAction(a));
        });

        app.post(V1 + "/reload", ctx -> {
            String errors = server.reload();
            if (errors != null) {
                throw new ApiException(400, "ConfigError", errors);
            }
            json.send(ctx, 200, obj("reloaded", true));
        });

        app.get(V1 + "/metrics", this::metrics);
        app.get(V1 + "/metrics/series", ctx -> json.send(ctx, 200, server.metrics().keys().stream()
                .sorted(Comparator.comparing(MetricKey::name).thenComparing(k -> k.dimensions().toString()))
                .map(k -> obj("name", k.name(), "dimensions", k.dimensions().asMap())).toList()));
    }

    // ---- lookups: unknown names are 404 naming what exists

    private LoadBalancerConfig loadBalancer(String name) {
        HeadroomConfig c = server.config();
        return c.loadBalancers().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no load balancer named '" + name + "' (load balancers: "
                        + c.loadBalancers().stream().map(LoadBalancerConfig::name).toList() + ")"));
    }

    private TargetGroupConfig targetGroupConfig(String name) {
        HeadroomConfig c = server.config();
        return c.targetGroup(name).orElseThrow(() -> ApiException.notFound("no target group named '" + name
                + "' (target groups: " + c.targetGroups().stream().map(TargetGroupConfig::name).toList() + ")"));
    }

    private TargetGroup targetGroup(String name) {
        targetGroupConfig(name);
        TargetGroup g = server.targetGroups().get(name);
        if (g == null) {
            throw ApiException.notFound("no target group named '" + name + "'");
        }
        return g;
    }

    private AutoScalingGroup group(String name) {
        try {
            return server.controller().group(name);
        } catch (NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private AutoScalingGroupConfig groupConfig(String name) {
        return server.config().autoScalingGroup(name).orElse(null);
    }

    private static Instance instance(AutoScalingGroup g, String id) {
        return g.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no instance '" + id + "' in auto scaling group '" + g.name() + "'"));
    }

    // ---- target groups

    private void registerTarget(Context ctx) {
        TargetGroup g = targetGroup(ctx.pathParam("name"));
        JsonNode body = json.body(ctx);
        JsonNode host = body.get("host");
        if (host == null || !host.isTextual() || host.asText().isBlank()) {
            throw ApiException.validation("host: missing (expected a host name or IP address string)");
        }
        JsonNode port = body.get("port");
        if (port == null || !port.isInt() || port.asInt() < 1 || port.asInt() > 65535) {
            throw ApiException.validation("port: " + (port == null ? "missing" : port.toString()) + " (expected: 1..65535)");
        }
        TargetAddress a = new TargetAddress(host.asText().strip(), port.asInt());
        server.runtimeTargets().register(g.name(), a); // persisted: comes back after a restart
        ctx.header("Location", V1 + "/target-groups/" + g.name() + "/targets/" + a);
        json.send(ctx, 201, Views.target(describe(g, a)));
    }

    private void deregisterTarget(Context ctx) {
        TargetGroup g = targetGroup(ctx.pathParam("name"));
        TargetAddress a = parseTarget(ctx.pathParam("target"));
        if (g.target(a) == null) {
            throw ApiException.notFound("target " + a + " is not registered in target group '" + g.name() + "'");
        }
        server.runtimeTargets().deregister(g.name(), a);
        TargetHealth h = describe(g, a);
        json.send(ctx, 202, Views.target(h));
    }

    private static TargetHealth describe(TargetGroup g, TargetAddress a) {
        return g.describe().stream().filter(t -> t.target().equals(a)).findFirst()
                .orElse(new TargetHealth(a, io.headroom.core.target.TargetState.UNUSED, "Target.NotRegistered",
                        "Target is not registered to the target group"));
    }

    /** {@code host:port} or {@code [v6]:port}. */
    static TargetAddress parseTarget(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw ApiException.validation("target: '" + s + "' (expected host:port, e.g. 127.0.0.1:9001)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ApiException.validation("target: '" + s + "' has a bad port (expected: 1..65535)");
        }
        return new TargetAddress(host, port);
    }

    // ---- auto scaling groups

    private void activities(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        int limit = 100;
        String l = ctx.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                throw ApiException.validation("limit: '" + l + "' (expected: 1..500)");
            }
        }
        List<Activity> all = g.activities();
        json.send(ctx, 200, all.subList(0, Math.min(limit, all.size())).stream().map(Views::activity).toList());
    }

    private void setDesiredCapacity(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        JsonNode n = json.body(ctx).get("desiredCapacity");
        if (n == null || !n.isInt()) {
            throw ApiException.validation("desiredCapacity: " + (n == null ? "missing" : n.toString())
                    + " (expected an integer within minSize..maxSize: " + g.minSize() + ".." + g.maxSize() + ")");
        }
        Activity a;
        try {
            a = g.setDesiredCapacity(n.asInt(), null);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        json.send(ctx, 200, Views.activity(a));
    }

    private void setProtection(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        String id = ctx.pathParam("id");
        instance(g, id);
        JsonNode p = json.body(ctx).get("protectedFromScaleIn");
        if (p == null || !p.isBoolean()) {
            throw ApiException.validation("protectedFromScaleIn: " + (p == null ? "missing" : p.toString())
                    + " (expected: true or false)");
        }
        try {
            g.setInstanceProtection(id, p.asBoolean());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        json.send(ctx, 200, Views.instance(instance(g, id)));
    }

    /** The required query parameter {@code decrementDesiredCapacity=true|false}. */
    private static boolean decrementDesiredCapacity(Context ctx) {
        String d = ctx.queryParam("decrementDesiredCapacity");
        if (d == null || !(d.equals("true") || d.equals("false"))) {
            throw ApiException.validation("decrementDesiredCapacity: " + (d == null ? "missing" : "'" + d + "'")
                    + " (expected: true or false)");
        }
        return Boolean.parseBoolean(d);
    }

    /** EnterStandby / ExitStandby: a wrong state is 409, a size limit 400. */
    private static Activity standbyCall(java.util.function.Supplier<Activity> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
    }

    private void terminateInstance(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        String id = ctx.pathParam("id");
        boolean decrement = decrementDesiredCapacity(ctx);
        Instance i = instance(g, id);
        if (!i.lifecycleState().isActive() && !i.lifecycleState().isStandby()) {
            throw ApiException.conflict("instance " + id + " of auto scaling group '" + g.name() + "' is already "
                    + i.lifecycleState());
        }
        Activity a;
        try {
            a = g.terminateInstance(id, decrement);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
        json.send(ctx, 202, Views.activity(a));
    }

    /**
     * AWS's SetInstanceHealth: {"healthStatus": "Healthy" | "Unhealthy", "shouldRespectGracePeriod": true (the default)}.
     * Answers the instance and, when the call was ignored (within the grace period), why.
     */
    private void setInstanceHealth(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        String id = ctx.pathParam("id");
        instance(g, id);
        JsonNode body = json.body(ctx);
        String status = text(body, "healthStatus");
        HealthStatus health = Arrays.stream(HealthStatus.values()).filter(h -> h.name().equals(status)).findFirst()
                .orElseThrow(() -> ApiException.validation("healthStatus: " + (status == null ? "missing" : "'" + status
                        + "'") + " (expected: Healthy or Unhealthy)"));
        JsonNode respect = body.get("shouldRespectGracePeriod");
        if (respect != null && !respect.isNull() && !respect.isBoolean()) {
            throw ApiException.validation("shouldRespectGracePeriod: " + respect + " (expected: true or false)");
        }
        String ignored;
        try {
            ignored = g.setInstanceHealth(id, health, respect == null || respect.isNull() || respect.asBoolean());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        json.send(ctx, 200, obj("instance", Views.instance(instance(g, id)), "ignored", ignored != null,
                "message", ignored));
    }

    /** AWS's DetachInstances: {"instanceIds": [...], "shouldDecrementDesiredCapacity": true | false} (both required). */
    private void detachInstances(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        JsonNode body = json.body(ctx);
        List<String> ids = instanceIds(body);
        JsonNode decrement = body.get("shouldDecrementDesiredCapacity");
        if (decrement == null || !decrement.isBoolean()) {
            throw ApiException.validation("shouldDecrementDesiredCapacity: " + (decrement == null ? "missing"
                    : decrement.toString()) + " (expected: true or false)");
        }
        List<Activity> activities;
        try {
            activities = g.detachInstances(ids, decrement.asBoolean());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
        json.send(ctx, 202, obj("activities", activities.stream().map(Views::activity).toList()));
    }

    /** AWS's AttachInstances: {"instanceIds": [...]}, detached instances of any group. */
    private void attachInstances(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        List<String> ids = instanceIds(json.body(ctx));
        List<Activity> activities;
        try {
            activities = server.controller().attachInstances(g.name(), ids);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
        json.send(ctx, 202, obj("activities", activities.stream().map(Views::activity).toList()));
    }

    /** The body's required {"instanceIds": ["i-...", ...]}. */
    private static List<String> instanceIds(JsonNode body) {
        JsonNode ids = body.get("instanceIds");
        List<String> out = new ArrayList<>();
        if (ids != null && ids.isArray()) {
            ids.forEach(i -> out.add(i.isTextual() && !i.asText().isBlank() ? i.asText() : null));
        }
        if (ids == null || !ids.isArray() || out.contains(null)) {
            throw ApiException.validation("instanceIds: " + (ids == null ? "missing" : ids.toString())
                    + " (expected a list of instance ids, e.g. [\"i-0123456789abcdef0\"])");
        }
        return out;
    }

    /**
     * AWS's ExecutePolicy: {"policyName", "honorCooldown": false (the default), "metricValue", "breachThreshold"} (the
     * last two for step policies, and required there).
     */
    private void executePolicy(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        JsonNode body = json.body(ctx);
        String policy = text(body, "policyName");
        if (policy == null || policy.isBlank()) {
            throw ApiException.validation("policyName: missing (expected the name of a SimpleScaling or StepScaling"
                    + " policy of auto scaling group '" + g.name() + "')");
        }
        JsonNode honor = body.get("honorCooldown");
        if (honor != null && !honor.isNull() && !honor.isBoolean()) {
            throw ApiException.validation("honorCooldown: " + honor + " (expected: true or false)");
        }
        PolicyExecution e;
        try {
            e = g.executePolicy(policy, honor != null && honor.asBoolean(), number(body, "metricValue"),
                    number(body, "breachThreshold"));
        } catch (IllegalStateException x) {
            throw ApiException.conflict(x.getMessage());
        } catch (IllegalArgumentException x) {
            throw ApiException.validation(x.getMessage());
        }
        json.send(ctx, 200, obj("policyName", e.policyName(), "executed", e.executed(),
                "desiredCapacity", e.toCapacity(), "previousDesiredCapacity", e.fromCapacity(),
                "activity", e.activity() == null ? null : Views.activity(e.activity()), "message", e.reason()));
    }

    /** A number field of a request body; null when absent. */
    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.validation(field + ": " + v + " (expected a number)");
        }
        return v.asDouble();
    }

    /** Every instance Headroom runs: the groups' (each with its group's name), then the detached ones. */
    private List<Map<String, Object>> allInstances() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AutoScalingGroup g : server.controller().groups()) {
            for (Instance i : g.instances()) {
                if (i.lifecycleState() != LifecycleState.Detached) { // listed below while it is detached
                    Map<String, Object> m = obj("autoScalingGroupName", g.name());
                    m.putAll(Views.instance(i));
                    out.add(m);
                }
            }
        }
        server.controller().detachedInstances().forEach(d -> out.add(Views.detachedInstance(d)));
        return out;
    }

    /** The body's optional {"scalingProcesses": [names]} (AWS's ScalingProcesses); missing or empty means all. */
    private List<ScalingProcess> scalingProcesses(Context ctx) {
        JsonNode names = ctx.body().isBlank() ? null : json.body(ctx).get("scalingProcesses");
        if (names == null || names.isNull()) {
            return List.of();
        }
        String valid = Arrays.stream(ScalingProcess.values()).map(Enum::name).collect(Collectors.joining(" | "));
        if (!names.isArray()) {
            throw ApiException.validation("scalingProcesses: " + names + " (expected a list of: " + valid + ")");
        }
        List<ScalingProcess> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            JsonNode n = names.get(i);
            ScalingProcess p = Arrays.stream(ScalingProcess.values()).filter(x -> n.isTextual() && x.name().equals(n.asText()))
                    .findFirst().orElse(null);
            if (p == null) {
                throw ApiException.validation("scalingProcesses[" + i + "]: " + n + " (expected: " + valid + ")");
            }
            out.add(p);
        }
        return out;
    }

    /**
     * AWS's CompleteLifecycleAction: {"lifecycleHookName", "instanceId" or "lifecycleActionToken",
     * "lifecycleActionResult": "CONTINUE" | "ABANDON"}; the hook's name may be left out when the instance waits on one.
     */
    private void completeLifecycleAction(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        JsonNode body = json.body(ctx);
        String result = text(body, "lifecycleActionResult");
        if (result == null || !(result.equals("CONTINUE") || result.equals("ABANDON"))) {
            throw ApiException.validation("lifecycleActionResult: " + (result == null ? "missing" : "'" + result + "'")
                    + " (expected: CONTINUE or ABANDON)");
        }
        LifecycleAction a;
        try {
            a = g.completeLifecycleAction(text(body, "lifecycleHookName"), text(body, "instanceId"),
                    text(body, "lifecycleActionToken"), LifecycleHookConfig.Result.valueOf(result));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
        json.send(ctx, 200, Views.lifecycleAction(a));
    }

    /** A string field of a request body; null when absent; anything but a string is a validation error. */
    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.validation(field + ": " + v + " (expected a string)");
        }
        return v.asText();
    }

    /**
     * AWS's StartInstanceRefresh: an optional body {"desiredConfiguration": {"launchTemplateVersion": "2"},
     * "preferences": {minHealthyPercentage, maxHealthyPercentage, instanceWarmup, skipMatching, checkpointPercentages,
     * checkpointDelay, autoRollback, alarmSpecification: {alarms}, scaleInProtectedInstances, standbyInstances}}.
     */
    private void startInstanceRefresh(Context ctx) {
        AutoScalingGroup g = group(ctx.pathParam("name"));
        JsonNode body = ctx.body().isBlank() ? null : json.body(ctx);
        JsonNode prefs = body == null ? null : body.get("preferences");
        if (prefs != null && !prefs.isObject()) {
            throw ApiException.validation("preferences: " + prefs + " (expected an object with minHealthyPercentage,"
                    + " instanceWarmup, skipMatching, ...)");
        }
        String desired = desiredLaunchTemplateVersion(body == null ? null : body.get("desiredConfiguration"));
        JsonNode min = prefs == null ? null : prefs.get("minHealthyPercentage");
        JsonNode max = prefs == null ? null : prefs.get("maxHealthyPercentage");
        JsonNode warmup = prefs == null ? null : prefs.get("instanceWarmup");
        JsonNode checkpoints = prefs == null ? null : prefs.get("checkpointPercentages");
        JsonNode delay = prefs == null ? null : prefs.get("checkpointDelay");
        if (min != null && !min.isInt()) {
            throw ApiException.validation("preferences.minHealthyPercentage: " + min + " (expected an integer 0..100)");
        }
        if (max != null && !max.isInt()) {
            throw ApiException.validation("preferences.maxHealthyPercentage: " + max + " (expected an integer 100..200)");
        }
        if (warmup != null && !warmup.isInt()) {
            throw ApiException.validation("preferences.instanceWarmup: " + warmup + " (expected seconds, 0..3600)");
        }
        List<Integer> checkpointPercentages = new ArrayList<>();
        if (checkpoints != null) {
            if (!checkpoints.isArray()) {
                throw ApiException.validation("preferences.checkpointPercentages: " + checkpoints
                        + " (expected a list of percentages like [20, 50, 100])");
            }
            for (JsonNode cp : checkpoints) {
                if (!cp.isInt()) {
                    throw ApiException.validation("preferences.checkpointPercentages: " + checkpoints
                            + " (expected integers 1..100)");
                }
                checkpointPercentages.add(cp.asInt());
            }
        }
        if (delay != null && !delay.isInt()) {
            throw ApiException.validation("preferences.checkpointDelay: " + delay + " (expected seconds, 0..172800)");
        }
        RefreshPreferences p = new RefreshPreferences(min == null ? null : min.asInt(), max == null ? null : max.asInt(), warmup == null ? null : warmup.asInt(), flag(prefs, "skipMatching"),
                checkpointPercentages, delay == null ? null : delay.asInt(), flag(prefs, "autoRollback"),
                alarmNames(prefs == null ? null : prefs.get("alarmSpecification")),
                choice(prefs, "scaleInProtectedInstances", RefreshPreferences.ScaleInProtectedInstances.class),
                choice(prefs, "standbyInstances", RefreshPreferences.StandbyInstances.class));
        InstanceRefresh r;
        try {
            r = g.startInstanceRefresh(desired, p);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw ApiException.validation(m.startsWith("desiredConfiguration.") ? m : "preferences." + m);
        } catch (IllegalStateException e) {
            throw new ApiException(409, g.instanceRefreshes().stream().anyMatch(x -> x.status().isActive())
                    ? "InstanceRefreshInProgress" : "Conflict", e.getMessage());
        }
        json.send(ctx, 201, Views.instanceRefresh(r));
    }

    /** AWS's DesiredConfiguration: {"launchTemplateVersion": "2" | "$Latest" | "$Default"} (a number is taken too). */
    private static String desiredLaunchTemplateVersion(JsonNode desired) {
        if (desired == null || desired.isNull()) {
            return null;
        }
        JsonNode v = desired.isObject() ? desired.get("launchTemplateVersion") : null;
        if (v == null || !(v.isTextual() || v.isInt())) {
            throw ApiException.validation("desiredConfiguration: " + desired + " (expected {\"launchTemplateVersion\":"
                    + " \"2\"}, a version number, $Latest or $Default)");
        }
        return v.asText();
    }

    /** A boolean preference; false when absent. */
    private static boolean flag(JsonNode prefs, String field) {
        JsonNode v = prefs == null ? null : prefs.get(field);
        if (v != null && !v.isBoolean()) {
            throw ApiException.validation("preferences." + field + ": " + v + " (expected: true or false)");
        }
        return v != null && v.asBoolean();
    }

    /** AWS's AlarmSpecification: {"alarms": ["name", ...]}; none when absent. */
    private static List<String> alarmNames(JsonNode spec) {
        if (spec == null || spec.isNull()) {
            return List.of();
        }
        JsonNode alarms = spec.isObject() ? spec.get("alarms") : null;
        List<String> names = new ArrayList<>();
        if (alarms != null && alarms.isArray()) {
            alarms.forEach(a -> names.add(a.isTextual() ? a.asText() : null));
        }
        if (alarms == null || !alarms.isArray() || names.contains(null)) {
            throw ApiException.validation("preferences.alarmSpecification: " + spec + " (expected {\"alarms\":"
                    + " [\"alarm name\", ...]})");
        }
        return names;
    }

    /** An enum preference spelled as AWS spells it; null (the default) when absent. */
    private static <E extends Enum<E>> E choice(JsonNode prefs, String field, Class<E> type) {
        JsonNode v = prefs == null ? null : prefs.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (v.isTextual() && e.name().equals(v.asText())) {
                return e;
            }
        }
        throw ApiException.validation("preferences." + field + ": " + v + " (expected one of: " + Arrays.stream(
                type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }

    // ---- metrics

    private void metrics(Context ctx) {
        Instant now = clock.instant();
        MetricQuery q = MetricQuery.parse(ctx.queryParam("name"), ctx.queryParam("dimensions"), ctx.queryParam("start"),
                ctx.queryParam("end"), ctx.queryParam("period"), ctx.queryParam("statistic"), now);
        List<Datapoint> points = server.metrics().query(q.key(), q.start(), q.end(), q.period(), q.statistic());
        json.send(ctx, 200, obj("name", q.key().name(),
                "dimensions", q.key().dimensions().asMap(),
                "statistic", q.statistic().toString(),
                "period", q.period(),
                "start", q.start(),
                "end", q.end(),
                "datapoints", points.stream().map(p -> obj("timestamp", p.timestamp(), "value", p.value(),
                        "sampleCount", p.sampleCount())).toList()));
    }

    // ---- status

    private Map<String, Object> status() {
        Instant now = clock.instant();
        HeadroomConfig c = server.config();
        List<Map<String, Object>> lbs = new ArrayList<>();
        for (LoadBalancerConfig lb : c.loadBalancers()) {
            double requests = server.metrics().aggregate(MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", lb.name())),
                    now.minusSeconds(60), now, Statistic.SUM).orElse(0);
            lbs.add(obj("name", lb.name(), "type", Views.lower(lb.type()),
                    "listeners", lb.listeners().stream().map(l -> obj("address", l.address(), "port", l.port(),
                            "protocol", l.protocol().name())).toList(),
                    "requestsPerSecond", requests / 60.0));
        }
        List<Map<String, Object>> tgs = new ArrayList<>();
        for (TargetGroupConfig tg : c.targetGroups()) {
            TargetGroup g = server.targetGroups().get(tg.name());
            tgs.add(obj("name", tg.name(), "healthyCount", g == null ? 0 : g.healthyCount(),
                    "totalCount", g == null ? 0 : g.describe().size()));
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        List<Activity> activities = new ArrayList<>();
        for (AutoScalingGroup g : server.controller().groups()) {
            Map<String, Object> m = obj("name", g.name(), "minSize", g.minSize(), "maxSize", g.maxSize(),
                    "desiredCapacity", g.desiredCapacity());
            m.putAll(Views.counts(g.instances()));
            AutoScalingGroupConfig gc = c.autoScalingGroups().stream().filter(x -> x.name().equals(g.name())).findFirst()
                    .orElse(null);
            m.put("warmPool", gc == null || gc.warmPool() == null ? null : Views.warmPool(gc.warmPool(), g, g.instances()));
            m.put("alarmsInAlarm", g.alarms().stream().filter(a -> a.state() == io.headroom.core.alarm.AlarmState.ALARM).count());
            m.put("forecasts", g.forecasts().stream().map(Views::forecastSummary).toList());
            m.put("suspendedProcesses", g.suspendedProcesses().keySet().stream().map(Enum::name).toList());
            m.put("instanceRefresh", g.instanceRefreshes().stream().filter(r -> r.status().isActive()).findFirst()
                    .map(Views::instanceRefresh).orElse(null));
            groups.add(m);
            List<Activity> newest = g.activities();
            activities.addAll(newest.subList(0, Math.min(5, newest.size())));
        }
        activities.sort(Comparator.comparing(Activity::startTime).reversed());
        return obj("version", AdminServer.VERSION,
                "startedAt", startedAt,
                "uptimeSeconds", Duration.between(startedAt, now).getSeconds(),
                "ready", admin.state() == AdminServer.State.READY,
                "config", server.source().toString(),
                "state", obj("file", String.valueOf(server.state().status().file()),
                        "persisting", server.state().status().persisting(),
                        "problem", server.state().status().problem()),
                "loadBalancers", lbs,
                "targetGroups", tgs,
                "autoScalingGroups", groups,
                "detachedInstances", server.controller().detachedInstances().stream().map(Views::detachedInstance).toList(),
                "recentActivities", activities.subList(0, Math.min(5, activities.size())).stream().map(Views::activity).toList());
    }
}
