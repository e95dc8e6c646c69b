package io.headroom.core.target;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one interface through which the auto scaling controller (headroom-scaling) changes and reads target
 * group membership; the data plane (headroom-proxy) implements it. Target group names are those of the
 * config. All methods are thread-safe and non-blocking.
 */
public interface TargetRegistry {

    /**
     * Registers a target. It starts in state {@code initial} (reason {@code Elb.RegistrationInProgress}) and
     * gets traffic only once its health check passes. Registering a registered target again is a no-op.
     *
     * @throws IllegalArgumentException if no target group has this name
     */
    void register(String targetGroup, TargetAddress target);

    /**
     * Deregisters a target: it becomes {@code draining}, gets no new requests, and its in-flight requests
     * finish. The future completes when nothing is in flight or the group's deregistration delay has passed,
     * whichever comes first; the target is then gone. Deregistering an unknown target completes at once.
     */
    CompletableFuture<Void> deregister(String targetGroup, TargetAddress target);

    /** The health of every registered target of the group (draining ones included). */
    List<TargetHealth> describe(String targetGroup);

    /** The health of one target, empty when it is not registered. */
    default Optional<TargetHealth> health(String targetGroup, TargetAddress target) {
        return describe(targetGroup).stream().filter(h -> h.target().equals(target)).findFirst();
    }
}
