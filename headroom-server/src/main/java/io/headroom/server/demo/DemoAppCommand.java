package io.headroom.server.demo;

import io.headroom.server.cli.AdminClient;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code headroom demo-app}: runs the built-in demo backend until SIGTERM. */
@Command(name = "demo-app", mixinStandardHelpOptions = true,
        description = "Run the built-in demo backend (/, /health, /work?cpuMs=, /sleep?ms=, /fail-health, /crash).")
public final class DemoAppCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (default: $PORT, else 8000).")
    Integer port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--threads", defaultValue = "32", description = "Request threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--complete-lifecycle-action", paramLabel = "HOOK",
            description = "Once listening, complete this launch lifecycle hook's action with CONTINUE through"
                    + " $HEADROOM_ADMIN_URL (as an AWS instance's user data calls complete-lifecycle-action).")
    String completeHook;

    @Override
    public Integer call() throws Exception {
        int p = port != null ? port : Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        String id = System.getenv().getOrDefault("INSTANCE_ID", "demo-" + ProcessHandle.current().pid());
        DemoApp app = DemoApp.start(host, p, id, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Headroom drains an instance before it is terminated, so little is in flight by now; the JDK server
            // waits out the whole delay while idle keep-alive connections are open, so keep it short.
            app.stop(2);
            stopped.countDown();
        }, "demo-app-shutdown"));
        System.out.println("demo-app " + id + " listening on http://" + host + ":" + app.port() + "/");
        if (completeHook != null) {
            completeLifecycleAction(id);
        }
        stopped.await();
        return 0;
    }

    /** POSTs CompleteLifecycleAction for this instance; a failure is printed, and the hook's timeout then decides. */
    private void completeLifecycleAction(String id) {
        String admin = System.getenv("HEADROOM_ADMIN_URL");
        String group = System.getenv("HEADROOM_AUTO_SCALING_GROUP_NAME");
        if (admin == null || group == null) {
            System.err.println("demo-app: --complete-lifecycle-action needs HEADROOM_ADMIN_URL and"
                    + " HEADROOM_AUTO_SCALING_GROUP_NAME (set by Headroom for its instances)");
            return;
        }
        AdminClient client = new AdminClient(admin, System.getenv("HEADROOM_ADMIN_TOKEN"));
        try {
            client.post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/complete-lifecycle-action",
                    Map.of("lifecycleHookName", completeHook, "instanceId", id, "lifecycleActionResult", "CONTINUE"));
            System.out.println("demo-app " + id + ": lifecycle hook " + completeHook + " completed");
        } catch (AdminClient.AdminException e) {
            System.err.println("demo-app " + id + ": completing lifecycle hook " + completeHook + " failed: "
                    + e.getMessage());
        }
    }
}
