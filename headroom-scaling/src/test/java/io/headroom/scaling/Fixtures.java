package io.headroom.scaling;

import static org.awaitility.Awaitility.await;

import io.headroom.core.config.AdminConfig;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.AutoScalingGroupConfig.HealthCheckType;
import io.headroom.core.config.AutoScalingGroupConfig.TerminationPolicy;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.InstanceMaintenancePolicyConfig;
import io.headroom.core.config.LaunchTemplateConfig;
import io.headroom.core.config.LifecycleHookConfig;
import io.headroom.core.config.ScalingPolicyConfig;
import io.headroom.core.config.ScheduledActionConfig;
import io.headroom.core.config.WarmPoolConfig;
import io.headroom.core.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Config records for the controller tests, built the way the config loader would. */
final class Fixtures {
    private Fixtures() {}

    /** A group of the given sizes with AWS's defaults otherwise; the with-methods change one thing. */
    record Group(String name, String template, int min, int max, int desired, List<String> zones, List<String> targetGroups,
            HealthCheckType type, int grace, int warmup, List<TerminationPolicy> termination,
            List<ScheduledActionConfig> scheduled, List<ScalingPolicyConfig> policies) {

        static Group of(String name, String template, int min, int max, int desired) {
            return new Group(name, template, min, max, desired, List.of("zone-a"), List.of(), HealthCheckType.EC2, 30, 0,
                    List.of(TerminationPolicy.DEFAULT), List.of(), List.of());
        }

        Group elb(String targetGroup, int graceSeconds) {
            return new Group(name, template, min, max, desired, zones, List.of(targetGroup), HealthCheckType.ELB, graceSeconds,
                    warmup, termination, scheduled, policies);
        }

        Group zones(String... z) {
            return new Group(name, template, min, max, desired, List.of(z), targetGroups, type, grace, warmup, termination,
                    scheduled, policies);
        }

        Group termination(TerminationPolicy... p) {
            return new Group(name, template, min, max, desired, zones, targetGroups, type, grace, warmup, List.of(p), scheduled,
                    policies);
        }

        Group scheduled(ScheduledActionConfig... s) {
            return new Group(name, template, min, max, desired, zones, targetGroups, type, grace, warmup, termination,
                    List.of(s), policies);
        }

        Group sizes(int newMin, int newMax, int newDesired) {
            return new Group(name, template, newMin, newMax, newDesired, zones, targetGroups, type, grace, warmup, termination,
                    scheduled, policies);
        }

        Group warmup(int seconds) {
            return new Group(name, template, min, max, desired, zones, targetGroups, type, grace, seconds, termination,
                    scheduled, policies);
        }

        Group policies(ScalingPolicyConfig... p) {
            return new Group(name, template, min, max, desired, zones, targetGroups, type, grace, warmup, termination,
                    scheduled, List.of(p));
        }

        AutoScalingGroupConfig config() {
            return new AutoScalingGroupConfig(name, template, "$Latest", min, max, desired, zones, targetGroups, type, grace,
                    warmup, 300, termination, policies, scheduled);
        }
    }

    static LaunchTemplateConfig template(String name, List<String> command) {
        return new LaunchTemplateConfig(name, List.of(
                new LaunchTemplateConfig.Version(1, command, Map.of("APP_ENV", "test"), null, 1.0, 5)));
    }

    /** Closes each in turn (nulls skipped), the rest also when one fails; the first failure is thrown. */
    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Ticks (one second of controller time per poll) until the condition holds; 30 s of real time at most. */
    static void tickUntil(AutoScalingController controller, ManualClock clock, Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            controller.tick(clock.advanceSeconds(1));
            return condition.call();
        });
    }

    static HeadroomConfig config(List<LaunchTemplateConfig> templates, Group... groups) {
        return config(templates, java.util.Arrays.stream(groups).map(Group::config).toArray(AutoScalingGroupConfig[]::new));
    }

    static HeadroomConfig config(List<LaunchTemplateConfig> templates, AutoScalingGroupConfig... groups) {
        return new HeadroomConfig(new AdminConfig("127.0.0.1", 9900, null), Path.of(".headroom"), 0, List.of(), List.of(),
                templates, List.of(groups), List.of());
    }

    /** {@code c} with this warm pool instead of its own. */
    static AutoScalingGroupConfig withWarmPool(AutoScalingGroupConfig c, WarmPoolConfig pool) {
        return copy(c, c.launchTemplateVersion(), c.lifecycleHooks(), pool, c.maxInstanceLifetime(),
                c.instanceMaintenancePolicy());
    }

    /** {@code c} with these lifecycle hooks instead of its own. */
    static AutoScalingGroupConfig withHooks(AutoScalingGroupConfig c, LifecycleHookConfig... hooks) {
        return copy(c, c.launchTemplateVersion(), List.of(hooks), c.warmPool(), c.maxInstanceLifetime(),
                c.instanceMaintenancePolicy());
    }

    /** {@code c} with this maximum instance lifetime (seconds; 0 for none). */
    static AutoScalingGroupConfig withMaxInstanceLifetime(AutoScalingGroupConfig c, int seconds) {
        return copy(c, c.launchTemplateVersion(), c.lifecycleHooks(), c.warmPool(), seconds,
                c.instanceMaintenancePolicy());
    }

    /** {@code c} launching this launch template version ("2", "$Latest", "$Default") instead of its own. */
    static AutoScalingGroupConfig withLaunchTemplateVersion(AutoScalingGroupConfig c, String version) {
        return copy(c, version, c.lifecycleHooks(), c.warmPool(), c.maxInstanceLifetime(),
                c.instanceMaintenancePolicy());
    }

    /** {@code c} with this instance maintenance policy (min %, max %) instead of its own; null for none. */
    static AutoScalingGroupConfig withInstanceMaintenancePolicy(AutoScalingGroupConfig c, int minHealthyPercentage,
                                                                int maxHealthyPercentage) {
        return copy(c, c.launchTemplateVersion(), c.lifecycleHooks(), c.warmPool(), c.maxInstanceLifetime(),
                new InstanceMaintenancePolicyConfig(minHealthyPercentage, maxHealthyPercentage));
    }

    private static AutoScalingGroupConfig copy(AutoScalingGroupConfig c, String version, List<LifecycleHookConfig> hooks,
                                               WarmPoolConfig pool, int lifetime, InstanceMaintenancePolicyConfig policy) {
        return new AutoScalingGroupConfig(c.name(), c.launchTemplateName(), version, c.minSize(),
                c.maxSize(), c.desiredCapacity(), c.availabilityZones(), c.targetGroups(), c.healthCheckType(),
                c.healthCheckGracePeriodSeconds(), c.defaultInstanceWarmupSeconds(), c.defaultCooldownSeconds(),
                c.terminationPolicies(), c.policies(), c.scheduledActions(), hooks, pool, lifetime, policy);
    }
}
