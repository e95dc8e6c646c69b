package io.headroom.core.config;

import java.util.List;
import java.util.Map;

/** How to start one instance. Versions are numbered from 1 in file order; $Latest is the last one. */
public record LaunchTemplateConfig(String name, List<Version> versions) {

    public LaunchTemplateConfig {
        versions = List.copyOf(versions);
    }

    /** Resolves "$Latest", "$Default" (the first version, as AWS's default is version 1) or a number. */
    public Version resolve(String version) {
        if (version == null || version.equals("$Latest")) {
            return versions.get(versions.size() - 1);
        }
        if (version.equals("$Default")) {
            return versions.get(0);
        }
        int n = Integer.parseInt(version);
        return versions.get(n - 1);
    }

    /** One launch template version for the process provider. {@code ${PORT}} and {@code ${INSTANCE_ID}} are injected. */
    public record Version(
            int versionNumber,
            List<String> command,
            Map<String, String> environment,
            String workingDirectory,
            double vcpus,
            int terminationGracePeriodSeconds) {
        public Version {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }
    }
}
