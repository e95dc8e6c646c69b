package io.headroom.server.load;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code headroom load URL --rps N --duration 60s}. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Send a bounded open-loop HTTP load (loopback targets only unless --allow-remote).")
public final class LoadCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "URL to load, e.g. http://127.0.0.1:8080/work?cpuMs=20")
    URI url;

    @Option(names = "--rps", defaultValue = "50", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    double rps;

    @Option(names = "--duration", defaultValue = "60s", description = "How long, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--max-in-flight", defaultValue = "1000", description = "Cap on outstanding requests (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--timeout", defaultValue = "30s", description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address.")
    boolean allowRemote;

    @Override
    public Integer call() throws Exception {
        LoadGenerator.Options o = new LoadGenerator.Options(url, rps, parseDuration("--duration", duration), maxInFlight,
                parseDuration("--timeout", timeout), allowRemote);
        System.out.printf("load: %s at %.0f req/s for %s%n", url, rps, duration);
        LoadGenerator.Summary s = LoadGenerator.run(o, sec -> System.out.println(LoadGenerator.format(sec)));
        LoadGenerator.format(s).forEach(System.out::println);
        return 0;
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
