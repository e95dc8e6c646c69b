package io.headroom.scaling.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What actually starts and stops instances: {@code process} (local child processes), later {@code docker} and
 * {@code kubernetes}. The ASG controller only talks to this interface.
 *
 * <p>Implementations are thread-safe: the controller thread and its action executor call them concurrently.
 * Nothing here blocks for long except {@link #launch}, which returns once the instance has been started
 * (not once it is healthy: health is the controller's business).
 */
public interface InstanceProvider extends AutoCloseable {

    /** The provider's config name, e.g. {@code "process"}. */
    String name();

    /**
     * Starts one instance and returns once it has been started.
     *
     * @throws LaunchException when it could not be started (bad command or directory, duplicate id, provider closed);
     *                         the message names the instance and the cause
     */
    ProviderInstance launch(LaunchSpec spec) throws LaunchException;

    /**
     * Terminates an instance: SIGTERM to all its processes, SIGKILL after the spec's termination grace period.
     * Idempotent: calling it again returns a future for the same termination.
     *
     * @return completes with the EXITED instance once all its processes are gone; fails with
     *         {@link java.util.NoSuchElementException} when the id is unknown to this provider
     */
    CompletableFuture<ProviderInstance> terminate(String instanceId);

    /**
     * Stops a running instance without ending it (a warm pool's {@code Stopped} state): its processes keep their
     * memory and use no CPU until {@link #start}. Terminating a stopped instance works as for a running one.
     *
     * @return false when the provider cannot, or the instance is unknown, gone or terminating
     */
    default boolean stop(String instanceId) {
        return false;
    }

    /**
     * Whether the instance accepts connections on its address (a warm pool instance is stopped once it does): by
     * default one TCP connect, 500 ms at most. May block briefly; never called on a data-plane thread.
     */
    default boolean listening(String instanceId, String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Starts a {@link #stop stopped} instance again; false as for {@link #stop}. */
    default boolean start(String instanceId) {
        return false;
    }

    /** The instance's current snapshot; exited instances stay visible for a while (see the implementation). */
    Optional<ProviderInstance> describe(String instanceId);

    /** Snapshots of all instances this provider knows, running and recently exited. */
    List<ProviderInstance> describeAll();

    /**
     * Samples CPU and memory of a running instance. CPU is measured since the previous sample of the same
     * instance (since launch for the first one).
     *
     * @return empty when the instance is unknown, exited, or the platform does not support sampling
     */
    Optional<InstanceStats> sample(String instanceId);

    /**
     * Samples every running instance, keyed by instance id; instances that cannot be sampled are left out.
     * Providers that can measure all instances at once (one {@code /proc} scan) override this.
     */
    default Map<String, InstanceStats> sampleAll() {
        Map<String, InstanceStats> out = new HashMap<>();
        for (ProviderInstance i : describeAll()) {
            if (i.isRunning()) {
                sample(i.instanceId()).ifPresent(s -> out.put(i.instanceId(), s));
            }
        }
        return out;
    }

    /**
     * Registers a listener called once per instance when it has EXITED, whether by itself or by
     * {@link #terminate}. Listeners run on a provider thread and must not block.
     */
    void onExit(Consumer<ProviderInstance> listener);

    /** Terminates every instance this provider launched and waits (bounded) until they are gone. */
    @Override
    void close();
}
