package io.headroom.server.lifecycle;

import io.headroom.server.e2e.Support;
import java.nio.file.Path;

/**
 * The config of the lifecycle tests: load balancer {@code web} on {@code lbPort} in front of target group {@code web}
 * and group {@code web} (min 1, max {@code maxSize}, desired 1, ELB health checks) of demo-app instances that complete
 * launch hook {@code hook} themselves once they listen.
 */
final class HookedGroup {
    private HookedGroup() {}

    /**
     * @param admin      the admin block's content after the listen address (e.g. {@code , token: "x"}), or ""
     * @param groupExtra YAML lines added to the group (indented as its keys)
     * @param topExtra   YAML lines added at the top level
     */
    static String config(Path dir, int lbPort, String hook, int maxSize, String admin, String groupExtra, String topExtra) {
        String command = Support.demoAppCommand().replace("\"${PORT}\"]",
                "\"${PORT}\", \"--complete-lifecycle-action\", \"" + hook + "\"]");
        return """
                admin: { listen: "127.0.0.1:0"%s }
                stateDir: %s
                loadBalancers:
                  - name: web
                    listeners: [{ port: %d, protocol: HTTP, defaultAction: { forward: { targetGroup: web } } }]
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    deregistrationDelaySeconds: 5
                launchTemplates:
                  - name: demo
                    versions: [{ command: %s, terminationGracePeriodSeconds: 5 }]
                autoScalingGroups:
                  - name: web
                    launchTemplate: { name: demo }
                    minSize: 1
                    maxSize: %d
                    desiredCapacity: 1
                    targetGroups: [web]
                    healthCheckType: ELB
                    healthCheckGracePeriodSeconds: 30
                %s%s""".formatted(admin, dir.resolve("state"), lbPort, command, maxSize, groupExtra, topExtra);
    }
}
