package io.headroom.server;

import io.headroom.core.config.ConfigException;
import io.headroom.server.load.LoadCommand;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code headroom up [--config FILE]}: runs everything until SIGTERM or Ctrl-C; SIGHUP reloads. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the load balancers, target groups and auto scaling groups of a config file "
                + "(the bundled demo without --config) until SIGTERM / Ctrl-C. SIGHUP reloads the file.")
public final class UpCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(UpCommand.class);

    @Option(names = {"-c", "--config"}, description = "The YAML config file (default: the bundled demo).")
    Path config;

    @Option(names = "--drain-timeout", defaultValue = "30s",
            description = "On SIGTERM, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration drain = LoadCommand.parseDuration("--drain-timeout", drainTimeout);
        HeadroomServer.ConfigSource source = config != null
                ? HeadroomServer.ConfigSource.file(config) : HeadroomServer.ConfigSource.bundledDemo();
        HeadroomServer server;
        try {
            server = HeadroomServer.start(source, Variables.forConfig(), Clock.systemUTC());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().println(source + ": not started (" + e.errors().size() + " config errors)");
            return 1;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("headroom up: " + e.getMessage());
            return 1;
        }
        log.info("headroom is up with {}: listeners {}; auto scaling groups {}", source,
                server.proxy().localAddresses(), server.controller().groups().stream().map(g -> g.name()).toList());
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("HUP"), sig -> {
            log.info("SIGHUP: reloading {}", source);
            String errors = server.reload();
            if (errors != null) {
                log.error("reload rejected; the previous config keeps serving:\n{}", errors);
            }
        });
        Signal.handle(new Signal("TERM"), sig -> stop.countDown());
        Signal.handle(new Signal("INT"), sig -> stop.countDown());
        stop.await();
        log.info("stopping: draining requests in flight (up to {}) and terminating instances", drain);
        server.shutdown(drain);
        log.info("stopped");
        return 0;
    }
}
