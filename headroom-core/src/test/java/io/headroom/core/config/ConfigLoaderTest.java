package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.headroom.core.config.ActionConfig.FixedResponse;
import io.headroom.core.config.ActionConfig.Forward;
import io.headroom.core.config.ActionConfig.Redirect;
import io.headroom.core.config.ActionConfig.WeightedTargetGroup;
import io.headroom.core.config.AutoScalingGroupConfig.HealthCheckType;
import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import io.headroom.core.config.ScalingPolicyConfig.PredefinedMetricType;
import io.headroom.core.config.ScalingPolicyConfig.StepAdjustment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Valid files: defaults applied, values bound, variables expanded, both examples load. */
class ConfigLoaderTest {
    static final Map<String, String> VARS = ConfigLoaderErrorsTest.VARS;

    static HeadroomConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", VARS);
    }

    @Test
    void emptyFileIsAValidConfigWithDefaults() throws Exception {
        for (String yaml : List.of("", "# nothing\n", "---\n", "loadBalancers: []\ntargetGroups:\n")) {
            HeadroomConfig c = parse(yaml);
            assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 9900, null));
            assertThat(c.stateDir()).isEqualTo(Path.of(".headroom"));
            assertThat(c.workerThreads()).isZero();
            assertThat(c.loadBalancers()).isEmpty();
            assertThat(c.targetGroups()).isEmpty();
            assertThat(c.launchTemplates()).isEmpty();
            assertThat(c.autoScalingGroups()).isEmpty();
        }
    }

    @Test
    void targetGroupGetsAwsDefaults() throws Exception {
        TargetGroupConfig tg = parse("targetGroups: [{name: web}]").targetGroups().get(0);
        assertThat(tg.protocol()).isEqualTo(TargetGroupConfig.Protocol.HTTP);
        assertThat(tg.protocolVersion()).isEqualTo("HTTP1");
        assertThat(tg.algorithm()).isEqualTo(TargetGroupConfig.Algorithm.ROUND_ROBIN);
        assertThat(tg.deregistrationDelaySeconds()).isEqualTo(300);
        assertThat(tg.slowStartSeconds()).isZero();
        assertThat(tg.stickiness()).isEqualTo(StickinessConfig.disabled());
        assertThat(tg.proxyProtocolV2()).isFalse();
        assertThat(tg.targets()).isEmpty();
        HealthCheckConfig hc = tg.healthCheck();
        assertThat(hc.protocol()).isEqualTo(HealthCheckConfig.Protocol.HTTP);
        assertThat(hc.path()).isEqualTo("/");
        assertThat(hc.port()).isZero();
        assertThat(hc.intervalSeconds()).isEqualTo(30);
        assertThat(hc.timeoutSeconds()).isEqualTo(5);
        assertThat(hc.healthyThreshold()).isEqualTo(5);
        assertThat(hc.unhealthyThreshold()).isEqualTo(2);
        assertThat(hc.matcher().spec()).isEqualTo("200");
        assertThat(hc.matcher().matches(200)).isTrue();
        assertThat(hc.matcher().matches(204)).isFalse();
    }

    @Test
    void tcpTargetGroupChecksTcpWithTenSecondTimeout() throws Exception {
        TargetGroupConfig tg = parse("targetGroups: [{name: db, protocol: TCP, proxyProtocolV2: true}]").targetGroups().get(0);
        assertThat(tg.healthCheck().protocol()).isEqualTo(HealthCheckConfig.Protocol.TCP);
        assertThat(tg.healthCheck().timeoutSeconds()).isEqualTo(10);
        assertThat(tg.healthCheck().path()).isNull();
        assertThat(tg.protocolVersion()).isNull();
        assertThat(tg.proxyProtocolV2()).isTrue();
    }

    @Test
    void defaultTimeoutStaysBelowAShortInterval() throws Exception {
        HealthCheckConfig hc = parse("targetGroups: [{name: web, healthCheck: {intervalSeconds: 5}}]").targetGroups().get(0).healthCheck();
        assertThat(hc.timeoutSeconds()).isEqualTo(4);
    }

    @Test
    void targetGroupValuesAreBound() throws Exception {
        TargetGroupConfig tg = parse("""
                targetGroups:
                  - name: web
                    algorithm: weighted_random
                    healthCheck: { protocol: HTTP, path: /health, port: 9100, matcher: "200,302", intervalSeconds: 10,
                                   timeoutSeconds: 3, healthyThreshold: 3, unhealthyThreshold: 4 }
                    deregistrationDelaySeconds: 0
                    slowStartSeconds: 30
                    stickiness: { enabled: true, type: app_cookie, cookieName: SESSION, durationSeconds: 60 }
                    targets: [{ host: 127.0.0.1, port: 9001 }, { host: "::1", port: 9002 }, { host: localhost, port: 9003 }]
                """).targetGroups().get(0);
        assertThat(tg.algorithm()).isEqualTo(TargetGroupConfig.Algorithm.WEIGHTED_RANDOM);
        assertThat(tg.healthCheck()).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/health", 9100, 10, 3,
                3, 4, tg.healthCheck().matcher()));
        assertThat(tg.healthCheck().matcher().matches(302)).isTrue();
        assertThat(tg.deregistrationDelaySeconds()).isZero();
        assertThat(tg.slowStartSeconds()).isEqualTo(30);
        assertThat(tg.stickiness()).isEqualTo(new StickinessConfig(true, StickinessConfig.Type.APP_COOKIE, 60, "SESSION"));
        assertThat(tg.targets()).containsExactly(new TargetGroupConfig.TargetConfig("127.0.0.1", 9001),
                new TargetGroupConfig.TargetConfig("::1", 9002), new TargetGroupConfig.TargetConfig("localhost", 9003));
    }

    @Test
    void listenerDefaultsAndRulesSortedByPriority() throws Exception {
        HeadroomConfig c = parse("""
                targetGroups: [{ name: web }, { name: api }]
                loadBalancers:
                  - name: web
                    listeners:
                      - port: 8080
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                          - priority: 30
                            conditions: { pathPattern: ["/admin/*"] }
                            action: { fixedResponse: { statusCode: 403 } }
                          - priority: 10
                            conditions:
                              pathPattern: ["/api/*"]
                              hostHeader: ["*.example.com"]
                              httpHeader: { name: X-Env, values: [canary] }
                              httpRequestMethod: [GET, HEAD]
                              queryString: [{ key: version, value: "v2*" }, { value: debug }]
                              sourceIp: ["10.0.0.0/8", "::1/128"]
                            action:
                              forward:
                                targetGroups: [{ name: api, weight: 90 }, { name: web, weight: 10 }]
                                stickiness: { enabled: true, durationSeconds: 600 }
                          - priority: 20
                            conditions: { httpHeader: [{ name: A, values: [x] }, { name: B, values: [y, z] }] }
                            action: { redirect: { path: "/new/#{path}", statusCode: HTTP_302 } }
                """);
        LoadBalancerConfig lb = c.loadBalancers().get(0);
        assertThat(lb.type()).isEqualTo(LoadBalancerConfig.Type.APPLICATION);
        assertThat(lb.idleTimeoutSeconds()).isEqualTo(60);
        assertThat(lb.desyncMitigationMode()).isEqualTo(LoadBalancerConfig.DesyncMitigationMode.DEFENSIVE);
        assertThat(lb.xffHeaderProcessingMode()).isEqualTo(LoadBalancerConfig.XffHeaderProcessingMode.APPEND);
        assertThat(lb.xffClientPortEnabled()).isFalse();
        assertThat(lb.http2Enabled()).isTrue();
        assertThat(lb.clientKeepAliveSeconds()).isEqualTo(3600);
        assertThat(lb.accessLog()).isEqualTo(LoadBalancerConfig.AccessLogConfig.disabled());
        ListenerConfig l = lb.listeners().get(0);
        assertThat(l.address()).isEqualTo("127.0.0.1");
        assertThat(l.protocol()).isEqualTo(ListenerConfig.Protocol.HTTP);
        assertThat(l.certificates()).isEmpty();
        assertThat(l.defaultAction()).isInstanceOfSatisfying(Forward.class,
                f -> assertThat(f.targetGroups()).containsExactly(new WeightedTargetGroup("web", 1)));
        assertThat(l.rules()).extracting(RuleConfig::priority).containsExactly(10, 20, 30);

        RuleConfig r10 = l.rules().get(0);
        ConditionsConfig cond = r10.conditions();
        assertThat(cond.pathPattern()).containsExactly("/api/*");
        assertThat(cond.hostHeader()).containsExactly("*.example.com");
        assertThat(cond.httpHeader()).containsExactly(new ConditionsConfig.HttpHeaderCondition("X-Env", List.of("canary")));
        assertThat(cond.httpRequestMethod()).containsExactly("GET", "HEAD");
        assertThat(cond.queryString()).containsExactly(new ConditionsConfig.QueryStringCondition("version", "v2*"),
                new ConditionsConfig.QueryStringCondition(null, "debug"));
        assertThat(cond.sourceIp()).containsExactly("10.0.0.0/8", "::1/128");
        assertThat(r10.action()).isEqualTo(new Forward(List.of(new WeightedTargetGroup("api", 90), new WeightedTargetGroup("web", 10)),
                new StickinessConfig(true, StickinessConfig.Type.LB_COOKIE, 600, null)));

        RuleConfig r20 = l.rules().get(1);
        assertThat(r20.conditions().httpHeader()).hasSize(2);
        assertThat(r20.action()).isEqualTo(new Redirect("#{protocol}", "#{host}", "#{port}", "/new/#{path}", "#{query}", 302));
        assertThat(l.rules().get(2).action()).isEqualTo(new FixedResponse(403, "text/plain", ""));
    }

    @Test
    void redirectDefaultsToAws301() throws Exception {
        HeadroomConfig c = parse(ConfigLoaderErrorsTest.listener(
                ", rules: [{priority: 1, conditions: {pathPattern: [/a]}, action: {redirect: {protocol: HTTPS, port: 443}}}]"));
        assertThat(c.loadBalancers().get(0).listeners().get(0).rules().get(0).action())
                .isEqualTo(new Redirect("HTTPS", "#{host}", "443", "/#{path}", "#{query}", 301));
    }

    @Test
    void httpsListenerWithCertificates() throws Exception {
        ListenerConfig l = parse(ConfigLoaderErrorsTest.listener(", protocol: HTTPS, address: 0.0.0.0, certificates: "
                + "[{certificateFile: site.pem, privateKeyFile: site.key}, {selfSigned: {commonName: localhost}}], sslPolicy: tls13"))
                .loadBalancers().get(0).listeners().get(0);
        assertThat(l.address()).isEqualTo("0.0.0.0");
        assertThat(l.sslPolicy()).isEqualTo("tls13");
        assertThat(l.certificates()).containsExactly(new ListenerConfig.CertificateConfig("site.pem", "site.key", null),
                new ListenerConfig.CertificateConfig(null, null, "localhost"));
    }

    @Test
    void networkLoadBalancerDefaults() throws Exception {
        LoadBalancerConfig lb = parse("""
                targetGroups: [{ name: db, protocol: TCP }]
                loadBalancers:
                  - name: db
                    type: network
                    listeners: [{ port: 5432, defaultAction: { forward: { targetGroup: db } } }]
                """).loadBalancers().get(0);
        assertThat(lb.type()).isEqualTo(LoadBalancerConfig.Type.NETWORK);
        assertThat(lb.idleTimeoutSeconds()).isEqualTo(350);
        assertThat(lb.listeners().get(0).protocol()).isEqualTo(ListenerConfig.Protocol.TCP);
    }

    @Test
    void samePortOnDifferentAddressesIsFine() throws Exception {
        HeadroomConfig c = parse("""
                targetGroups: [{ name: web }]
                loadBalancers:
                  - name: a
                    listeners:
                      - { port: 8080, address: 127.0.0.1, defaultAction: { forward: { targetGroup: web } } }
                      - { port: 8080, address: 127.0.0.2, defaultAction: { forward: { targetGroup: web } } }
                """);
        assertThat(c.loadBalancers().get(0).listeners()).hasSize(2);
    }

    @Test
    void adminListenAndToken() throws Exception {
        HeadroomConfig c = ConfigLoader.parse("admin: { listen: '0.0.0.0:9901', token: '${TOKEN}' }\nstateDir: /var/lib/headroom\n"
                + "workerThreads: 2", "t.yaml", Map.of("TOKEN", "s3cret"));
        assertThat(c.admin()).isEqualTo(new AdminConfig("0.0.0.0", 9901, "s3cret"));
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/headroom"));
        assertThat(c.workerThreads()).isEqualTo(2);
        assertThat(parse("admin: { listen: '[::1]:0' }").admin()).isEqualTo(new AdminConfig("::1", 0, null));
        assertThat(parse("admin: { listen: 'localhost:9000' }").admin()).isEqualTo(new AdminConfig("localhost", 9000, null));
    }

    @Test
    void variablesExpandButLaunchVariablesStay() throws Exception {
        HeadroomConfig c = ConfigLoader.parse("""
                launchTemplates:
                  - name: app
                    versions:
                      - command: ["${HEADROOM_JAVA}", "-Dport=${PORT}", "--id", "${INSTANCE_ID}", "$${LITERAL}",
                                  "${UNSET:-fallback}", "${HOME_DIR:-unused}"]
                        environment: { HOME_DIR: "${HOME_DIR}/x", N: 3, FLAG: true }
                        workingDirectory: "${HOME_DIR}"
                        vcpus: 0.5
                      - command: [second]
                targetGroups: [{ name: web, deregistrationDelaySeconds: "${DELAY}" }]
                """, "t.yaml", Map.of("HEADROOM_JAVA", "/opt/java", "HOME_DIR", "/home/u", "DELAY", "12"));
        LaunchTemplateConfig lt = c.launchTemplates().get(0);
        LaunchTemplateConfig.Version v1 = lt.versions().get(0);
        assertThat(v1.versionNumber()).isEqualTo(1);
        assertThat(v1.command()).containsExactly("/opt/java", "-Dport=${PORT}", "--id", "${INSTANCE_ID}", "${LITERAL}",
                "fallback", "/home/u");
        assertThat(v1.environment()).isEqualTo(Map.of("HOME_DIR", "/home/u/x", "N", "3", "FLAG", "true"));
        assertThat(v1.workingDirectory()).isEqualTo("/home/u");
        assertThat(v1.vcpus()).isEqualTo(0.5);
        assertThat(v1.terminationGracePeriodSeconds()).isEqualTo(30);
        assertThat(lt.versions().get(1).versionNumber()).isEqualTo(2);
        assertThat(lt.versions().get(1).vcpus()).isEqualTo(1.0);
        assertThat(lt.resolve("$Latest").command()).containsExactly("second");
        assertThat(c.targetGroups().get(0).deregistrationDelaySeconds()).isEqualTo(12);
    }

    @Test
    void emptyFallbackLeavesAdminTokenUnset() throws Exception {
        assertThat(ConfigLoader.parse("admin: { token: '${HEADROOM_ADMIN_TOKEN:-}' }", "t.yaml", Map.of()).admin().token()).isNull();
    }

    @Test
    void undefinedVariableNamesThePath() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(
                "launchTemplates: [{name: app, versions: [{command: ['${JAVA_HOME}/bin/java', '${PORT}']}]}]", "t.yaml", Map.of()));
        assertThat(e.errors()).containsExactly(new ConfigError("launchTemplates[0].versions[0].command[0]",
                "${JAVA_HOME} is not defined (set the environment variable JAVA_HOME)"));
    }

    @Test
    void autoScalingGroupDefaults() throws Exception {
        AutoScalingGroupConfig g = parse(ConfigLoaderErrorsTest.TGS + ConfigLoaderErrorsTest.LT
                + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 2, maxSize: 5}]").autoScalingGroups().get(0);
        assertThat(g.launchTemplateName()).isEqualTo("app");
        assertThat(g.launchTemplateVersion()).isEqualTo("$Default");
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(g.availabilityZones()).containsExactly("zone-a");
        assertThat(g.targetGroups()).isEmpty();
        assertThat(g.healthCheckType()).isEqualTo(HealthCheckType.EC2);
        assertThat(g.healthCheckGracePeriodSeconds()).isEqualTo(300);
        assertThat(g.defaultInstanceWarmupSeconds()).isEqualTo(10);
        assertThat(g.defaultCooldownSeconds()).isEqualTo(300);
        assertThat(g.terminationPolicies()).containsExactly(TerminationPolicy.DEFAULT);
        assertThat(g.policies()).isEmpty();
        assertThat(g.scheduledActions()).isEmpty();
        assertThat(g.lifecycleHooks()).isEmpty();
        assertThat(g.warmPool()).isNull();
        assertThat(g.maxInstanceLifetime()).isZero();
        assertThat(g.instanceMaintenancePolicy()).isNull();
    }

    @Test
    void instanceMaintenancePolicyIsBoundAndMinusOneInBothIsNone() throws Exception {
        String yaml = ConfigLoaderErrorsTest.TGS + ConfigLoaderErrorsTest.LT + "autoScalingGroups: [{name: g,"
                + " launchTemplate: {name: app}, minSize: 2, maxSize: 5, instanceMaintenancePolicy: %s}]";
        assertThat(parse(yaml.formatted("{minHealthyPercentage: 100, maxHealthyPercentage: 110}")).autoScalingGroups()
                .get(0).instanceMaintenancePolicy()).isEqualTo(new InstanceMaintenancePolicyConfig(100, 110));
        assertThat(parse(yaml.formatted("{minHealthyPercentage: -1, maxHealthyPercentage: -1}")).autoScalingGroups()
                .get(0).instanceMaintenancePolicy()).isNull();
    }

    @Test
    void treatMissingDataIsBoundAndDefaultsToMissing() throws Exception {
        String yaml = ConfigLoaderErrorsTest.policy("policyType: SimpleScaling, adjustmentType: ChangeInCapacity,"
                + " scalingAdjustment: 1, " + ConfigLoaderErrorsTest.ALARM.replace("}", "%s}"));
        ScalingPolicyConfig.Simple plain = (ScalingPolicyConfig.Simple) parse(yaml.formatted("")).autoScalingGroups().get(0)
                .policies().get(0);
        assertThat(plain.alarm().treatMissingData()).isEqualTo(AlarmConfig.TreatMissingData.MISSING);
        ScalingPolicyConfig.Simple breaching = (ScalingPolicyConfig.Simple) parse(yaml.formatted(
                ", treatMissingData: breaching")).autoScalingGroups().get(0).policies().get(0);
        assertThat(breaching.alarm().treatMissingData()).isEqualTo(AlarmConfig.TreatMissingData.BREACHING);
    }

    @Test
    void aWarmPoolIsBoundWithAwsDefaults() throws Exception {
        String yaml = ConfigLoaderErrorsTest.TGS + ConfigLoaderErrorsTest.LT
                + "autoScalingGroups: [{name: g, launchTemplate: {name: app}, minSize: 1, maxSize: 5, warmPool: %s}]";
        WarmPoolConfig defaults = parse(yaml.formatted("{}")).autoScalingGroups().get(0).warmPool();
        assertThat(defaults).isEqualTo(new WarmPoolConfig(0, null, WarmPoolConfig.PoolState.Stopped, false));
        assertThat(defaults.size(2, 5)).isEqualTo(3); // maxSize - desired
        WarmPoolConfig set = parse(yaml.formatted("{minSize: 2, maxGroupPreparedCapacity: 4, poolState: Running,"
                + " instanceReusePolicy: {reuseOnScaleIn: true}}")).autoScalingGroups().get(0).warmPool();
        assertThat(set).isEqualTo(new WarmPoolConfig(2, 4, WarmPoolConfig.PoolState.Running, true));
        assertThat(set.size(1, 5)).isEqualTo(3);
        assertThat(set.size(4, 5)).isEqualTo(2); // never below minSize
        assertThat(set.stopped()).isFalse();
    }

    @Test
    void lifecycleHooksAreBoundWithAwsDefaults() throws Exception {
        AutoScalingGroupConfig g = parse(ConfigLoaderErrorsTest.TGS + ConfigLoaderErrorsTest.LT + """
                autoScalingGroups:
                  - name: g
                    launchTemplate: {name: app}
                    minSize: 1
                    maxSize: 3
                    lifecycleHooks:
                      - name: warm-cache
                        lifecycleTransition: autoscaling:EC2_INSTANCE_LAUNCHING
                      - name: upload/logs
                        lifecycleTransition: autoscaling:EC2_INSTANCE_TERMINATING
                        heartbeatTimeout: 300
                        defaultResult: CONTINUE
                        notificationMetadata: '{"bucket": "logs"}'
                """).autoScalingGroups().get(0);
        assertThat(g.lifecycleHooks()).containsExactly(
                new LifecycleHookConfig("warm-cache", LifecycleHookConfig.Transition.LAUNCHING, 3600,
                        LifecycleHookConfig.Result.ABANDON, null),
                new LifecycleHookConfig("upload/logs", LifecycleHookConfig.Transition.TERMINATING, 300,
                        LifecycleHookConfig.Result.CONTINUE, "{\"bucket\": \"logs\"}"));
        assertThat(g.lifecycleHooks(LifecycleHookConfig.Transition.TERMINATING)).extracting(LifecycleHookConfig::name)
                .containsExactly("upload/logs");
    }

    @Test
    void policiesAndScheduledActionsAreBound() throws Exception {
        AutoScalingGroupConfig g = parse(ConfigLoaderErrorsTest.TGS + ConfigLoaderErrorsTest.LT + """
                autoScalingGroups:
                  - name: g
                    launchTemplate: { name: app, version: 1 }
                    minSize: 0
                    maxSize: 10
                    targetGroups: [api, web]
                    terminationPolicies: [OldestInstance, Default]
                    policies:
                      - name: rps
                        policyType: TargetTrackingScaling
                        estimatedInstanceWarmupSeconds: 20
                        targetTrackingConfiguration:
                          predefinedMetricType: ALBRequestCountPerTarget
                          targetValue: 1000
                          scaleOutWindowSeconds: 30
                          scaleInWindowSeconds: 120
                      - name: latency
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration:
                          customizedMetric: { metricName: TargetResponseTime, dimensions: { TargetGroup: web }, statistic: p99 }
                          targetValue: 0.25
                          disableScaleIn: true
                      - name: burst
                        policyType: StepScaling
                        adjustmentType: PercentChangeInCapacity
                        minAdjustmentMagnitude: 2
                        stepAdjustments:
                          - { metricIntervalLowerBound: 20, scalingAdjustment: 50 }
                          - { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 10 }
                        alarm: { metricName: CPUUtilization, statistic: Average, periodSeconds: 10, evaluationPeriods: 3,
                                 datapointsToAlarm: 2, threshold: 80, comparisonOperator: GreaterThanThreshold }
                      - name: forecast
                        policyType: PredictiveScaling
                        predictiveScalingConfiguration:
                          metricSpecifications:
                            - targetValue: 800
                              predefinedMetricPairSpecification: { predefinedMetricType: ALBRequestCount }
                          mode: ForecastAndScale
                          schedulingBufferTime: 120
                          maxCapacityBreachBehavior: IncreaseMaxCapacity
                          maxCapacityBuffer: 20
                      - name: forecastOnly
                        policyType: PredictiveScaling
                        predictiveScalingConfiguration:
                          metricSpecifications:
                            - { targetValue: 40, predefinedMetricPairSpecification: { predefinedMetricType: ASGCPUUtilization } }
                      - name: simple
                        adjustmentType: ChangeInCapacity
                        scalingAdjustment: -1
                        cooldownSeconds: 120
                        alarm: { metricName: CPUUtilization, statistic: p90, periodSeconds: 60, evaluationPeriods: 2,
                                 threshold: 10, comparisonOperator: LessThanOrEqualToThreshold }
                    scheduledActions:
                      - { name: morning, recurrence: "0 8 * * MON-FRI", timeZone: Europe/Berlin, minSize: 4, desiredCapacity: 4 }
                      - { name: once, startTime: "2026-12-24T18:00:00Z", endTime: "2026-12-26T00:00:00Z", maxSize: 2 }
                      - { name: local, startTime: "2026-12-24T18:00:00", timeZone: Europe/Berlin, maxSize: 3 }
                """).autoScalingGroups().get(0);
        assertThat(g.launchTemplateVersion()).isEqualTo("1");
        assertThat(g.terminationPolicies()).containsExactly(TerminationPolicy.OLDEST_INSTANCE, TerminationPolicy.DEFAULT);
        assertThat(g.policies()).hasSize(6);
        assertThat(g.policies().get(3)).isEqualTo(new ScalingPolicyConfig.Predictive("forecast",
                ScalingPolicyConfig.PredictiveMetricPair.ALB_REQUEST_COUNT, "api", 800,
                ScalingPolicyConfig.PredictiveMode.FORECAST_AND_SCALE, 120,
                ScalingPolicyConfig.MaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY, 20));
        // AWS's defaults: ForecastOnly, a 300 s scheduling buffer, HonorMaxCapacity.
        assertThat(g.policies().get(4)).isEqualTo(new ScalingPolicyConfig.Predictive("forecastOnly",
                ScalingPolicyConfig.PredictiveMetricPair.ASG_CPU_UTILIZATION, null, 40,
                ScalingPolicyConfig.PredictiveMode.FORECAST_ONLY, 300,
                ScalingPolicyConfig.MaxCapacityBreachBehavior.HONOR_MAX_CAPACITY, null));
        assertThat(g.policies().get(0)).isEqualTo(new ScalingPolicyConfig.TargetTracking("rps",
                PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET, "api", null, 1000, false, 20, 30, 120));
        assertThat(g.policies().get(1)).isEqualTo(new ScalingPolicyConfig.TargetTracking("latency", null, null,
                new ScalingPolicyConfig.MetricSpec("TargetResponseTime", Map.of("TargetGroup", "web"), "p99"), 0.25, true,
                null, null, null));
        ScalingPolicyConfig.Step step = (ScalingPolicyConfig.Step) g.policies().get(2);
        assertThat(step.adjustmentType()).isEqualTo(ScalingPolicyConfig.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY);
        assertThat(step.metricAggregationType()).isEqualTo("Average");
        assertThat(step.minAdjustmentMagnitude()).isEqualTo(2);
        assertThat(step.stepAdjustments()).containsExactly(new StepAdjustment(0.0, 20.0, 10), new StepAdjustment(20.0, null, 50));
        assertThat(step.alarm()).isEqualTo(new AlarmConfig("CPUUtilization", Map.of(), "Average", 10, 3, 2, 80,
                AlarmConfig.ComparisonOperator.GREATER_THAN_THRESHOLD));
        ScalingPolicyConfig.Simple simple = (ScalingPolicyConfig.Simple) g.policies().get(5);
        assertThat(simple.scalingAdjustment()).isEqualTo(-1);
        assertThat(simple.cooldownSeconds()).isEqualTo(120);
        assertThat(simple.alarm().datapointsToAlarm()).isEqualTo(2);
        assertThat(simple.alarm().comparisonOperator()).isEqualTo(AlarmConfig.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD);

        assertThat(g.scheduledActions().get(0)).isEqualTo(new ScheduledActionConfig("morning", "0 8 * * MON-FRI",
                "Europe/Berlin", null, null, 4, null, 4));
        assertThat(g.scheduledActions().get(1)).isEqualTo(new ScheduledActionConfig("once", null, "UTC",
                Instant.parse("2026-12-24T18:00:00Z"), Instant.parse("2026-12-26T00:00:00Z"), null, 2, null));
        assertThat(g.scheduledActions().get(2).startTime()).isEqualTo(Instant.parse("2026-12-24T17:00:00Z"));
    }

    @Test
    void demoExampleLoads() throws Exception {
        HeadroomConfig c = ConfigLoader.load(Path.of("..", "examples", "demo.yaml"), VARS);
        assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 9900, null));
        ListenerConfig l = c.loadBalancers().get(0).listeners().get(0);
        assertThat(c.loadBalancers().get(0).name()).isEqualTo("demo");
        assertThat(l.address() + ":" + l.port()).isEqualTo("127.0.0.1:8080");
        assertThat(l.defaultAction()).isEqualTo(Forward.to("demo"));
        HealthCheckConfig hc = c.targetGroup("demo").orElseThrow().healthCheck();
        assertThat(List.of(hc.path(), hc.intervalSeconds(), hc.timeoutSeconds(), hc.healthyThreshold(), hc.unhealthyThreshold()))
                .containsExactly("/health", 5, 2, 2, 2);
        assertThat(c.targetGroup("demo").orElseThrow().deregistrationDelaySeconds()).isEqualTo(30);
        LaunchTemplateConfig.Version v = c.launchTemplate("demo-app").orElseThrow().resolve("$Latest");
        assertThat(v.command()).containsExactly("/usr/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-Xss512k", "-cp", "headroom.jar", "io.headroom.server.Main", "demo-app", "--port", "${PORT}");
        assertThat(v.vcpus()).isEqualTo(1.0);
        assertThat(v.terminationGracePeriodSeconds()).isEqualTo(10);
        AutoScalingGroupConfig g = c.autoScalingGroup("demo").orElseThrow();
        assertThat(List.of(g.minSize(), g.maxSize(), g.desiredCapacity())).containsExactly(1, 6, 1);
        assertThat(g.availabilityZones()).containsExactly("zone-a", "zone-b");
        assertThat(g.healthCheckType()).isEqualTo(HealthCheckType.ELB);
        assertThat(g.healthCheckGracePeriodSeconds()).isEqualTo(30);
        assertThat(g.policies()).extracting(p -> ((ScalingPolicyConfig.TargetTracking) p).predefinedMetricType())
                .containsExactly(PredefinedMetricType.ASG_AVERAGE_CPU_UTILIZATION, PredefinedMetricType.ALB_REQUEST_COUNT_PER_TARGET);
        assertThat(g.policies()).extracting(p -> ((ScalingPolicyConfig.TargetTracking) p).targetValue()).containsExactly(50.0, 1200.0);
    }

    @Test
    void staticExampleLoads() throws Exception {
        HeadroomConfig c = ConfigLoader.load(Path.of("..", "examples", "static.yaml"), VARS);
        assertThat(c.targetGroup("web").orElseThrow().targets()).extracting(t -> t.host() + ":" + t.port())
                .containsExactly("127.0.0.1:9001", "127.0.0.1:9002");
        assertThat(c.targetGroup("api").orElseThrow().targets()).extracting(t -> t.host() + ":" + t.port())
                .containsExactly("127.0.0.1:9003");
        ListenerConfig l = c.loadBalancers().get(0).listeners().get(0);
        assertThat(l.port()).isEqualTo(8080);
        assertThat(l.rules()).extracting(r -> r.action().getClass().getSimpleName())
                .containsExactly("Forward", "Forward", "Forward", "Forward", "Redirect", "FixedResponse");
        assertThat(l.rules().get(3).conditions().hostHeaderRegex()).containsExactly("^(www\\.)?api\\.example\\.com:8443$");
        assertThat(l.rules().get(1).transforms()).containsExactly(
                new RuleTransformConfig(RuleTransformConfig.Type.URL_REWRITE, "^/v1/(.*)$", "/$1"),
                new RuleTransformConfig(RuleTransformConfig.Type.HOST_HEADER_REWRITE, "^[^:]+", "api.internal"));
    }
}
