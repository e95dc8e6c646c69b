package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule, broken one at a time: the error names the exact path and says what was expected. */
class ConfigLoaderErrorsTest {
    static final Map<String, String> VARS = Map.of("HEADROOM_JAVA", "/usr/bin/java", "HEADROOM_CLASSPATH", "headroom.jar");

    static final String TGS = "targetGroups: [{name: web}, {name: api}, {name: tcp, protocol: TCP}]\n";
    static final String LT = "launchTemplates: [{name: app, versions: [{command: [run]}]}]\n";
    static final String ALARM = "alarm: {metricName: CPUUtilization, statistic: Average, periodSeconds: 60, "
            + "evaluationPeriods: 3, threshold: 80, comparisonOperator: GreaterThanThreshold}";

    static String tg(String extra) {
        return "targetGroups: [{name: web" + extra + "}]\n";
    }

    /** An application load balancer with one listener on 8080; {@code extra} adds keys to the listener. */
    static String listener(String extra) {
        return TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: web}}"
                + extra + "}]}]\n";
    }

    static String rule(String conditions, String action) {
        return listener(", rules: [{priority: 10, conditions: " + conditions + ", action: " + action + "}]");
    }

    static String asg(String extra) {
        return TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 1, maxSize: 3, "
                + "targetGroups: [web]" + extra + "}]\n";
    }

    static final String IMP = "autoScalingGroups[0].instanceMaintenancePolicy.";

    /** A group with an instanceMaintenancePolicy of these keys. */
    static String maintenance(String keys) {
        return asg(", instanceMaintenancePolicy: {" + keys + "}");
    }

    /** A valid predictive scaling metric specification. */
    static final String PSPEC = "{targetValue: 50, predefinedMetricPairSpecification: {predefinedMetricType: ASGCPUUtilization}}";

    static String policy(String body) {
        return asg(", policies: [{name: p, " + body + "}]");
    }

    private static final String MATH = "targetTrackingConfiguration.customizedMetric";
    private static final String M1 = "{id: m1, metricStat: {metric: {metricName: RequestCount}, stat: Sum}, returnData: false}";
    private static final String M2 = "{id: m2, metricStat: {metric: {metricName: HealthyHostCount}, stat: Average},"
            + " returnData: false}";

    /** A target tracking policy on customizedMetric.metrics: [items]. */
    static String math(String items) {
        return policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: {targetValue: 5, "
                + "customizedMetric: {metrics: [" + items + "]}}");
    }

    static String scheduled(String body) {
        return scheduled(body, "");
    }

    static String scheduled(String body, String more) {
        return asg(", scheduledActions: [{name: s, " + body + "}" + more + "]");
    }

    static String hook(String body) {
        return hook(body, "");
    }

    static String hook(String body, String more) {
        return asg(", lifecycleHooks: [{name: h, " + body + "}" + more + "]");
    }

    static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "test.yaml", VARS));
        assertThat(e).as("expected errors for:\n%s", yaml).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    static Stream<Arguments> oneError() {
        String l0 = "loadBalancers[0].listeners[0].";
        String r0 = l0 + "rules[0].";
        String p0 = "autoScalingGroups[0].policies[0].";
        String s0 = "autoScalingGroups[0].scheduledActions[0].";
        return Stream.of(
                // top level and admin
                Arguments.of("workerThreads: -1", "workerThreads: -1 (expected: 0..4096)"),
                Arguments.of("stateDirr: x", "stateDirr: unknown key (expected one of: admin, stateDir, workerThreads, "
                        + "loadBalancers, targetGroups, launchTemplates, autoScalingGroups, notifications)"),
                Arguments.of("admin: {listen: 0.0.0.0:9900}",
                        "admin.token: required when admin.listen is not a loopback address (0.0.0.0:9900)"),
                Arguments.of("admin: {listen: 'localhost'}",
                        "admin.listen: \"localhost\" (expected: host:port, e.g. 127.0.0.1:9900 or [::1]:9900, port 0..65535)"),
                Arguments.of("targetGroups: {name: web}", "targetGroups: a mapping (expected: a list)"),
                Arguments.of("targetGroups: [web]", "targetGroups[0]: \"web\" (expected: a mapping with keys name, protocol, "
                        + "protocolVersion, algorithm, healthCheck, deregistrationDelaySeconds, slowStartSeconds, anomalyMitigation, stickiness, "
                        + "proxyProtocolV2, targets, tlsVerify, tlsCaFile, targetGroupHealth, targetHealthState, "
                        + "deregistrationDelayConnectionTermination)"),
                Arguments.of("targetGroups:\n  -\n", "targetGroups[0]: null (expected: a mapping)"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: app, minSize: 1, maxSize: 1}]",
                        "autoScalingGroups[0].launchTemplate: \"app\" (expected: a mapping with keys name, version)"),
                Arguments.of("admin: 5", "admin: 5 (expected: a mapping with keys listen, token)"),
                Arguments.of("targetGroups: [{name: ''}]", "targetGroups[0].name: \"\" (expected: a non-empty string)"),
                Arguments.of("targetGroups: [{name: web, healthCheck: {path: \"\"}}]",
                        "targetGroups[0].healthCheck.path: \"\" (expected: a path starting with /, at most 1024 characters)"),
                Arguments.of("- a\n- b", "(top level): a list (expected: a mapping with keys such as loadBalancers, "
                        + "targetGroups, launchTemplates, autoScalingGroups)"),
                // target groups and health checks
                Arguments.of(tg(", healthCheck: {matcher: '20x'}"),
                        "targetGroups[0].healthCheck.matcher: \"20x\" (expected: codes like 200, 200-299 or 200,302)"),
                Arguments.of(tg(", healthCheck: {matcher: '200-600'}"),
                        "targetGroups[0].healthCheck.matcher: \"200-600\" (expected: codes within 200-499, low-high)"),
                Arguments.of(tg(", healthCheck: {intervalSeconds: 0}"),
                        "targetGroups[0].healthCheck.intervalSeconds: 0 (expected: 5..300)"),
                Arguments.of(tg(", healthCheck: {intervalSeconds: ten}"),
                        "targetGroups[0].healthCheck.intervalSeconds: \"ten\" (expected: 5..300)"),
                Arguments.of(tg(", healthCheck: {intervalSeconds: 7.5}"),
                        "targetGroups[0].healthCheck.intervalSeconds: 7.5 (expected: 5..300)"),
                Arguments.of(tg(", healthCheck: {timeoutSeconds: 1}"),
                        "targetGroups[0].healthCheck.timeoutSeconds: 1 (expected: 2..120)"),
                Arguments.of(tg(", healthCheck: {intervalSeconds: 10, timeoutSeconds: 10}"),
                        "targetGroups[0].healthCheck.timeoutSeconds: 10 (expected: less than intervalSeconds 10)"),
                Arguments.of(tg(", healthCheck: {healthyThreshold: 11}"),
                        "targetGroups[0].healthCheck.healthyThreshold: 11 (expected: 2..10)"),
                Arguments.of(tg(", healthCheck: {unhealthyThreshold: 1}"),
                        "targetGroups[0].healthCheck.unhealthyThreshold: 1 (expected: 2..10)"),
                Arguments.of(tg(", healthCheck: {path: health}"),
                        "targetGroups[0].healthCheck.path: \"health\" (expected: a path starting with /, at most 1024 characters)"),
                Arguments.of(tg(", healthCheck: {port: 0}"),
                        "targetGroups[0].healthCheck.port: 0 (expected: traffic-port or 1..65535)"),
                Arguments.of(tg(", protocol: TCP, healthCheck: {path: /health}"),
                        "targetGroups[0].healthCheck.path: only allowed for HTTP and HTTPS health checks"),
                Arguments.of(tg(", healthCheck: {interval: 5}"), "targetGroups[0].healthCheck.interval: unknown key "
                        + "(expected one of: protocol, path, port, intervalSeconds, timeoutSeconds, healthyThreshold, "
                        + "unhealthyThreshold, matcher)"),
                Arguments.of(tg(", protocol: SCTP"), "targetGroups[0].protocol: \"SCTP\" (expected: HTTP | HTTPS | TCP | UDP "
                        + "| TCP_UDP)"),
                Arguments.of(tg(", protocol: SCTP") + "loadBalancers: [{name: lb, listeners: [{port: 80, defaultAction: "
                        + "{forward: {targetGroup: web}}}]}]", "targetGroups[0].protocol: \"SCTP\" (expected: HTTP | HTTPS | TCP "
                        + "| UDP | TCP_UDP)"),
                Arguments.of(tg(", healthCheck: {protocol: TCP}"),
                        "targetGroups[0].healthCheck.protocol: \"TCP\" (expected: HTTP | HTTPS for an HTTP target group)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: cpu"),
                        "autoScalingGroups[0].policies[0].targetTrackingConfiguration: \"cpu\" (expected: a mapping with keys "
                                + "predefinedMetricType, resourceLabel, customizedMetric, targetValue, disableScaleIn, "
                                + "scaleOutWindowSeconds, scaleInWindowSeconds)"),
                Arguments.of(tg(", algorithm: random"),
                        "targetGroups[0].algorithm: \"random\" (expected: round_robin | least_outstanding_requests | weighted_random)"),
                Arguments.of(tg(", deregistrationDelaySeconds: 3601"),
                        "targetGroups[0].deregistrationDelaySeconds: 3601 (expected: 0..3600)"),
                Arguments.of(tg(", slowStartSeconds: 10"), "targetGroups[0].slowStartSeconds: 10 (expected: 0 or 30..900)"),
                Arguments.of(tg(", slowStartSeconds: 901"), "targetGroups[0].slowStartSeconds: 901 (expected: 0 or 30..900)"),
                Arguments.of(tg(", stickiness: {enabled: true, type: app_cookie}"),
                        "targetGroups[0].stickiness.cookieName: required when type is app_cookie"),
                Arguments.of(tg(", stickiness: {type: source_ip}"),
                        "targetGroups[0].stickiness.type: \"source_ip\" (expected: lb_cookie | app_cookie)"),
                Arguments.of(tg(", stickiness: {enabled: yes please}"),
                        "targetGroups[0].stickiness.enabled: \"yes please\" (expected: true or false)"),
                Arguments.of(tg(", stickiness: {durationSeconds: 604801}"),
                        "targetGroups[0].stickiness.durationSeconds: 604801 (expected: 1..604800)"),
                Arguments.of(tg(", proxyProtocolV2: true"), "targetGroups[0].proxyProtocolV2: only allowed for TCP target groups"),
                Arguments.of(tg(", targets: [{host: 127.0.0.1, port: 70000}]"),
                        "targetGroups[0].targets[0].port: 70000 (expected: 1..65535)"),
                Arguments.of(tg(", targets: [{host: 127.0.0.1, port: 9001}, {host: 127.0.0.1, port: 9001}]"),
                        "targetGroups[0].targets[1]: 127.0.0.1:9001 is already a target at targetGroups[0].targets[0]"),
                Arguments.of("targetGroups: [{name: web}, {name: web}]",
                        "targetGroups[1].name: \"web\" is already used by targetGroups[0]"),
                Arguments.of("targetGroups: [{name: -web}]", "targetGroups[0].name: \"-web\" (expected: 1-32 letters, "
                        + "digits and hyphens, not starting or ending with a hyphen)"),
                Arguments.of("targetGroups: [{protocol: HTTP}]", "targetGroups[0].name: required key is missing"),
                // load balancers and listeners
                Arguments.of(TGS + "loadBalancers: [{name: lb, type: classic}]",
                        "loadBalancers[0].type: \"classic\" (expected: application | network)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, idleTimeoutSeconds: 0}]",
                        "loadBalancers[0].idleTimeoutSeconds: 0 (expected: 1..4000)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, desyncMitigationMode: strict}]",
                        "loadBalancers[0].desyncMitigationMode: \"strict\" (expected: monitor | defensive | strictest)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, responseHeaders: {xFrameOptions: ALLOWALL},"
                        + " defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[0].listeners[0].responseHeaders.xFrameOptions: \"ALLOWALL\" (expected: DENY | SAMEORIGIN"
                        + " | ALLOW-FROM <uri>)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, responseHeaders: {accessControlMaxAge: 90000},"
                        + " defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[0].listeners[0].responseHeaders.accessControlMaxAge: \"90000\" (expected: seconds, 0..86400)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, responseHeaders: {strictTransportSecurity: yes},"
                        + " defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[0].listeners[0].responseHeaders.strictTransportSecurity: \"true\" (expected: a"
                        + " Strict-Transport-Security value with max-age, e.g. \"max-age=31536000; includeSubDomains\")"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, responseHeaders: {server: off},"
                        + " defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[0].listeners[0].responseHeaders.server: unknown key (expected one of:"
                        + " strictTransportSecurity, accessControlAllowOrigin, accessControlAllowMethods,"
                        + " accessControlAllowHeaders, accessControlAllowCredentials, accessControlExposeHeaders,"
                        + " accessControlMaxAge, contentSecurityPolicy, xContentTypeOptions, xFrameOptions)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, xffHeaderProcessingMode: keep}]",
                        "loadBalancers[0].xffHeaderProcessingMode: \"keep\" (expected: append | preserve | remove)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, accessLog: {format: apache}}]",
                        "loadBalancers[0].accessLog.format: \"apache\" (expected: alb | json | combined)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 0, defaultAction: {forward: {targetGroup: web}}}]}]",
                        l0 + "port: 0 (expected: 1..65535)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{defaultAction: {forward: {targetGroup: web}}}]}]",
                        l0 + "port: required key is missing"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080}]}]", l0 + "defaultAction: required key is missing"),
                Arguments.of(listener(", address: 'my host'"),
                        l0 + "address: \"my host\" (expected: an IP address such as 127.0.0.1, 0.0.0.0 or ::1)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: web}}}, "
                        + "{port: 8080, defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[0].listeners[1].port: 8080 on 127.0.0.1 is already used by loadBalancers[0].listeners[0] (127.0.0.1)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 9900, address: 0.0.0.0, "
                        + "defaultAction: {forward: {targetGroup: web}}}]}]",
                        l0 + "port: 9900 on 0.0.0.0 is already used by admin.listen (127.0.0.1)"),
                Arguments.of(listener(", protocol: TCP"),
                        l0 + "protocol: \"TCP\" (expected: HTTP | HTTPS for an application load balancer)"),
                Arguments.of(listener(", protocol: HTTPS"), l0 + "certificates: required for HTTPS and TLS listeners "
                        + "(expected: a list of { certificateFile, privateKeyFile } or { selfSigned: { commonName } })"),
                Arguments.of(listener(", protocol: HTTPS, certificates: [{selfSigned: {commonName: localhost}}], sslPolicy: tls10"),
                        l0 + "sslPolicy: \"tls10\" (expected: recommended | tls13)"),
                Arguments.of(listener(", protocol: HTTPS, certificates: [{certificateFile: a.pem}]"),
                        l0 + "certificates[0].privateKeyFile: required key is missing"),
                Arguments.of(listener(", certificates: [{selfSigned: {commonName: localhost}}]"),
                        l0 + "certificates: only allowed for HTTPS and TLS listeners"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: nope}}}]}]",
                        l0 + "defaultAction.forward.targetGroup: \"nope\" is not a target group (known: web, api, tcp)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: tcp}}}]}]",
                        l0 + "defaultAction.forward.targetGroup: target group \"tcp\" has protocol TCP (expected: HTTP or HTTPS "
                                + "for an application load balancer)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, "
                        + "defaultAction: {forward: {targetGroup: web}}}]}]",
                        l0.replace("lb", "lb") + "defaultAction.forward.targetGroup: target group \"web\" has protocol HTTP "
                                + "(expected: TCP | TCP_UDP for a TCP listener)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, "
                        + "defaultAction: {fixedResponse: {statusCode: 200}}}]}]",
                        l0 + "defaultAction.fixedResponse: unknown key (expected one of: forward)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, "
                        + "defaultAction: {forward: {targetGroup: tcp}}, rules: []}]}]",
                        l0 + "rules: unknown key (expected one of: address, port, protocol, certificates, sslPolicy, defaultAction)"),
                Arguments.of(listener(", defaultAction: {forward: {targetGroups: [{name: web, weight: 1000}]}}")
                                .replace("defaultAction: {forward: {targetGroup: web}}, ", ""),
                        l0 + "defaultAction.forward.targetGroups[0].weight: 1000 (expected: 0..999)"),
                Arguments.of(listener(", defaultAction: {forward: {targetGroups: [{name: web, weight: 0}, {name: api, weight: 0}]}}")
                                .replace("defaultAction: {forward: {targetGroup: web}}, ", ""),
                        l0 + "defaultAction.forward.targetGroups: all weights are 0 (expected: at least one weight > 0)"),
                Arguments.of("targetGroups: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]\n"
                        + "loadBalancers: [{name: lb, listeners: [{port: 8080, defaultAction: {forward: {targetGroups: "
                        + "[{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]}}}]}]",
                        l0 + "defaultAction.forward.targetGroups: 6 target groups (expected: at most 5)"),
                Arguments.of(listener(", defaultAction: {forward: {targetGroup: web, targetGroups: [{name: api}]}}")
                                .replace("defaultAction: {forward: {targetGroup: web}}, ", ""),
                        l0 + "defaultAction.forward: has both targetGroup and targetGroups (expected: one of them)"),
                Arguments.of(listener(", defaultAction: {forward: {targetGroup: web}, redirect: {path: /x}}")
                                .replace("defaultAction: {forward: {targetGroup: web}}, ", ""),
                        l0 + "defaultAction: has more than one action (expected: one of forward, redirect, fixedResponse)"),
                // rules, conditions and actions
                Arguments.of(rule("{pathPattern: [/a]}", "{forward: {targetGroup: web}}").replace("priority: 10", "priority: 0"),
                        r0 + "priority: 0 (expected: 1..50000)"),
                Arguments.of(listener(", rules: [{priority: 10, conditions: {pathPattern: [/a]}, action: {forward: {targetGroup: api}}}, "
                                + "{priority: 10, conditions: {pathPattern: [/b]}, action: {forward: {targetGroup: api}}}]"),
                        l0 + "rules[1].priority: 10 is already used by " + l0 + "rules[0] (expected: unique per listener)"),
                Arguments.of(rule("{}", "{forward: {targetGroup: web}}"), r0 + "conditions: empty (expected: at least one of "
                        + "hostHeader, pathPattern, httpHeader, httpRequestMethod, queryString, sourceIp)"),
                Arguments.of(rule("{pathPattern: [/1, /2, /3, /4, /5, /6]}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.pathPattern: 6 values (expected: at most 5 per condition)"),
                Arguments.of(rule("{pathPattern: []}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.pathPattern: empty (expected: 1..5 values)"),
                Arguments.of(rule("{path: [/a]}", "{forward: {targetGroup: web}}"), r0 + "conditions.path: unknown key "
                        + "(expected one of: hostHeader, pathPattern, httpHeader, httpRequestMethod, queryString, sourceIp)"),
                Arguments.of(rule("{hostHeader: ['exa mple.com']}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.hostHeader[0]: \"exa mple.com\" (expected: host names with letters, digits, - . * ?, "
                                + "at most 128 characters)"),
                Arguments.of(rule("{httpRequestMethod: [get]}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.httpRequestMethod[0]: \"get\" (expected: methods in upper case such as GET, HEAD, POST "
                                + "(A-Z, - and _, at most 40 characters))"),
                Arguments.of(rule("{sourceIp: [10.0.0.0/33]}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.sourceIp[0]: \"10.0.0.0/33\" (expected: a CIDR block such as 10.0.0.0/8 or ::1/128, "
                                + "prefix length 0..32)"),
                Arguments.of(rule("{sourceIp: ['example.com/8']}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.sourceIp[0]: \"example.com/8\" (expected: a CIDR block such as 10.0.0.0/8 or ::1/128)"),
                Arguments.of(rule("{sourceIp: ['::1']}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.sourceIp[0]: \"::1\" (expected: a CIDR block such as 10.0.0.0/8 or ::1/128)"),
                Arguments.of(rule("{httpHeader: {name: X-Env}}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.httpHeader.values: required key is missing"),
                Arguments.of(rule("{httpHeader: [{name: X-Env, values: [a]}, {name: 'X Bad', values: [b]}]}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.httpHeader[1].name: \"X Bad\" (expected: a header name of at most 40 characters)"),
                Arguments.of(rule("{queryString: [{key: v}]}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.queryString[0].value: required key is missing"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {path: /b, statusCode: HTTP_307}}"),
                        r0 + "action.redirect.statusCode: \"HTTP_307\" (expected: HTTP_301 | HTTP_302)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {protocol: FTP}}"),
                        r0 + "action.redirect.protocol: \"FTP\" (expected: HTTP | HTTPS | #{protocol})"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {port: 0, protocol: HTTPS}}"),
                        r0 + "action.redirect.port: \"0\" (expected: 1..65535 or #{port})"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {statusCode: HTTP_302}}"),
                        r0 + "action.redirect: redirects to the same URL (expected: change at least one of protocol, host, port, path, query)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{fixedResponse: {statusCode: 302}}"),
                        r0 + "action.fixedResponse.statusCode: 302 (expected: 2XX, 4XX or 5XX)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{fixedResponse: {statusCode: '600'}}"),
                        r0 + "action.fixedResponse.statusCode: 600 (expected: 2XX, 4XX or 5XX)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{fixedResponse: {statusCode: 403, contentType: text/xml}}"),
                        r0 + "action.fixedResponse.contentType: \"text/xml\" (expected: text/plain | text/css | text/html | "
                                + "application/javascript | application/json)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{fixedResponse: {contentType: text/html}}"),
                        r0 + "action.fixedResponse.statusCode: required key is missing"),
                Arguments.of(rule("{pathPattern: [/a]}", "{forward: {targetGroup: web, stickiness: {enabled: true, durationSeconds: 0}}}"),
                        r0 + "action.forward.stickiness.durationSeconds: 0 (expected: 1..604800)"),
                // launch templates
                Arguments.of("launchTemplates: [{name: app, versions: [{command: []}]}]",
                        "launchTemplates[0].versions[0].command: empty (expected: a program and its arguments)"),
                Arguments.of("launchTemplates: [{name: app, versions: [{environment: {A: b}}]}]",
                        "launchTemplates[0].versions[0].command: required key is missing"),
                Arguments.of("launchTemplates: [{name: app, versions: [{command: [run], vcpus: 0}]}]",
                        "launchTemplates[0].versions[0].vcpus: 0 (expected: a number > 0)"),
                Arguments.of("launchTemplates: [{name: app, versions: [{command: [run], terminationGracePeriodSeconds: 3601}]}]",
                        "launchTemplates[0].versions[0].terminationGracePeriodSeconds: 3601 (expected: 0..3600)"),
                Arguments.of("launchTemplates: [{name: app, versions: [{command: [run], environment: {A: [1]}}]}]",
                        "launchTemplates[0].versions[0].environment.A: a list (expected: a string)"),
                Arguments.of("launchTemplates: [{name: app}]", "launchTemplates[0].versions: required key is missing"),
                Arguments.of("launchTemplates: [{name: a, versions: [{command: [run]}]}]",
                        "launchTemplates[0].name: \"a\" (expected: 3-128 letters, digits and ( ) . / _ -)"),
                // auto scaling groups
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: nope}, minSize: 1, maxSize: 1}]",
                        "autoScalingGroups[0].launchTemplate.name: \"nope\" is not a launch template (known: app)"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app, version: 2}, minSize: 1, maxSize: 1}]",
                        "autoScalingGroups[0].launchTemplate.version: \"2\" (expected: $Latest | $Default | 1..1, the versions of \"app\")"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 1}]",
                        "autoScalingGroups[0].maxSize: required key is missing"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 5, maxSize: 2}]",
                        "autoScalingGroups[0].minSize: 5 (expected: at most maxSize 2)"),
                Arguments.of(asg(", desiredCapacity: 4"), "autoScalingGroups[0].desiredCapacity: 4 (expected: at most maxSize 3)"),
                Arguments.of(asg(", desiredCapacity: 0"), "autoScalingGroups[0].desiredCapacity: 0 (expected: at least minSize 1)"),
                Arguments.of(asg(", minSize: -1").replace("minSize: 1, ", ""), "autoScalingGroups[0].minSize: -1 (expected: 0..10000)"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 1, maxSize: 3, "
                        + "targetGroups: [wbe]}]", "autoScalingGroups[0].targetGroups[0]: \"wbe\" is not a target group (known: web, api, tcp)"),
                Arguments.of(asg(", availabilityZones: []"), "autoScalingGroups[0].availabilityZones: empty (expected: at least one zone name)"),
                Arguments.of(asg(", availabilityZones: [a, a]"), "autoScalingGroups[0].availabilityZones[1]: \"a\" is listed twice"),
                Arguments.of(asg(", healthCheckType: K8S"), "autoScalingGroups[0].healthCheckType: \"K8S\" (expected: EC2 | ELB)"),
                Arguments.of(asg(", healthCheckGracePeriodSeconds: 7201"),
                        "autoScalingGroups[0].healthCheckGracePeriodSeconds: 7201 (expected: 0..7200)"),
                Arguments.of(asg(", defaultCooldownSeconds: 86401"), "autoScalingGroups[0].defaultCooldownSeconds: 86401 (expected: 0..86400)"),
                Arguments.of(asg(", defaultInstanceWarmupSeconds: -1"),
                        "autoScalingGroups[0].defaultInstanceWarmupSeconds: -1 (expected: 0..3600)"),
                Arguments.of(asg(", terminationPolicies: [Random]"), "autoScalingGroups[0].terminationPolicies[0]: \"Random\" "
                        + "(expected: Default | OldestInstance | NewestInstance | OldestLaunchTemplate)"),
                // scaling policies
                Arguments.of(policy("policyType: Magic"),
                        p0 + "policyType: \"Magic\" (expected: TargetTrackingScaling | StepScaling | SimpleScaling | PredictiveScaling)"),
                Arguments.of(policy("policyType: TargetTrackingScaling"), p0 + "targetTrackingConfiguration: required key is missing"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: CPU, targetValue: 50}"), p0 + "targetTrackingConfiguration.predefinedMetricType: "
                        + "\"CPU\" (expected: ASGAverageCPUUtilization | ALBRequestCountPerTarget | ASGAverageNetworkIn"
                        + " | ASGAverageNetworkOut)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ASGAverageCPUUtilization, targetValue: 0}"),
                        p0 + "targetTrackingConfiguration.targetValue: 0 (expected: a number > 0)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: {targetValue: 5}"),
                        p0 + "targetTrackingConfiguration: expected exactly one of predefinedMetricType, customizedMetric"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ALBRequestCountPerTarget, resourceLabel: api, targetValue: 100}"),
                        p0 + "targetTrackingConfiguration.resourceLabel: \"api\" is not a target group of this auto scaling group (known: web)"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 1, maxSize: 3, "
                        + "policies: [{name: p, policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ALBRequestCountPerTarget, targetValue: 100}}]}]",
                        p0 + "targetTrackingConfiguration.predefinedMetricType: ALBRequestCountPerTarget needs a target group "
                                + "(expected: targetGroups on the auto scaling group)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{customizedMetric: {metricName: TargetResponseTime, statistic: p999}, targetValue: 0.2}"),
                        p0 + "targetTrackingConfiguration.customizedMetric.statistic: \"p999\" (expected: Sum | Average | Minimum | "
                                + "Maximum | SampleCount | pNN such as p99)"),
                // metric math: AWS's rules, each error at its item
                Arguments.of(math(M1 + ", " + M2 + ", {id: e1, expression: 'm1 / m3'}"),
                        p0 + MATH + ".metrics[2].expression: unknown id 'm3' (expected: one of e1, m1, m2)"),
                Arguments.of(math("{id: m1, metricStat: {metric: {metricName: RequestCount}, stat: Sum}}, "
                                + "{id: e1, expression: 'm1 * 2'}"),
                        p0 + MATH + ".metrics: 2 items return data (expected: exactly one with returnData: true, the result;"
                                + " returnData defaults to true, so set it to false on the others)"),
                Arguments.of(math(M1 + ", {id: m1, expression: 'm1 * 2'}"),
                        p0 + MATH + ".metrics[1].id: 'm1' is also the id of metrics[0] (expected: unique ids)"),
                Arguments.of(math(M1 + ", {id: e1, expression: 'SUM(m1) +'}"),
                        p0 + MATH + ".metrics[1].expression: SUM at position 1: of one time series reduces it over time,"
                                + " which an alarm period cannot use (expected: one array, such as SUM([m1, m2]) or"
                                + " SUM(METRICS()))"),
                Arguments.of(math("{id: M1, metricStat: {metric: {metricName: RequestCount}, stat: Sum}}"),
                        p0 + MATH + ".metrics[0].id: 'M1' (expected: a lower-case letter, then letters, digits or"
                                + " underscores, such as m1 or requests)"),
                Arguments.of(math("{id: m1, metricStat: {metric: {metricName: RequestCount}, stat: Avg}}"),
                        p0 + MATH + ".metrics[0].metricStat.stat: \"Avg\" (expected: Sum | Average | Minimum | Maximum"
                                + " | SampleCount | pNN such as p99)"),
                Arguments.of(math("{id: m1, metricStat: {metric: {metricName: RequestCount}, stat: Sum}, expression: m1}"),
                        p0 + MATH + ".metrics[0]: expected exactly one of metricStat, expression"),
                Arguments.of(math("{id: m1, metricStat: {metric: {metricName: RequestCount}, stat: Sum, period: 60}}"),
                        p0 + MATH + ".metrics[0].metricStat.period: unknown key (expected one of: metric, stat)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: {targetValue: 5, "
                                + "customizedMetric: {metricName: RequestCount, metrics: [{id: m1, metricStat: "
                                + "{metric: {metricName: RequestCount}, stat: Sum}}]}}"),
                        p0 + MATH + ".metricName: not allowed with metrics (expected: either metricName, dimensions and"
                                + " statistic, or metrics)"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ASGAverageCPUUtilization, targetValue: 50, scaleInWindowSeconds: 0}"),
                        p0 + "targetTrackingConfiguration.scaleInWindowSeconds: 0 (expected: 1..86400)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, " + ALARM),
                        p0 + "scalingAdjustment: required key is missing"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeCapacity, scalingAdjustment: 1, " + ALARM),
                        p0 + "adjustmentType: \"ChangeCapacity\" (expected: ChangeInCapacity | ExactCapacity | PercentChangeInCapacity)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ExactCapacity, scalingAdjustment: -1, " + ALARM),
                        p0 + "scalingAdjustment: -1 (expected: >= 0 for ExactCapacity)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + "minAdjustmentMagnitude: 2, " + ALARM),
                        p0 + "minAdjustmentMagnitude: only allowed with adjustmentType PercentChangeInCapacity"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1"),
                        p0 + "alarm: required key is missing"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("Average", "Median")), p0 + "alarm.statistic: \"Median\" (expected: Sum | Average | "
                        + "Minimum | Maximum | SampleCount | pNN such as p99)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("periodSeconds: 60", "periodSeconds: 0")), p0 + "alarm.periodSeconds: 0 (expected: 1..86400)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("evaluationPeriods: 3", "evaluationPeriods: 0")),
                        p0 + "alarm.evaluationPeriods: 0 (expected: an integer >= 1)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("evaluationPeriods: 3", "evaluationPeriods: 3, datapointsToAlarm: 4")),
                        p0 + "alarm.datapointsToAlarm: 4 (expected: 1..3)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("periodSeconds: 60", "periodSeconds: 3600").replace("evaluationPeriods: 3", "evaluationPeriods: 25")),
                        p0 + "alarm.evaluationPeriods: 25 (expected: periodSeconds x evaluationPeriods at most 86400, one day)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("GreaterThanThreshold", "Equals")), p0 + "alarm.comparisonOperator: \"Equals\" (expected: "
                        + "GreaterThanOrEqualToThreshold | GreaterThanThreshold | LessThanThreshold | LessThanOrEqualToThreshold)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: 0, metricIntervalUpperBound: 10, scalingAdjustment: 1}, "
                        + "{metricIntervalLowerBound: 20, scalingAdjustment: 2}]"),
                        p0 + "stepAdjustments[1].metricIntervalLowerBound: 20 leaves a gap after 10 (expected: 10)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: 0, metricIntervalUpperBound: 30, scalingAdjustment: 1}, "
                        + "{metricIntervalLowerBound: 20, scalingAdjustment: 2}]"),
                        p0 + "stepAdjustments[1]: overlaps the step below it (expected: each metricIntervalLowerBound equal to "
                                + "the previous step's metricIntervalUpperBound)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: 0, metricIntervalUpperBound: 10, scalingAdjustment: 1}]"),
                        p0 + "stepAdjustments: a step has a positive metricIntervalUpperBound (expected: also a step without "
                                + "metricIntervalUpperBound)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: 0, scalingAdjustment: 1}, {metricIntervalLowerBound: 10, scalingAdjustment: 2}]"),
                        p0 + "stepAdjustments: 2 steps without metricIntervalUpperBound (expected: at most one)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{scalingAdjustment: 1}]"), p0 + "stepAdjustments[0]: has neither metricIntervalLowerBound nor "
                        + "metricIntervalUpperBound (expected: at least one)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: 10, metricIntervalUpperBound: 5, scalingAdjustment: 1}]"),
                        p0 + "stepAdjustments[0].metricIntervalUpperBound: 5 (expected: greater than metricIntervalLowerBound 10)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM
                        + ", stepAdjustments: [{metricIntervalUpperBound: -10, scalingAdjustment: -1}, "
                        + "{metricIntervalLowerBound: -10, metricIntervalUpperBound: 0, scalingAdjustment: 0}, "
                        + "{metricIntervalLowerBound: 0, scalingAdjustment: 1}], metricAggregationType: Median"),
                        p0 + "metricAggregationType: \"Median\" (expected: Minimum | Maximum | Average)"),
                // predictive scaling
                Arguments.of(policy("policyType: PredictiveScaling"), p0 + "predictiveScalingConfiguration: required key is missing"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {mode: ForecastAndScale}"),
                        p0 + "predictiveScalingConfiguration.metricSpecifications: required key is missing"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC + ", " + PSPEC + "]}"),
                        p0 + "predictiveScalingConfiguration.metricSpecifications: 2 entries (expected: exactly one metric"
                                + " specification, as AWS allows)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC.replace("ASGCPUUtilization", "ASGNetwork") + "]}"),
                        p0 + "predictiveScalingConfiguration.metricSpecifications[0].predefinedMetricPairSpecification"
                                + ".predefinedMetricType: \"ASGNetwork\" (expected: ASGCPUUtilization | ALBRequestCount"
                                + " | ASGNetworkIn | ASGNetworkOut)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC.replace("targetValue: 50", "targetValue: -1") + "]}"),
                        p0 + "predictiveScalingConfiguration.metricSpecifications[0].targetValue: -1 (expected: a number > 0)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC + "], mode: ForecastAndScal}"),
                        p0 + "predictiveScalingConfiguration.mode: \"ForecastAndScal\" (expected: ForecastOnly | ForecastAndScale)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC + "], schedulingBufferTime: 3600}"),
                        p0 + "predictiveScalingConfiguration.schedulingBufferTime: 3600 (expected: 0..3599)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC + "], maxCapacityBreachBehavior: IncreaseMaxCapacity}"),
                        p0 + "predictiveScalingConfiguration.maxCapacityBuffer: missing (expected: 0..100, required with"
                                + " maxCapacityBreachBehavior IncreaseMaxCapacity)"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC + "], maxCapacityBuffer: 10}"),
                        p0 + "predictiveScalingConfiguration.maxCapacityBuffer: only allowed with maxCapacityBreachBehavior"
                                + " IncreaseMaxCapacity"),
                Arguments.of(policy("policyType: PredictiveScaling, predictiveScalingConfiguration: {metricSpecifications: ["
                        + PSPEC.replace("ASGCPUUtilization", "ALBRequestCount, resourceLabel: nope") + "]}"),
                        p0 + "predictiveScalingConfiguration.metricSpecifications[0].predefinedMetricPairSpecification"
                                + ".resourceLabel: \"nope\" is not a target group of this auto scaling group (known: web)"),
                // scheduled actions
                Arguments.of(scheduled("recurrence: '0 8 * *', minSize: 2"), s0 + "recurrence: \"0 8 * *\" has 4 fields "
                        + "(expected: 5, minute hour day-of-month month day-of-week)"),
                Arguments.of(scheduled("recurrence: '0 8 1 * MON', minSize: 2"), s0 + "recurrence: \"0 8 1 * MON\" restricts "
                        + "both day-of-month and day-of-week (expected: * in one of them)"),
                Arguments.of(scheduled("recurrence: '0 8 * * 8', minSize: 2"),
                        s0 + "recurrence: \"0 8 * * 8\": bad day-of-week \"8\" (expected: 0-7 or SUN-SAT)"),
                Arguments.of(scheduled("recurrence: '0 8 * * *', timeZone: Mars/Olympus, minSize: 2"),
                        s0 + "timeZone: \"Mars/Olympus\" (expected: an IANA time zone such as UTC or Europe/Berlin)"),
                Arguments.of(scheduled("startTime: tomorrow, minSize: 2"),
                        s0 + "startTime: \"tomorrow\" (expected: ISO-8601 such as 2026-01-31T08:00:00Z)"),
                Arguments.of(scheduled("recurrence: '0 8 * * *', startTime: '2026-02-01T00:00:00Z', endTime: '2026-01-01T00:00:00Z', "
                        + "minSize: 2"), s0 + "endTime: \"2026-01-01T00:00:00Z\" (expected: after startTime)"),
                Arguments.of(scheduled("recurrence: '0 8 * * *'"),
                        "autoScalingGroups[0].scheduledActions[0]: changes nothing (expected: at least one of minSize, maxSize, desiredCapacity)"),
                Arguments.of(scheduled("minSize: 2"), "autoScalingGroups[0].scheduledActions[0]: has neither recurrence nor "
                        + "startTime (expected: a 5-field cron recurrence or a one-time startTime)"),
                Arguments.of(scheduled("recurrence: '0 8 * * *', minSize: 4, maxSize: 2"), s0 + "minSize: 4 (expected: at most maxSize 2)"),
                // more of the same rules, in other places
                Arguments.of(tg(", protocol: TCP, algorithm: round_robin"), "targetGroups[0].algorithm: only allowed for HTTP "
                        + "and HTTPS target groups (a network load balancer hashes each connection)"),
                Arguments.of(tg(", protocol: TCP, stickiness: {enabled: true, type: app_cookie}"),
                        "targetGroups[0].stickiness.type: \"app_cookie\" (expected: source_ip for a TCP, UDP or TCP_UDP "
                                + "target group; lb_cookie and app_cookie need an HTTP or HTTPS target group)"),
                Arguments.of(tg(", protocol: TCP, stickiness: {enabled: true, durationSeconds: 60}"),
                        "targetGroups[0].stickiness.durationSeconds: only allowed for lb_cookie and app_cookie stickiness "
                                + "(HTTP and HTTPS target groups)"),
                Arguments.of(tg(", protocol: TCP, stickiness: {enabled: true, type: sticky}"),
                        "targetGroups[0].stickiness.type: \"sticky\" (expected: source_ip)"),
                Arguments.of(tg(", targetHealthState: {unhealthy: {connectionTermination: false}}"),
                        "targetGroups[0].targetHealthState: only allowed for TCP target groups (a network load balancer's)"),
                Arguments.of(tg(", deregistrationDelayConnectionTermination: true"),
                        "targetGroups[0].deregistrationDelayConnectionTermination: only allowed for TCP, UDP and TCP_UDP "
                                + "target groups (an application load balancer always closes a deregistered target's "
                                + "WebSockets when the delay ends)"),
                Arguments.of(tg(", protocol: TCP, targetHealthState: {unhealthy: {drainingIntervalSeconds: 60}}"),
                        "targetGroups[0].targetHealthState.unhealthy.drainingIntervalSeconds: 60 (expected: 0 while "
                                + "connectionTermination is true; an unhealthy draining interval needs "
                                + "connectionTermination: false)"),
                Arguments.of(tg(", protocol: TCP, targetHealthState: {unhealthy: {connectionTermination: false, "
                                + "drainingIntervalSeconds: 360001}}"),
                        "targetGroups[0].targetHealthState.unhealthy.drainingIntervalSeconds: 360001 (expected: 0..360000)"),
                Arguments.of(tg(", protocol: TCP, targetHealthState: {unhealthy: {connectionTerminaton: false}}"),
                        "targetGroups[0].targetHealthState.unhealthy.connectionTerminaton: unknown key (expected one of: "
                                + "connectionTermination, drainingIntervalSeconds)"),
                Arguments.of(tg(", protocol: TCP, deregistrationDelayConnectionTermination: yes please"),
                        "targetGroups[0].deregistrationDelayConnectionTermination: \"yes please\" (expected: true or false)"),
                Arguments.of(tg(", stickiness: {type: app_cookie, cookieName: AWSALBAPP}"), "targetGroups[0].stickiness.cookieName: "
                        + "\"AWSALBAPP\" (expected: a cookie name, not starting with AWSALB, AWSALBAPP or AWSALBTG)"),
                Arguments.of(tg(", stickiness: {cookieName: SESSION}"), "targetGroups[0].stickiness.cookieName: only allowed for type app_cookie"),
                Arguments.of(tg(", protocolVersion: HTTP3"), "targetGroups[0].protocolVersion: \"HTTP3\" (expected: HTTP1 | HTTP2 | GRPC)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, desyncMitigationMode: monitor}]",
                        "loadBalancers[0].desyncMitigationMode: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, xffClientPortEnabled: true}]",
                        "loadBalancers[0].xffClientPortEnabled: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, dropInvalidHeaderFieldsEnabled: true}]",
                        "loadBalancers[0].dropInvalidHeaderFieldsEnabled: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, preserveHostHeaderEnabled: true}]",
                        "loadBalancers[0].preserveHostHeaderEnabled: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, connectionLog: {enabled: true}}]",
                        "loadBalancers[0].connectionLog: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, connectionLog: {enabled: true, maxFiles: 0}}]",
                        "loadBalancers[0].connectionLog.maxFiles: 0 (expected: 1..1000)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, connectionLog: {enabled: true, path: ''}}]",
                        "loadBalancers[0].connectionLog.path: \"\" (expected: a file name, relative to stateDir or absolute)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, connectionLog: {enabled: true, format: json}}]",
                        "loadBalancers[0].connectionLog.format: unknown key (expected one of: enabled, path, maxSizeMb,"
                        + " maxFiles)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, clientKeepAliveSeconds: 59}]",
                        "loadBalancers[0].clientKeepAliveSeconds: 59 (expected: 60..604800)"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, clientKeepAliveSeconds: 604801}]",
                        "loadBalancers[0].clientKeepAliveSeconds: 604801 (expected: 60..604800)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, clientKeepAliveSeconds: 3600}]",
                        "loadBalancers[0].clientKeepAliveSeconds: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, http2Enabled: false}]",
                        "loadBalancers[0].http2Enabled: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: lb, http2Enabled: sometimes}]",
                        "loadBalancers[0].http2Enabled: \"sometimes\" (expected: true or false)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, xAmznTlsVersionAndCipherSuiteEnabled: true}]",
                        "loadBalancers[0].xAmznTlsVersionAndCipherSuiteEnabled: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, protocol: HTTP, "
                        + "defaultAction: {forward: {targetGroup: tcp}}}]}]",
                        l0 + "protocol: \"HTTP\" (expected: TCP | TLS | UDP | TCP_UDP for a network load balancer)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, protocol: TLS, "
                        + "defaultAction: {forward: {targetGroup: tcp}}}]}]", l0 + "certificates: required for HTTPS and TLS "
                        + "listeners (expected: a list of { certificateFile, privateKeyFile } or { selfSigned: { commonName } })"),
                Arguments.of("targetGroups: [{name: tcp, protocol: TCP, stickiness: {enabled: true, type: source_ip}}]\n"
                        + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, protocol: TLS, "
                        + "certificates: [{selfSigned: {commonName: localhost}}], defaultAction: {forward: {targetGroup: tcp}}}]}]",
                        l0 + "defaultAction.forward.targetGroup: target group \"tcp\" has stickiness enabled (expected: a "
                                + "target group without stickiness; a TLS listener does not support sticky sessions)"),
                Arguments.of("targetGroups: [{name: t1, protocol: TCP}, {name: t2, protocol: TCP}]\n"
                        + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, "
                        + "defaultAction: {forward: {targetGroups: [{name: t1}, {name: t2}]}}}]}]",
                        l0 + "defaultAction.forward.targetGroups: 2 target groups (expected: 1; a network load balancer forwards "
                                + "to one target group)"),
                Arguments.of(TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 8080, "
                        + "defaultAction: {forward: {targetGroup: tcp, stickiness: {enabled: true}}}}]}]",
                        l0 + "defaultAction.forward.stickiness: only allowed for application load balancers"),
                Arguments.of(TGS + "loadBalancers: [{name: a, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: web}}}]}, "
                        + "{name: b, listeners: [{port: 8080, defaultAction: {forward: {targetGroup: web}}}]}]",
                        "loadBalancers[1].listeners[0].port: 8080 on 127.0.0.1 is already used by loadBalancers[0].listeners[0] (127.0.0.1)"),
                Arguments.of(TGS + "loadBalancers: [{name: a}, {name: a}]", "loadBalancers[1].name: \"a\" is already used by loadBalancers[0]"),
                Arguments.of(listener(", defaultAction: {forward: {targetGroups: [{name: web}, {name: web}]}}")
                                .replace("defaultAction: {forward: {targetGroup: web}}, ", ""),
                        l0 + "defaultAction.forward.targetGroups[1].name: \"web\" is already used by " + l0
                                + "defaultAction.forward.targetGroups[0]"),
                Arguments.of(rule("{queryString: [{value: a}, {value: b}, {value: c}, {value: d}, {value: e}, {value: f}]}",
                        "{forward: {targetGroup: web}}"), r0 + "conditions.queryString: 6 key/value pairs (expected: at most 5 per condition)"),
                Arguments.of(rule("{httpHeader: {name: X, values: [a, b, c, d, e, f]}}", "{forward: {targetGroup: web}}"),
                        r0 + "conditions.httpHeader.values: 6 values (expected: at most 5 per condition)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {path: new}}"),
                        r0 + "action.redirect.path: \"new\" (expected: starting with /, at most 128 characters)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{redirect: {query: '?a=b'}}"),
                        r0 + "action.redirect.query: \"?a=b\" (expected: without a leading ?, at most 128 characters)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{fixedResponse: {statusCode: 200, messageBody: '" + "x".repeat(1025) + "'}}"),
                        r0 + "action.fixedResponse.messageBody: 1025 characters (expected: at most 1024)"),
                Arguments.of(rule("{pathPattern: [/a]}", "{}"),
                        r0 + "action: empty (expected: one of forward, redirect, fixedResponse)"),
                Arguments.of(listener(", rules: [{priority: 10, conditions: {pathPattern: [/a]}}]"), r0 + "action: required key is missing"),
                Arguments.of("launchTemplates: [{name: app, versions: [{command: [run]}]}, {name: app, versions: [{command: [run]}]}]",
                        "launchTemplates[1].name: \"app\" is already used by launchTemplates[0]"),
                Arguments.of("launchTemplates: [{name: app, versions: [{command: [run], environment: {'A-B': x}}]}]",
                        "launchTemplates[0].versions[0].environment.A-B: is not a variable name (expected: letters, digits and _)"),
                Arguments.of("launchTemplates: [{name: app, versions: []}]", "launchTemplates[0].versions: empty (expected: at least one version)"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app, version: $Newest}, minSize: 1, maxSize: 1}]",
                        "autoScalingGroups[0].launchTemplate.version: \"$Newest\" (expected: $Latest | $Default | 1..1, the versions of \"app\")"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, minSize: 1, maxSize: 1}]",
                        "autoScalingGroups[0].launchTemplate: required key is missing"),
                Arguments.of(TGS + LT + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 0, maxSize: 1}, "
                        + "{name: g, launchTemplate: {name: app}, minSize: 0, maxSize: 1}]",
                        "autoScalingGroups[1].name: \"g\" is already used by autoScalingGroups[0]"),
                Arguments.of(asg(", policies: [{name: p, policyType: SimpleScaling, adjustmentType: ChangeInCapacity, "
                        + "scalingAdjustment: 1, " + ALARM + "}, {name: p, policyType: SimpleScaling, adjustmentType: "
                        + "ChangeInCapacity, scalingAdjustment: -1, " + ALARM + "}]"),
                        "autoScalingGroups[0].policies[1].name: \"p\" is already used by autoScalingGroups[0].policies[0]"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + "targetTrackingConfiguration: {}, " + ALARM), p0 + "targetTrackingConfiguration: unknown key (expected "
                        + "one of: name, policyType, adjustmentType, scalingAdjustment, minAdjustmentMagnitude, cooldownSeconds, alarm)"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("metricName: CPUUtilization, ", "")), p0 + "alarm.metricName: required key is missing"),
                Arguments.of(policy("policyType: TargetTrackingScaling, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ASGAverageCPUUtilization, resourceLabel: web, targetValue: 50}"),
                        p0 + "targetTrackingConfiguration.resourceLabel: only allowed for predefinedMetricType ALBRequestCountPerTarget"),
                Arguments.of(policy("policyType: TargetTrackingScaling, estimatedInstanceWarmupSeconds: -5, targetTrackingConfiguration: "
                        + "{predefinedMetricType: ASGAverageCPUUtilization, targetValue: 50}"),
                        p0 + "estimatedInstanceWarmupSeconds: -5 (expected: 0..3600)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: "
                        + "[{metricIntervalLowerBound: -10, metricIntervalUpperBound: 0, scalingAdjustment: -1}, "
                        + "{metricIntervalLowerBound: 0, scalingAdjustment: 1}]"),
                        p0 + "stepAdjustments: a step has a negative metricIntervalLowerBound (expected: also a step without "
                                + "metricIntervalLowerBound)"),
                Arguments.of(policy("policyType: StepScaling, adjustmentType: ChangeInCapacity, " + ALARM + ", stepAdjustments: []"),
                        p0 + "stepAdjustments: empty (expected: at least one step adjustment)"),
                Arguments.of(scheduled("recurrence: '0 8 * * *', minSize: 1", ", {name: s, recurrence: '0 9 * * *', minSize: 2}"),
                        "autoScalingGroups[0].scheduledActions[1].name: \"s\" is already used by autoScalingGroups[0].scheduledActions[0]"),
                Arguments.of(scheduled("recurrence: '0 8 * * *', minSize: 1, desiredCapacity: 0"),
                        s0 + "desiredCapacity: 0 (expected: between minSize and maxSize)"),
                // lifecycle hooks
                Arguments.of(hook("heartbeatTimeout: 60"), "autoScalingGroups[0].lifecycleHooks[0].lifecycleTransition: required key is missing"),
                Arguments.of(hook("lifecycleTransition: EC2_INSTANCE_LAUNCHING"),
                        "autoScalingGroups[0].lifecycleHooks[0].lifecycleTransition: \"EC2_INSTANCE_LAUNCHING\" (expected: "
                                + "autoscaling:EC2_INSTANCE_LAUNCHING | autoscaling:EC2_INSTANCE_TERMINATING)"),
                Arguments.of(hook("lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', heartbeatTimeout: 10"),
                        "autoScalingGroups[0].lifecycleHooks[0].heartbeatTimeout: 10 (expected: 30..7200)"),
                Arguments.of(hook("lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', defaultResult: continue"),
                        "autoScalingGroups[0].lifecycleHooks[0].defaultResult: \"continue\" (expected: CONTINUE | ABANDON)"),
                Arguments.of(hook("lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', timeout: 60"),
                        "autoScalingGroups[0].lifecycleHooks[0].timeout: unknown key (expected one of: name, "
                                + "lifecycleTransition, heartbeatTimeout, defaultResult, notificationMetadata)"),
                Arguments.of(hook("lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING'",
                        ", {name: h, lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING'}"),
                        "autoScalingGroups[0].lifecycleHooks[1].name: \"h\" is already used by autoScalingGroups[0].lifecycleHooks[0]"),
                Arguments.of(policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, "
                        + ALARM.replace("}", ", treatMissingData: missingg}")),
                        p0 + "alarm.treatMissingData: \"missingg\" (expected: missing | notBreaching | breaching | ignore)"),
                Arguments.of(asg(", maxInstanceLifetime: 30"),
                        "autoScalingGroups[0].maxInstanceLifetime: 30 (expected: 0 for no limit, or 60..31536000 seconds)"),
                // instance maintenance policy
                Arguments.of(maintenance("minHealthyPercentage: 90"), IMP + "maxHealthyPercentage: required key is missing"),
                Arguments.of(maintenance("minHealthyPercentage: 101, maxHealthyPercentage: 150"),
                        IMP + "minHealthyPercentage: 101 (expected: 0..100, or -1 for no policy)"),
                Arguments.of(maintenance("minHealthyPercentage: 90, maxHealthyPercentage: 99"),
                        IMP + "maxHealthyPercentage: 99 (expected: 100..200, or -1 for no policy)"),
                Arguments.of(maintenance("minHealthyPercentage: 90, maxHealthyPercentage: 201"),
                        IMP + "maxHealthyPercentage: 201 (expected: 100..200, or -1 for no policy)"),
                Arguments.of(maintenance("minHealthyPercentage: 50, maxHealthyPercentage: 200"),
                        IMP + "maxHealthyPercentage: 200 (expected: at most 100 above minHealthyPercentage 50)"),
                Arguments.of(maintenance("minHealthyPercentage: -1, maxHealthyPercentage: 150"),
                        IMP + "minHealthyPercentage: -1 (expected: -1 in both percentages, for no policy, or in neither)"),
                Arguments.of(maintenance("minHealthyPercentage: 90, maxHealthyPercentage: 150, maxHealthy: 1"),
                        IMP + "maxHealthy: unknown key (expected one of: minHealthyPercentage, maxHealthyPercentage)"),
                // warm pools
                Arguments.of(asg(", warmPool: {minSize: -1}"), "autoScalingGroups[0].warmPool.minSize: -1 (expected: 0..10000)"),
                Arguments.of(asg(", warmPool: {maxGroupPreparedCapacity: 0}"),
                        "autoScalingGroups[0].warmPool.maxGroupPreparedCapacity: 0 (expected: at least the group's minSize 1)"),
                Arguments.of(asg(", warmPool: {poolState: stopped}"),
                        "autoScalingGroups[0].warmPool.poolState: \"stopped\" (expected: Stopped | Running | Hibernated)"),
                Arguments.of(asg(", warmPool: {instanceReusePolicy: {reuse: true}}"),
                        "autoScalingGroups[0].warmPool.instanceReusePolicy.reuse: unknown key (expected one of: reuseOnScaleIn)"),
                // variables
                Arguments.of(tg(", healthCheck: {path: '/${NOPE}'}"),
                        "targetGroups[0].healthCheck.path: ${NOPE} is not defined (set the environment variable NOPE)"),
                Arguments.of(tg(", healthCheck: {path: '/${1X}'}"),
                        "targetGroups[0].healthCheck.path: ${1X} is not a variable name (expected: letters, digits and _)"),
                Arguments.of(tg(", healthCheck: {path: '/${NOPE'}"),
                        "targetGroups[0].healthCheck.path: \"/${NOPE\" has an unterminated ${ (expected: ${NAME})"));
    }

    @ParameterizedTest
    @MethodSource
    void oneError(String yaml, String expected) {
        assertThat(errors(yaml)).containsExactly(expected);
    }

    @Test
    void metricMathCyclesNameEveryExpressionOnThem() {
        String p = "autoScalingGroups[0].policies[0]." + MATH;
        assertThat(errors(math(M1 + ", {id: e1, expression: 'e2 + m1', returnData: false}, {id: e2, expression: 'e1'}")))
                .containsExactly(p + ".metrics[1].expression: 'e1' depends on itself (e1 -> e2 -> e1) (expected: no cycles)",
                        p + ".metrics[2].expression: 'e2' depends on itself (e2 -> e1 -> e2) (expected: no cycles)");
    }

    @Test
    void unknownKeyInARuleNamesTheRuleAndTheKnownKeys() {
        String yaml = listener(", rules: [{priority: 10, conditions: {pathPattern: [/a]}, action: {forward: {targetGroup: api}}}, "
                + "{prioritty: 20, conditions: {pathPattern: [/b]}, action: {forward: {targetGroup: api}}}]");
        assertThat(errors(yaml)).containsExactly(
                "loadBalancers[0].listeners[0].rules[1].prioritty: unknown key (expected one of: priority, conditions, action, transforms)",
                "loadBalancers[0].listeners[0].rules[1].priority: required key is missing");
    }

    @Test
    void reportsEveryErrorAtOnceWithItsPath() {
        String yaml = """
                workerThreads: -2
                targetGroups:
                  - name: web
                    healthCheck: { matcher: "20x" }
                  - name: api
                    healthCheck: { intervalSeconds: 0 }
                launchTemplates:
                  - name: app
                    versions: [{ command: [run] }]
                autoScalingGroups:
                  - name: g
                    launchTemplate: { name: app }
                    minSize: 1
                    maxSize: 2
                    targetGroups: [wbe]
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "x.yaml", VARS));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "workerThreads: -2 (expected: 0..4096)",
                "targetGroups[0].healthCheck.matcher: \"20x\" (expected: codes like 200, 200-299 or 200,302)",
                "targetGroups[1].healthCheck.intervalSeconds: 0 (expected: 5..300)",
                "autoScalingGroups[0].targetGroups[0]: \"wbe\" is not a target group (known: web, api)");
        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                e.errors().stream().map(ConfigError::toString).toList()));
        assertThat(e.errors().get(2)).isEqualTo(new ConfigError("targetGroups[1].healthCheck.intervalSeconds", "0 (expected: 5..300)"));
    }

    @Test
    void yamlSyntaxErrorNamesFileLineAndColumn() {
        String yaml = "targetGroups:\n  - name: web\n    healthCheck: { path: /x\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "bad.yaml", VARS));
        assertThat(e.errors()).hasSize(1);
        assertThat(e.getMessage()).isEqualTo("bad.yaml:4:1: expected ',' or '}', but got <stream end> (while parsing a flow mapping)");
    }

    @Test
    void duplicateKeyIsASyntaxErrorWithLocation() {
        String yaml = "workerThreads: 1\nworkerThreads: 2\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "dup.yaml", VARS));
        assertThat(e.getMessage()).isEqualTo("dup.yaml:2:14: key 'workerThreads' appears twice in one mapping");
    }

    @Test
    void tabIndentationIsASyntaxErrorWithLocation() {
        String yaml = "targetGroups:\n\t- name: web\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "tab.yaml", VARS));
        assertThat(e.getMessage()).startsWith("tab.yaml:2:1: found character '\\t(TAB)' that cannot start any token");
    }

    @Test
    void missingFileIsAnError() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(java.nio.file.Path.of("does-not-exist.yaml"), VARS));
        assertThat(e.getMessage()).startsWith("does-not-exist.yaml: cannot read the file");
    }
}
