package io.headroom.server.admin;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.AlarmConfig;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.RuleConfig;
import io.headroom.core.config.RuleTransformConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScheduledActionConfig;
import io.headroom.core.config.StickinessConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.core.config.WarmPoolConfig;
import io.headroom.core.scaling.Forecast;
import io.headroom.core.scaling.ScheduledAction;
import io.headroom.core.target.TargetHealth;
import io.headroom.proxy.target.TargetGroup;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.DetachedInstance;
import io.headroom.scaling.Instance;
import io.headroom.scaling.InstanceRefresh;
import io.headroom.scaling.LifecycleAction;
import io.headroom.scaling.LifecycleState;
import io.headroom.scaling.PolicyAlarm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The JSON shapes of docs/api.md, built from the config records and run-time snapshots. Every field is present
 * (null when it does not apply); enum values are spelled as in the config file.
 */
final class Views {
    private Views() {}

    /** An ordered JSON object from key/value pairs; values may be null. */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- load balancers

    static Map<String, Object> loadBalancer(LoadBalancerConfig lb) {
        return obj("name", lb.name(),
                "type", lower(lb.type()),
                "idleTimeoutSeconds", lb.idleTimeoutSeconds(),
                "desyncMitigationMode", lower(lb.desyncMitigationMode()),
                "xffHeaderProcessingMode", lower(lb.xffHeaderProcessingMode()),
                "xffClientPortEnabled", lb.xffClientPortEnabled(),
                "xAmznTlsVersionAndCipherSuiteEnabled", lb.xAmznTlsVersionAndCipherSuiteEnabled(),
                "dropInvalidHeaderFieldsEnabled", lb.dropInvalidHeaderFieldsEnabled(),
                "preserveHostHeaderEnabled", lb.preserveHostHeaderEnabled(),
                "http2Enabled", lb.http2Enabled(),
                "clientKeepAliveSeconds", lb.clientKeepAliveSeconds(),
                "accessLog", obj("enabled", lb.accessLog().enabled(), "format", lower(lb.accessLog().format()),
                        "path", lb.accessLog().path()),
                "connectionLog", obj("enabled", lb.connectionLog().enabled(), "path", lb.connectionLog().path()),
                "listeners", lb.listeners().stream().map(Views::listener).toList());
    }

    static Map<String, Object> listener(ListenerConfig l) {
        List<RuleConfig> rules = new ArrayList<>(l.rules());
        rules.sort((a, b) -> Integer.compare(a.priority(), b.priority()));
        return obj("address", l.address(),
                "port", l.port(),
                "protocol", l.protocol().name(),
                "mutualAuthentication", obj("mode", lower(l.mutualAuthentication().mode()),
                        "caCertificatesBundle", l.mutualAuthentication().caCertificatesBundle(),
                        "revocationLists", l.mutualAuthentication().revocationLists(),
                        "ignoreClientCertificateExpiry", l.mutualAuthentication().ignoreClientCertificateExpiry(),
                        "advertiseTrustStoreCaNames", l.mutualAuthentication().advertiseTrustStoreCaNames()),
                "responseHeaders", l.responseHeaders(),
                "requestHeaderNames", l.requestHeaderNames(),
                "defaultAction", action(l.defaultAction()),
                "rules", rules.stream().map(r -> obj("priority", r.priority(),
                        "conditions", conditions(r.conditions()),
                        "action", action(r.action()),
                        "transforms", r.transforms().stream().map(Views::transform).toList())).toList());
    }

    /** As AWS's RuleTransform: the type and its one rewrite under the type's config key. */
    static Map<String, Object> transform(RuleTransformConfig t) {
        return obj("type", t.type().awsName(),
                t.type().configKey(), obj("rewrites", List.of(obj("regex", t.regex(), "replace", t.replace()))));
    }

    static Map<String, Object> conditions(ConditionsConfig c) {
        // A condition with regex values reads as it is written in the config: { regexValues: [...] }.
        return obj("hostHeader", c.hostHeaderRegex().isEmpty() ? c.hostHeader() : obj("regexValues", c.hostHeaderRegex()),
                "pathPattern", c.pathPatternRegex().isEmpty() ? c.pathPattern() : obj("regexValues", c.pathPatternRegex()),
                "httpHeader", c.httpHeader().stream().map(h -> h.regexValues().isEmpty()
                        ? obj("name", h.name(), "values", h.values())
                        : obj("name", h.name(), "regexValues", h.regexValues())).toList(),
                "httpRequestMethod", c.httpRequestMethod(),
                "queryString", c.queryString().stream().map(q -> obj("key", q.key(), "value", q.value())).toList(),
                "sourceIp", c.sourceIp());
    }

    static Map<String, Object> action(ActionConfig a) {
        if (a instanceof ActionConfig.Forward f) {
            return obj("type", "forward", "forward", obj(
                    "targetGroups", f.targetGroups().stream().map(t -> obj("name", t.name(), "weight", t.weight())).toList(),
                    "stickiness", obj("enabled", f.stickiness().enabled(), "durationSeconds", f.stickiness().durationSeconds())));
        }
        if (a instanceof ActionConfig.Redirect r) {
            return obj("type", "redirect", "redirect", obj(
                    "protocol", orDefault(r.protocol(), "#{protocol}"),
                    "host", orDefault(r.host(), "#{host}"),
                    "port", orDefault(r.port(), "#{port}"),
                    "path", orDefault(r.path(), "/#{path}"),
                    "query", orDefault(r.query(), "#{query}"),
                    "statusCode", "HTTP_" + r.statusCode()));
        }
        ActionConfig.FixedResponse f = (ActionConfig.FixedResponse) a;
        return obj("type", "fixed-response", "fixedResponse", obj(
                "statusCode", f.statusCode(), "contentType", f.contentType(), "messageBody", f.messageBody()));
    }

    // ---- target groups

    static Map<String, Object> targetGroup(TargetGroupConfig c, TargetGroup g) {
        List<TargetHealth> targets = g == null ? List.of() : g.describe();
        HealthCheckConfig h = c.healthCheck();
        StickinessConfig s = c.stickiness();
        return obj("name", c.name(),
                "protocol", c.protocol().name(),
                "protocolVersion", c.protocolVersion(),
                "algorithm", lower(c.algorithm()),
                "healthCheck", obj("protocol", h.protocol().name(),
                        "path", h.path(),
                        "port", h.port() == 0 ? "traffic-port" : h.port(),
                        "intervalSeconds", h.intervalSeconds(),
                        "timeoutSeconds", h.timeoutSeconds(),
                        "healthyThreshold", h.healthyThreshold(),
                        "unhealthyThreshold", h.unhealthyThreshold(),
                        "matcher", h.matcher() == null ? null : h.matcher().spec(),
                        // AWS's Matcher: gRPC status codes for GRPC groups, HTTP status codes otherwise.
                        "matcherCodes", h.matcher() == null ? null
                                : h.protocolVersion() == HealthCheckConfig.ProtocolVersion.GRPC ? "grpcCode" : "httpCode"),
                "deregistrationDelaySeconds", c.deregistrationDelaySeconds(),
                "slowStartSeconds", c.slowStartSeconds(),
                "anomalyMitigation", c.anomalyMitigation() ? "on" : "off",
                "targetGroupHealth", obj("unhealthyStateRouting", obj(
                        "minimumHealthyTargetsCount", c.unhealthyStateRouting().minimumHealthyTargetsCount(),
                        "minimumHealthyTargetsPercentage", c.unhealthyStateRouting().percentageValue(),
                        // Whether routing failover is in effect now (a group not running yet has no targets).
                        "failOpen", g != null && g.failOpen())),
                "stickiness", s.type() == StickinessConfig.Type.SOURCE_IP
                        ? obj("enabled", s.enabled(), "type", lower(s.type()))
                        : obj("enabled", s.enabled(), "type", lower(s.type()),
                                "durationSeconds", s.durationSeconds(), "cookieName", s.cookieName()),
                // NLB's target_health_state.unhealthy.* and deregistration_delay.connection_termination.enabled.
                "targetHealthState", c.protocol().network() ? obj("unhealthy", obj(
                        "connectionTermination", c.targetHealthState().connectionTermination(),
                        "drainingIntervalSeconds", c.targetHealthState().drainingIntervalSeconds())) : null,
                "deregistrationDelayConnectionTermination", c.protocol().network()
                        ? c.deregistrationDelayConnectionTermination() : null,
                "healthyCount", g == null ? 0 : g.healthyCount(),
                "unhealthyCount", g == null ? 0 : g.unhealthyCount(),
                "anomalousCount", g == null ? 0 : g.anomalousCount(),
                "mitigatedCount", g == null ? 0 : g.mitigatedCount(),
                "totalCount", targets.size(),
                "targets", targets.stream().map(Views::target).toList());
    }

    static Map<String, Object> target(TargetHealth t) {
        return obj("id", t.target().toString(),
                "host", t.target().host(),
                "port", t.target().port(),
                "state", t.state().toString(),
                "reason", t.reason(),
                "description", t.description(),
                "anomalyDetection", obj("result", t.anomalyDetection().result().toString(),
                        "mitigationInEffect", t.anomalyDetection().mitigationInEffectText()));
    }

    // ---- auto scaling groups

    static Map<String, Object> group(AutoScalingGroup g, AutoScalingGroupConfig c, Instant now) {
        List<Instance> instances = g.instances();
        Map<String, Object> m = obj("name", g.name(),
                "launchTemplate", c == null ? null : obj("name", c.launchTemplateName(), "version", g.launchTemplateVersion()),
                "minSize", g.minSize(),
                "maxSize", g.maxSize(),
                "desiredCapacity", g.desiredCapacity());
        m.putAll(counts(instances));
        m.putAll(obj("availabilityZones", c == null ? List.of() : c.availabilityZones(),
                "targetGroups", c == null ? List.of() : c.targetGroups(),
                "healthCheckType", c == null ? null : c.healthCheckType().name(),
                "healthCheckGracePeriodSeconds", c == null ? null : c.healthCheckGracePeriodSeconds(),
                "defaultInstanceWarmupSeconds", c == null ? null : c.defaultInstanceWarmupSeconds(),
                "defaultCooldownSeconds", c == null ? null : c.defaultCooldownSeconds(),
                "maxInstanceLifetime", c == null || c.maxInstanceLifetime() == 0 ? null : c.maxInstanceLifetime(),
                "instanceMaintenancePolicy", c == null || c.instanceMaintenancePolicy() == null ? null
                        : obj("minHealthyPercentage", c.instanceMaintenancePolicy().minHealthyPercentage(),
                                "maxHealthyPercentage", c.instanceMaintenancePolicy().maxHealthyPercentage()),
                "instances", instances.stream().map(Views::instance).toList(),
                "policies", c == null ? List.of() : c.policies().stream().map(Views::policy).toList(),
                "alarms", g.alarms().stream().map(Views::alarm).toList(),
                "forecasts", g.forecasts().stream().map(Views::forecast).toList(),
                "instanceRefresh", g.instanceRefreshes().stream().findFirst().map(Views::instanceRefresh).orElse(null),
                "suspendedProcesses", suspendedProcesses(g),
                "warmPool", c == null || c.warmPool() == null ? null : warmPool(c.warmPool(), g, instances),
                "lifecycleHooks", g.lifecycleHooks().stream().map(Views::lifecycleHook).toList(),
                "lifecycleActions", g.lifecycleActions().stream().map(Views::lifecycleAction).toList(),
                "scheduledActions", c == null ? List.of() : c.scheduledActions().stream().map(s -> scheduled(s, now)).toList()));
        return m;
    }

    /** inService / pending / terminating / standby, as the group's metrics count them. */
    static Map<String, Object> counts(List<Instance> instances) {
        int inService = 0;
        int pending = 0;
        int terminating = 0;
        int standby = 0;
        for (Instance i : instances) {
            if (i.lifecycleState() == LifecycleState.InService) {
                inService++;
            } else if (i.lifecycleState().isPending()) {
                pending++;
            } else if (i.lifecycleState().isTerminating()) {
                terminating++;
            } else if (i.lifecycleState().isStandby()) {
                standby++;
            }
        }
        return obj("inService", inService, "pending", pending, "terminating", terminating, "standby", standby);
    }

    static Map<String, Object> instance(Instance i) {
        return obj("instanceId", i.instanceId(),
                "lifecycleState", i.lifecycleState().toString(),
                "healthStatus", i.healthStatus().name(),
                "availabilityZone", i.availabilityZone(),
                "launchTemplateVersion", i.launchTemplateVersion(),
                "launchTime", i.launchTime(),
                "protectedFromScaleIn", i.protectedFromScaleIn(),
                "host", i.host(),
                "port", i.port(),
                "replacing", i.replacing());
    }

    /** A detached instance, shaped as {@link #instance} with no group: lifecycleState Detached, and where it came from. */
    static Map<String, Object> detachedInstance(DetachedInstance d) {
        return obj("autoScalingGroupName", null,
                "instanceId", d.instanceId(),
                "lifecycleState", LifecycleState.Detached.toString(),
                "healthStatus", null,
                "availabilityZone", d.availabilityZone(),
                "launchTemplateVersion", d.launchTemplateVersion(),
                "launchTime", d.launchTime(),
                "protectedFromScaleIn", false,
                "host", d.host(),
                "port", d.port(),
                "replacing", false,
                "detachedFrom", d.detachedFrom(),
                "detachedTime", d.detachedTime());
    }

    /** AWS's SuspendedProcesses of DescribeAutoScalingGroups: processName and suspensionReason. */
    static List<Map<String, Object>> suspendedProcesses(AutoScalingGroup g) {
        return g.suspendedProcesses().entrySet().stream()
                .map(e -> obj("processName", e.getKey().name(), "suspensionReason", e.getValue())).toList();
    }

    /** AWS's DescribeInstanceRefreshes item, with the preferences Headroom takes. */
    static Map<String, Object> instanceRefresh(InstanceRefresh r) {
        InstanceRefresh.RollbackDetails rb = r.rollbackDetails();
        return obj("instanceRefreshId", r.instanceRefreshId(),
                "status", r.status().name(),
                "statusReason", r.statusReason(),
                "startTime", r.startTime(),
                "endTime", r.endTime(),
                "percentageComplete", r.percentageComplete(),
                "instancesToUpdate", r.instancesToUpdate(),
                "launchTemplateVersion", r.launchTemplateVersion(),
                "desiredConfiguration", r.desiredLaunchTemplateVersion() == null ? null
                        : obj("launchTemplateVersion", r.desiredLaunchTemplateVersion()),
                "rollbackLaunchTemplateVersion", r.rollbackLaunchTemplateVersion(),
                "rollbackDetails", rb == null ? null : obj("rollbackReason", rb.rollbackReason(),
                        "rollbackStartTime", rb.rollbackStartTime(),
                        "percentageCompleteOnRollback", rb.percentageCompleteOnRollback(),
                        "instancesToUpdateOnRollback", rb.instancesToUpdateOnRollback()),
                "preferences", obj("minHealthyPercentage", r.minHealthyPercentage(),
                        "maxHealthyPercentage", r.maxHealthyPercentage(),
                        "instanceWarmup", r.instanceWarmupSeconds(),
                        "skipMatching", r.skipMatching(),
                        "checkpointPercentages", r.checkpointPercentages(),
                        "checkpointDelay", r.checkpointPercentages().isEmpty() ? null : r.checkpointDelay(),
                        "autoRollback", r.autoRollback(),
                        "alarmSpecification", r.alarms().isEmpty() ? null : obj("alarms", r.alarms()),
                        "scaleInProtectedInstances", r.scaleInProtectedInstances().name(),
                        "standbyInstances", r.standbyInstances().name()));
    }

    /** AWS's DescribeWarmPool: the configuration, the pool's size now, and how many instances it holds. */
    static Map<String, Object> warmPool(WarmPoolConfig p, AutoScalingGroup g, List<Instance> instances) {
        long warmed = instances.stream().filter(i -> i.lifecycleState().isWarmed()).count();
        long pending = instances.stream().filter(i -> i.lifecycleState().isWarm() && !i.lifecycleState().isWarmed()).count();
        return obj("minSize", p.minSize(),
                "maxGroupPreparedCapacity", p.maxGroupPreparedCapacity(),
                "poolState", p.poolState().name(),
                "instanceReusePolicy", obj("reuseOnScaleIn", p.reuseOnScaleIn()),
                "desiredCapacity", p.size(g.desiredCapacity(), g.maxSize()),
                "warmed", warmed,
                "pending", pending);
    }

    static Map<String, Object> lifecycleHook(LifecycleHookConfig h) {
        return obj("lifecycleHookName", h.name(),
                "lifecycleTransition", h.lifecycleTransition().toString(),
                "heartbeatTimeout", h.heartbeatTimeout(),
                "globalTimeout", Math.min(48 * 3600, 100 * h.heartbeatTimeout()),
                "defaultResult", h.defaultResult().name(),
                "notificationMetadata", h.notificationMetadata());
    }

    static Map<String, Object> lifecycleAction(LifecycleAction a) {
        return obj("lifecycleActionToken", a.lifecycleActionToken(),
                "autoScalingGroupName", a.groupName(),
                "lifecycleHookName", a.lifecycleHookName(),
                "instanceId", a.instanceId(),
                "lifecycleTransition", a.lifecycleTransition(),
                "notificationMetadata", a.notificationMetadata(),
                "startTime", a.startTime(),
                "heartbeatTimeoutTime", a.heartbeatTimeoutTime(),
                "globalTimeoutTime", a.globalTimeoutTime(),
                "host", a.host(),
                "port", a.port() == 0 ? null : a.port());
    }

    static Map<String, Object> activity(Activity a) {
        return obj("activityId", a.activityId(),
                "groupName", a.groupName(),
                "description", a.description(),
                "cause", a.cause(),
                "startTime", a.startTime(),
                "endTime", a.endTime(),
                "statusCode", a.statusCode(),
                "statusMessage", a.statusMessage(),
                "progress", a.progress());
    }

    static Map<String, Object> alarm(PolicyAlarm a) {
        return obj("policyName", a.policyName(),
                "name", a.alarmName(),
                "condition", a.condition(),
                "state", a.state().name(),
                "reason", a.stateReason(),
                "since", a.stateSince());
    }

    static Map<String, Object> scheduled(ScheduledActionConfig s, Instant now) {
        Instant next;
        try {
            next = ScheduledAction.of(s).nextFireAfter(now).orElse(null);
        } catch (RuntimeException e) {
            next = null; // validated at load; never expected here
        }
        return obj("name", s.name(),
                "recurrence", s.recurrence(),
                "timeZone", s.timeZone() == null ? "UTC" : s.timeZone(),
                "startTime", s.startTime(),
                "endTime", s.endTime(),
                "minSize", s.minSize(),
                "maxSize", s.maxSize(),
                "desiredCapacity", s.desiredCapacity(),
                "nextRun", next);
    }

    static Map<String, Object> policy(ScalingPolicyConfig p) {
        if (p instanceof ScalingPolicyConfig.TargetTracking t) {
            return obj("name", t.name(), "policyType", "TargetTrackingScaling",
                    "targetTrackingConfiguration", obj(
                            "predefinedMetricType", t.predefinedMetricType() == null ? null : predefined(t.predefinedMetricType()),
                            "resourceLabel", t.resourceLabel(),
                            "customizedMetric", customizedMetric(t.customizedMetric()),
                            "targetValue", t.targetValue(),
                            "disableScaleIn", t.disableScaleIn()),
                    "estimatedInstanceWarmupSeconds", t.estimatedInstanceWarmupSeconds());
        }
        if (p instanceof ScalingPolicyConfig.Step s) {
            return obj("name", s.name(), "policyType", "StepScaling",
                    "adjustmentType", pascal(s.adjustmentType()),
                    "metricAggregationType", s.metricAggregationType(),
                    "stepAdjustments", s.stepAdjustments().stream().map(a -> obj(
                            "metricIntervalLowerBound", a.metricIntervalLowerBound(),
                            "metricIntervalUpperBound", a.metricIntervalUpperBound(),
                            "scalingAdjustment", a.scalingAdjustment())).toList(),
                    "minAdjustmentMagnitude", s.minAdjustmentMagnitude(),
                    "estimatedInstanceWarmupSeconds", s.estimatedInstanceWarmupSeconds(),
                    "alarm", alarmConfig(s.alarm()));
        }
        if (p instanceof ScalingPolicyConfig.Predictive f) {
            return obj("name", f.name(), "policyType", "PredictiveScaling",
                    "predictiveScalingConfiguration", obj(
                            "metricSpecifications", List.of(obj("targetValue", f.targetValue(),
                                    "predefinedMetricPairSpecification", obj(
                                            "predefinedMetricType", pair(f.metricPair()),
                                            "resourceLabel", f.resourceLabel()))),
                            "mode", pascal(f.mode()),
                            "schedulingBufferTime", f.schedulingBufferTimeSeconds(),
                            "maxCapacityBreachBehavior", pascal(f.maxCapacityBreachBehavior()),
                            "maxCapacityBuffer", f.maxCapacityBuffer()));
        }
        ScalingPolicyConfig.Simple s = (ScalingPolicyConfig.Simple) p;
        return obj("name", s.name(), "policyType", "SimpleScaling",
                "adjustmentType", pascal(s.adjustmentType()),
                "scalingAdjustment", s.scalingAdjustment(),
                "minAdjustmentMagnitude", s.minAdjustmentMagnitude(),
                "cooldownSeconds", s.cooldownSeconds(),
                "alarm", alarmConfig(s.alarm()));
    }

    /** A customized metric as configured: one metric, or AWS's {@code metrics} (metric data queries). */
    private static Map<String, Object> customizedMetric(ScalingPolicyConfig.MetricSpec m) {
        if (m == null) {
            return null;
        }
        if (!m.isMath()) {
            return obj("metricName", m.metricName(), "dimensions", m.dimensions(), "statistic", m.statistic());
        }
        return obj("metrics", m.metrics().stream().map(q -> obj(
                "id", q.id(),
                "metricStat", q.metricStat() == null ? null : obj(
                        "metric", obj("metricName", q.metricStat().metricName(),
                                "namespace", q.metricStat().namespace(),
                                "dimensions", q.metricStat().dimensions()),
                        "stat", q.metricStat().stat()),
                "expression", q.expression(),
                "label", q.label(),
                "returnData", q.returnData())).toList());
    }

    /** A predictive scaling forecast, shaped like AWS's GetPredictiveScalingForecast answer. */
    static Map<String, Object> forecast(Forecast f) {
        return obj("policyName", f.policyName(),
                "mode", f.mode(),
                "loadMetric", f.loadMetric(),
                "loadUnit", f.loadUnit(),
                "targetValue", f.targetValue(),
                "updateTime", f.updatedAt(),
                "historyHours", f.historyHours(),
                "status", f.status(),
                "loadForecast", obj("timestamps", f.points().stream().map(Forecast.Point::hour).toList(),
                        "values", f.points().stream().map(Forecast.Point::load).toList()),
                "capacityForecast", obj("timestamps", f.points().stream().map(Forecast.Point::hour).toList(),
                        "values", f.points().stream().map(Forecast.Point::capacity).toList()),
                "pastLoad", obj("timestamps", f.past().stream().map(Forecast.Past::hour).toList(),
                        "actual", f.past().stream().map(Forecast.Past::actualLoad).toList(),
                        "forecast", f.past().stream().map(p -> Double.isFinite(p.forecastLoad()) ? p.forecastLoad() : null).toList()),
                "meanAbsolutePercentError", mape(f));
    }

    private static Double mape(Forecast f) {
        OptionalDouble e = f.meanAbsolutePercentError();
        return e.isPresent() ? Math.round(e.getAsDouble() * 10) / 10.0 : null;
    }

    /** The forecast in one line's worth: the capacity it needs this hour and its peak within 48 hours. */
    static Map<String, Object> forecastSummary(Forecast f) {
        Forecast.Point peak = null;
        for (Forecast.Point p : f.points()) {
            if (peak == null || p.capacity() > peak.capacity()) {
                peak = p;
            }
        }
        return obj("policyName", f.policyName(),
                "mode", f.mode(),
                "status", f.status(),
                "capacityNow", f.points().isEmpty() ? null : f.points().get(0).capacity(),
                "meanAbsolutePercentError", mape(f),
                "capacityPeak", peak == null ? null : peak.capacity(),
                "peakAt", peak == null ? null : peak.hour());
    }

    static Map<String, Object> alarmConfig(AlarmConfig a) {
        if (a == null) {
            return null;
        }
        return obj("metricName", a.metricName(),
                "dimensions", a.dimensions(),
                "statistic", a.statistic(),
                "periodSeconds", a.periodSeconds(),
                "evaluationPeriods", a.evaluationPeriods(),
                "datapointsToAlarm", a.datapointsToAlarm(),
                "threshold", a.threshold(),
                "comparisonOperator", pascal(a.comparisonOperator()),
                "treatMissingData", a.treatMissingData().toString());
    }

    private static String pair(ScalingPolicyConfig.PredictiveMetricPair p) {
        return switch (p) {
            case ASG_CPU_UTILIZATION -> "ASGCPUUtilization";
            case ALB_REQUEST_COUNT -> "ALBRequestCount";
            case ASG_NETWORK_IN -> "ASGNetworkIn";
            case ASG_NETWORK_OUT -> "ASGNetworkOut";
        };
    }

    private static String predefined(ScalingPolicyConfig.PredefinedMetricType t) {
        return switch (t) {
            case ASG_AVERAGE_CPU_UTILIZATION -> "ASGAverageCPUUtilization";
            case ALB_REQUEST_COUNT_PER_TARGET -> "ALBRequestCountPerTarget";
            case ASG_AVERAGE_NETWORK_IN -> "ASGAverageNetworkIn";
            case ASG_AVERAGE_NETWORK_OUT -> "ASGAverageNetworkOut";
        };
    }

    /** CHANGE_IN_CAPACITY → ChangeInCapacity, as the config file spells it. */
    static String pascal(Enum<?> e) {
        StringBuilder b = new StringBuilder();
        for (String part : e.name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    private static String orDefault(String v, String d) {
        return v == null ? d : v;
    }
}
