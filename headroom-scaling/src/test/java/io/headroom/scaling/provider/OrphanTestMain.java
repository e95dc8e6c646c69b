package io.headroom.scaling.provider;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by {@link ProcessProviderOrphanTest}: launches two instances, prints their pids and
 * log files, then blocks until killed. Args: the state directory, then {@code hook} to install the shutdown
 * hook or {@code nohook} to rely on the watchdog alone.
 */
public final class OrphanTestMain {
    private OrphanTestMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean hook = args.length > 1 && args[1].equals("hook");
        ProcessProvider provider = new ProcessProvider(Path.of(args[0]), Clock.systemUTC(),
                ProcessProvider.Options.defaults().withShutdownHook(hook));
        for (int i = 0; i < 2; i++) {
            ProviderInstance inst = provider.launch(new LaunchSpec(InstanceIds.newId(),
                    List.of("sh", "-c", "trap 'echo graceful-stop; exit 0' TERM; sleep 300 & wait"),
                    Map.of(), null, 1, Duration.ofSeconds(2)));
            System.out.println("INSTANCE-PID " + inst.pid());
            System.out.println("INSTANCE-LOG " + inst.logFile());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // blocks until the test kills this JVM
    }
}
