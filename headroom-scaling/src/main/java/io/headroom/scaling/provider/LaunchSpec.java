package io.headroom.scaling.provider;

import io.headroom.core.config.LaunchTemplateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to start one instance, resolved from a launch template version.
 *
 * <p>The provider replaces {@code ${PORT}} and {@code ${INSTANCE_ID}} in every command argument and every
 * environment value, and also sets the environment variables {@code PORT} and {@code INSTANCE_ID}.
 *
 * @param instanceId             the id of the new instance (see {@link InstanceIds#newId()}); letters, digits, '.', '_', '-'
 * @param command                the program and its arguments, not empty
 * @param environment            added to (and overriding) Headroom's own environment
 * @param workingDirectory       where the command runs; null = Headroom's current directory
 * @param vcpus                  the instance's size; CPUUtilization is a percentage of this; > 0
 * @param terminationGracePeriod time between SIGTERM and SIGKILL on termination; not negative
 */
public record LaunchSpec(
        String instanceId,
        List<String> command,
        Map<String, String> environment,
        Path workingDirectory,
        double vcpus,
        Duration terminationGracePeriod) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public LaunchSpec {
        Objects.requireNonNull(instanceId, "instanceId");
        if (!ID.matcher(instanceId).matches() || instanceId.startsWith(".")) {
            throw new IllegalArgumentException("instanceId: '" + instanceId
                    + "' (expected: 1..128 of letters, digits, '.', '_', '-', not starting with '.')");
        }
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command: " + command + " (expected: a program and its arguments)");
        }
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        if (!(vcpus > 0) || Double.isInfinite(vcpus)) {
            throw new IllegalArgumentException("vcpus: " + vcpus + " (expected: > 0)");
        }
        Objects.requireNonNull(terminationGracePeriod, "terminationGracePeriod");
        if (terminationGracePeriod.isNegative()) {
            throw new IllegalArgumentException("terminationGracePeriod: " + terminationGracePeriod + " (expected: not negative)");
        }
    }

    /** The spec for a new instance {@code instanceId} made from a launch template version. */
    public static LaunchSpec from(String instanceId, LaunchTemplateConfig.Version version) {
        Objects.requireNonNull(version, "version");
        String dir = version.workingDirectory();
        return new LaunchSpec(instanceId, version.command(), version.environment(),
                dir == null || dir.isBlank() ? null : Path.of(dir), version.vcpus(),
                Duration.ofSeconds(version.terminationGracePeriodSeconds()));
    }

    /** A spec with no extra environment, the current directory, 1 vCPU and AWS's-like 30 s grace period. */
    public static LaunchSpec of(String instanceId, List<String> command) {
        return new LaunchSpec(instanceId, command, Map.of(), null, 1.0, Duration.ofSeconds(30));
    }
}
