package io.headroom.scaling.provider;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An immutable snapshot of one instance as its provider sees it.
 *
 * @param instanceId the id given in the {@link LaunchSpec}
 * @param host       where the instance listens ({@code "127.0.0.1"} for the process provider)
 * @param port       the port Headroom picked and passed as {@code ${PORT}} / {@code PORT}
 * @param pid        the instance's main process id (-1 when the provider has no pid, e.g. a container elsewhere)
 * @param launchTime when the provider started it
 * @param state      {@link ProviderState#RUNNING} or {@link ProviderState#EXITED}
 * @param exitCode   present once EXITED: the process exit code, or 128 + signal number when a signal ended it
 *                   (143 = SIGTERM, 137 = SIGKILL), like a shell reports it
 * @param logFile    where the instance's stdout and stderr go
 */
public record ProviderInstance(
        String instanceId,
        String host,
        int port,
        long pid,
        Instant launchTime,
        ProviderState state,
        OptionalInt exitCode,
        Path logFile) {

    public ProviderInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(launchTime, "launchTime");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exitCode, "exitCode");
    }

    public boolean isRunning() {
        return state == ProviderState.RUNNING;
    }
}
