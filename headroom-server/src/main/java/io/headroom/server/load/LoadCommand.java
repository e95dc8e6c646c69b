package io.headroom.server.load;

import io.headroom.sim.LoadProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code headroom load URL --rps N --duration 60s}, or {@code headroom load URL --profile SPEC [--speed X]}. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Send a bounded open-loop HTTP load at a fixed rate or following a load profile"
                + " (loopback targets only unless --allow-remote).")
public final class LoadCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "URL to load, e.g. http://127.0.0.1:8080/work?cpuMs=20")
    URI url;

    @Option(names = "--rps", paramLabel = "N", description = "Requests per second (default: 50).")
    Double rps;

    @Option(names = "--profile", paramLabel = "SPEC", description = "Offer the load of a profile instead, as"
            + " headroom simulate --load takes it: segments DURATION@RPS or DURATION@FROM..TO (e.g."
            + " 2m@5,3m@5..40,5m@40), a CSV file of seconds,requestsPerSecond lines, or access logs (a file or a"
            + " directory): their requests per second.")
    String profile;

    @Option(names = "--speed", paramLabel = "X", description = "With --profile: play it X times faster, at its rates"
            + " (--speed 60: a recorded hour in a minute; default: 1, at most 3600).")
    Double speed;

    @Option(names = "--scale", paramLabel = "X", description = "With --profile: offer X times its rates (--scale 2:"
            + " twice the recorded traffic; default: 1, at most 1000).")
    Double scale;

    @Option(names = "--duration", description = "How long, e.g. 30s, 2m (default: 60s; with --profile: the profile's"
            + " length over --speed, and --duration caps it).")
    String duration;

    @Option(names = "--max-in-flight", defaultValue = "1000", description = "Cap on outstanding requests (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--timeout", defaultValue = "30s", description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address.")
    boolean allowRemote;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadGenerator.Options o = options();
        if (o.profile() == null) {
            out.printf("load: %s at %s req/s for %s%n", url, LoadGenerator.number(o.rps()), LoadGenerator.text(o.duration()));
        } else {
            Duration whole = LoadGenerator.Options.wallLength(o.profile(), o.speed());
            out.printf("load: %s following %s (%s%s, peak %s req/s, speed %s)%n", url, o.profile().source().orElse(profile),
                    LoadGenerator.text(o.duration()), o.duration().equals(whole) ? "" : " of " + LoadGenerator.text(whole),
                    LoadGenerator.number(o.rps()), LoadGenerator.number(o.speed()));
        }
        out.flush();
        LoadGenerator.Summary s = LoadGenerator.run(o, sec -> {
            out.println(LoadGenerator.format(sec));
            out.flush();
        });
        LoadGenerator.format(s).forEach(out::println);
        out.flush();
        return 0;
    }

    /** The options given; an IllegalArgumentException says what is wrong with them. */
    LoadGenerator.Options options() {
        Duration cap = duration == null ? null : parseDuration("--duration", duration);
        Duration limit = parseDuration("--timeout", timeout);
        if (profile == null) {
            if (speed != null) {
                throw new IllegalArgumentException("--speed: only with --profile");
            }
            if (scale != null) {
                throw new IllegalArgumentException("--scale: only with --profile (with --rps, set the rate itself)");
            }
            return new LoadGenerator.Options(url, rps == null ? 50 : rps, cap == null ? Duration.ofSeconds(60) : cap,
                    maxInFlight, limit, allowRemote);
        }
        if (rps != null) {
            throw new IllegalArgumentException("--rps and --profile: pick one");
        }
        LoadProfile p;
        try {
            p = LoadProfile.from(profile);
        } catch (IOException e) {
            throw new IllegalArgumentException("--profile: " + profile + ": cannot read it (" + e + ")");
        }
        if (scale != null) {
            p = p.scaled(scale);
        }
        return LoadGenerator.Options.following(url, p, speed == null ? 1 : speed, cap, maxInFlight, limit, allowRemote);
    }

    /** Parses "90s", "2m", "1h", "500ms" or ISO-8601 ("PT30S"). */
    public static Duration parseDuration(String option, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: return Duration.ofSeconds(Long.parseLong(t));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": \"" + text + "\" (expected: a duration like 30s, 2m, 1h or 500ms)");
        }
    }
}
