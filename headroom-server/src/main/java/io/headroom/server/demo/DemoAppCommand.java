package io.headroom.server.demo;

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
        stopped.await();
        return 0;
    }
}
