package io.headroom.scaling.provider;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by {@link ProcessProviderOrphanTest}: launches two instances, prints their pids and
 * blocks until killed. Arg 0: the state directory.
 */
public final class OrphanTestMain {
    private OrphanTestMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessProvider provider = new ProcessProvider(Path.of(args[0]), Clock.systemUTC(),
                ProcessProvider.Options.defaults().withShutdownHook(false)); // prove it works without the hook
        for (int i = 0; i < 2; i++) {
            ProviderInstance inst = provider.launch(new LaunchSpec(InstanceIds.newId(),
                    List.of("sh", "-c", "sleep 300 & sleep 300; wait"), Map.of(), null, 1, Duration.ofSeconds(2)));
            System.out.println("INSTANCE-PID " + inst.pid());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // blocks until the test kills this JVM
    }
}
