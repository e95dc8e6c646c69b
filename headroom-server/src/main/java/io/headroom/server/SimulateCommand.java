package io.headroom.server;

import ch.qos.logback.classic.Level;
import io.headroom.core.config.ConfigError;
import io.headroom.core.config.ConfigException;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.scaling.Activity;
import io.headroom.sim.LoadProfile;
import io.headroom.sim.Simulation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code headroom simulate}: runs a group's real scaling policies and controller against a load profile on a virtual
 * clock (see {@link Simulation}) and prints its capacity over time. Starts no listener and no process.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Try an auto scaling group's policies against a load profile on a virtual clock (a day in seconds):"
                + " the real controller and policies, a modelled instance. Starts nothing.")
public final class SimulateCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The YAML config file (default: the bundled demo).")
    Path config;

    @Option(names = "--group", paramLabel = "NAME", description = "The auto scaling group (default: the first).")
    String group;

    @Option(names = "--load", paramLabel = "PROFILE", description = "Segments DURATION@RPS or DURATION@FROM..TO, e.g."
            + " 10m@20,5m@20..400,30m@400,20m@20 (default), or a CSV file of seconds,requestsPerSecond lines, or access"
            + " logs (a file or a directory: ALB's, Headroom's, nginx/Apache combined; gzipped too): their requests"
            + " per second.",
            defaultValue = "10m@20,5m@20..400,30m@400,20m@20")
    String load;

    @Option(names = "--scale", paramLabel = "X", description = "Multiply the load's rates by X (--scale 3: three"
            + " times the recorded traffic; default: 1, at most 1000).")
    Double scale;

    @Option(names = "--instance-capacity", paramLabel = "RPS", defaultValue = "100",
            description = "Requests per second one instance serves at 100 %% CPU (default: ${DEFAULT-VALUE}).")
    double capacity;

    @Option(names = "--startup", paramLabel = "DURATION", defaultValue = "10s",
            description = "From launch until an instance answers its health checks (default: ${DEFAULT-VALUE}).")
    String startup;

    @Option(names = "--start", paramLabel = "TIME", description = "The simulated clock's start, ISO-8601 (default: the"
            + " first logged second of access logs, else now to the minute): scheduled actions see it.")
    String start;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "1m",
            description = "Simulated time per printed row (default: ${DEFAULT-VALUE}).")
    String step;

    @Option(names = "--activities", description = "Also print every scaling activity with its cause.")
    boolean activities;

    @Option(names = "--csv", description = "Print the rows as CSV instead of a table.")
    boolean csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // The controller logs every launch and termination: a simulation would print thousands of lines.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        HeadroomConfig c;
        try {
            c = (config != null ? HeadroomServer.ConfigSource.file(config) : HeadroomServer.ConfigSource.bundledDemo())
                    .load(Variables.forConfig());
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            return 1;
        } catch (IOException e) {
            err.println(config + ": " + e.getMessage());
            return 1;
        }
        if (c.autoScalingGroups().isEmpty()) {
            err.println((config == null ? "the bundled demo" : config) + ": no auto scaling group to simulate");
            return 1;
        }
        String name = group != null ? group : c.autoScalingGroups().get(0).name();
        LoadProfile profile;
        Simulation.Model model;
        Instant from;
        Duration every;
        try {
            profile = LoadProfile.from(load);
            if (scale != null) {
                profile = profile.scaled(scale);
            }
            model = new Simulation.Model(capacity, duration("--startup", startup), 256L << 20);
            from = start != null ? Instant.parse(start)
                    : profile.start().orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.MINUTES));
            every = duration("--step", step);
        } catch (IllegalArgumentException | IOException | DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Simulation.Result r;
        try {
            r = Simulation.run(c, name, profile, model, from, every);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        boolean pool = c.autoScalingGroups().stream().anyMatch(g -> g.name().equals(name) && g.warmPool() != null);
        print(out, r, name, profile, model, from, pool);
        out.flush();
        return 0;
    }

    private static Duration duration(String option, String value) {
        if (!value.matches("\\d+|(\\d+[hms])+")) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected a duration such as 10s, 2m or 1h30m)");
        }
        return Duration.ofSeconds(value.matches("\\d+") ? Long.parseLong(value) : LoadProfile.seconds(value));
    }

    private void print(PrintWriter out, Simulation.Result r, String name, LoadProfile profile, Simulation.Model model,
                       Instant from, boolean warmPool) {
        Simulation.Summary s = r.summary();
        if (csv) {
            out.println("time,offered_rps,served_rps,dropped_rps,desired,in_service,pending,warm_pool,cpu_percent");
            for (Simulation.Row row : r.rows()) {
                out.println(String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%d,%d,%d,%d,%.1f", row.time(), row.offeredRps(),
                        row.servedRps(), row.droppedRps(), row.desiredCapacity(), row.inService(), row.pending(),
                        row.warmPool(), row.averageCpuPercent()));
            }
            return;
        }
        out.println("Simulated auto scaling group " + name + " of " + (config == null ? "the bundled demo" : config) + " for "
                + human(profile.duration()) + " from " + from + " (UTC clock below)");
        profile.source().ifPresent(src -> out.println("load: " + src));
        out.println(String.format(Locale.ROOT, "instance model: %s req/s at 100 %% CPU, ready %s after launch",
                num(model.instanceCapacityRps()), human(model.startup())));
        out.println();
        io.headroom.server.cli.Table t = new io.headroom.server.cli.Table("TIME", "OFFERED/S", "SERVED/S",
                "DROPPED/S", "DESIRED", "IN SERVICE", "PENDING", "WARM POOL", "CPU %");
        for (Simulation.Row row : r.rows()) {
            t.row(CLOCK.format(row.time()), num(row.offeredRps()), num(row.servedRps()), num(row.droppedRps()),
                    row.desiredCapacity(), row.inService(), row.pending(), warmPool ? row.warmPool() : null,
                    String.format(Locale.ROOT, "%.0f", row.averageCpuPercent()));
        }
        t.print(out);
        out.println();
        double droppedShare = s.requestsOffered() == 0 ? 0 : 100.0 * s.requestsDropped() / s.requestsOffered();
        out.println(String.format(Locale.ROOT, "requests: %,d offered, %,d served, %,d dropped (%.2f %%); short of capacity"
                + " for %s", s.requestsOffered(), s.requestsServed(), s.requestsDropped(), droppedShare,
                human(Duration.ofSeconds(s.secondsOverloaded()))));
        out.println(String.format(Locale.ROOT, "instances: peak %d, %.2f instance-hours; desired capacity %d..%d; %d scale"
                + " out%s, %d scale in%s", s.peakInstances(), s.instanceHours(), s.minDesired(), s.maxDesired(),
                s.scaleOuts(), s.scaleOuts() == 1 ? "" : "s", s.scaleIns(), s.scaleIns() == 1 ? "" : "s"));
        if (activities) {
            out.println();
            out.println("ACTIVITIES");
            for (Activity a : r.activities()) {
                out.println(CLOCK.format(a.startTime()) + "  " + a.statusCode() + "  " + a.description());
                out.println("    cause: " + a.cause());
            }
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }
}
