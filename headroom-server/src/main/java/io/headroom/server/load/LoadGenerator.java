package io.headroom.server.load;

import io.headroom.sim.LoadProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongToDoubleFunction;

/**
 * A bounded open-loop HTTP load generator: requests are sent on a schedule (a fixed {@code rps}, or a
 * {@link LoadProfile} played {@code speed} times faster) whether or not earlier ones have answered, and latency is
 * measured from each request's scheduled time, so a slow server shows up as latency instead of silently lowering the
 * offered rate (no coordinated omission). It stops by itself after {@code duration}; at most {@code maxInFlight}
 * requests are outstanding (requests beyond that are counted as {@code dropped}, never queued without bound).
 */
public final class LoadGenerator {

    /**
     * What to send: {@code rps} requests per second for {@code duration}, or, with a {@code profile}, the profile's
     * load played {@code speed} times faster (see {@link #following}); {@code rps} is then the profile's peak.
     */
    public record Options(URI url, double rps, Duration duration, int maxInFlight, Duration timeout, boolean allowRemote,
                          LoadProfile profile, double speed) {
        static final double MAX_RPS = 200_000;
        static final double MAX_SPEED = 3600;

        public Options {
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("--duration: " + duration + " (expected: 1s..24h)");
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("--max-in-flight: " + maxInFlight + " (expected: >= 1)");
            }
            String scheme = url.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("URL: " + url + " (expected: http://host:port/path)");
            }
            if (profile == null && speed != 1) {
                throw new IllegalArgumentException("--speed: only with --profile");
            }
            checkSpeed(speed);
            if (profile == null) {
                if (!(rps > 0) || rps > MAX_RPS) {
                    throw new IllegalArgumentException("--rps: " + rps + " (expected: 0 < rps <= 200000)");
                }
            } else {
                Schedule s = new Schedule(profile::rps, profile.duration().toSeconds(), speed, duration);
                if (s.peak > MAX_RPS) {
                    throw new IllegalArgumentException("--profile: peak " + number(s.peak) + " req/s at second " + s.peakSecond
                            + " (expected: at most 200000 req/s)");
                }
                if (!(s.peak > 0)) {
                    throw new IllegalArgumentException("--profile: 0 req/s in every second played (expected: some load)");
                }
                rps = s.peak;
            }
        }

        /** A fixed rate: {@code rps} requests per second for {@code duration}. */
        public Options(URI url, double rps, Duration duration, int maxInFlight, Duration timeout, boolean allowRemote) {
            this(url, rps, duration, maxInFlight, timeout, allowRemote, null, 1);
        }

        /**
         * The load of {@code profile}, {@code speed} times faster: wall-clock second t offers the profile's rate at
         * profile second t × speed (a recorded hour at speed 60 takes a minute, at the recorded rates). The run lasts
         * the profile's length over {@code speed}, or {@code cap} when that is shorter.
         *
         * @param cap at most this long; null for the whole profile
         */
        public static Options following(URI url, LoadProfile profile, double speed, Duration cap, int maxInFlight,
                                        Duration timeout, boolean allowRemote) {
            Duration whole = wallLength(profile, checkSpeed(speed));
            if (cap == null && whole.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("--profile: lasts " + text(whole) + " at speed " + number(speed)
                        + " (expected: at most 24h; raise --speed or cap the run with --duration)");
            }
            Duration run = cap == null || whole.compareTo(cap) < 0 ? whole : cap;
            return new Options(url, Double.NaN, run, maxInFlight, timeout, allowRemote, profile, speed);
        }

        /** How long {@code profile} takes to play at {@code speed}. */
        static Duration wallLength(LoadProfile profile, double speed) {
            return Duration.ofNanos(Math.round(profile.duration().toSeconds() * 1e9 / speed)); // saturates, never overflows
        }

        private static double checkSpeed(double speed) {
            if (!(speed > 0) || speed > MAX_SPEED) {
                throw new IllegalArgumentException("--speed: " + number(speed) + " (expected: 0 < speed <= 3600)");
            }
            return speed;
        }
    }

    /**
     * One second of results. {@code offered} is the rate a profile offered in that second (NaN at a fixed rate);
     * {@code p*} are latencies in milliseconds, NaN when nothing completed.
     */
    public record Second(int second, double offered, long sent, long ok, long errors, long dropped, double p50, double p90, double p99) {}

    /** The whole run. {@code failed} counts requests without an HTTP answer (connection errors, timeouts). */
    public record Summary(long sent, long ok, long non2xx, long failed, long dropped, double achievedRps,
                          double p50, double p90, double p99, Map<Integer, Long> statusCounts, Map<String, Long> failures) {
        public long errors() {
            return non2xx + failed;
        }
    }

    private final Options options;
    private final HttpClient client;
    private final ExecutorService callbacks;
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private long[] window = new long[1024];  // latencies (µs) completed in the current second
    private int windowSize;
    private long[] all = new long[1024];     // every latency (µs) of the run
    private int allSize;
    private long windowOk;
    private long windowErrors;

    private LoadGenerator(Options options) {
        this.options = options;
        this.callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "load-callbacks");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout())
                .executor(callbacks)
                .build();
    }

    /** Refuses any target that is not on this machine unless {@code allowRemote}. */
    static void checkTarget(Options o) throws IOException {
        if (o.allowRemote()) {
            return;
        }
        for (InetAddress a : InetAddress.getAllByName(o.url().getHost())) {
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("URL: " + o.url() + " resolves to " + a.getHostAddress()
                        + ", which is not a loopback address (pass --allow-remote to load a remote host you own)");
            }
        }
    }

    /** Runs the load and returns the totals; {@code perSecond} hears about each second as it ends. */
    public static Summary run(Options options, Consumer<Second> perSecond) throws IOException, InterruptedException {
        checkTarget(options);
        LoadGenerator g = new LoadGenerator(options);
        try {
            return g.runLoop(perSecond);
        } finally {
            g.callbacks.shutdownNow();
        }
    }

    private Summary runLoop(Consumer<Second> perSecond) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(options.url()).timeout(options.timeout()).GET().build();
        Schedule schedule = Schedule.of(options);
        long runNanos = options.duration().toNanos();
        long start = System.nanoTime();
        long sent = 0;
        long dropped = 0;
        long due = schedule.requests > 0 ? schedule.due(1) : Long.MAX_VALUE; // of the next request, from the start
        long sentAtLastSecond = 0;
        long droppedAtLastSecond = 0;
        int second = 1;
        long nextReport = 1_000_000_000L;
        while (true) {
            long now = System.nanoTime() - start;
            // Requests due by the end of a second belong to it, even when the loop wakes a little late.
            long until = Math.min(now, nextReport);
            while (due <= until) {
                sent++;
                if (inFlight.get() >= options.maxInFlight()) {
                    dropped++;
                } else {
                    send(request, start + due);
                }
                due = sent < schedule.requests ? schedule.due(sent + 1) : Long.MAX_VALUE;
            }
            if (now >= nextReport) {
                perSecond.accept(takeSecond(second, offered(schedule, second), sent - sentAtLastSecond,
                        dropped - droppedAtLastSecond));
                second++;
                sentAtLastSecond = sent;
                droppedAtLastSecond = dropped;
                nextReport += 1_000_000_000L;
                continue;
            }
            if (now >= runNanos) {
                break;
            }
            // Parks through a stretch without load too: until the next request or the next report, whichever is first.
            LockSupport.parkNanos(Math.max(10_000, Math.min(Math.min(due, nextReport), runNanos) - now));
        }
        // Let the requests in flight finish (bounded by the request timeout).
        long waitUntil = System.nanoTime() + options.timeout().toNanos() + 1_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (sent != sentAtLastSecond || windowSize > 0 || windowErrors > 0) {
            perSecond.accept(takeSecond(second, offered(schedule, second), sent - sentAtLastSecond,
                    dropped - droppedAtLastSecond));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long ok;
        long non2xx = 0;
        Map<Integer, Long> codes = new TreeMap<>();
        for (Map.Entry<Integer, AtomicLong> e : statuses.entrySet()) {
            codes.put(e.getKey(), e.getValue().get());
            if (e.getKey() < 200 || e.getKey() > 299) {
                non2xx += e.getValue().get();
            }
        }
        ok = codes.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() <= 299).mapToLong(Map.Entry::getValue).sum();
        Map<String, Long> fails = new TreeMap<>();
        failures.forEach((k, v) -> fails.put(k, v.get()));
        long failed = fails.values().stream().mapToLong(Long::longValue).sum();
        long[] lat;
        synchronized (lock) {
            lat = Arrays.copyOf(all, allSize);
        }
        Arrays.sort(lat);
        return new Summary(sent, ok, non2xx, failed, dropped, (ok + non2xx) / Math.min(seconds, options.duration().toNanos() / 1e9),
                pct(lat, 50), pct(lat, 90), pct(lat, 99), codes, fails);
    }

    private void send(HttpRequest request, long scheduledNanos) {
        inFlight.incrementAndGet();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            try {
                record(resp, err, (System.nanoTime() - scheduledNanos) / 1000);
            } finally {
                // Last: run() reads the counts once nothing is in flight, so this answer must be counted by then.
                inFlight.decrementAndGet();
            }
        });
    }

    private void record(HttpResponse<Void> resp, Throwable err, long micros) {
        boolean good;
        if (err != null) {
            Throwable cause = err.getCause() != null ? err.getCause() : err;
            failures.computeIfAbsent(cause.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            good = false;
        } else {
            statuses.computeIfAbsent(resp.statusCode(), k -> new AtomicLong()).incrementAndGet();
            good = resp.statusCode() >= 200 && resp.statusCode() <= 299;
        }
        synchronized (lock) {
            if (good) {
                windowOk++;
            } else {
                windowErrors++;
            }
            if (err == null) {
                if (windowSize == window.length) {
                    window = Arrays.copyOf(window, windowSize * 2);
                }
                window[windowSize++] = micros;
                if (allSize == all.length) {
                    all = Arrays.copyOf(all, allSize * 2);
                }
                all[allSize++] = micros;
            }
        }
    }

    private double offered(Schedule schedule, int second) {
        return options.profile() == null ? Double.NaN : schedule.offered(second);
    }

    private Second takeSecond(int second, double offered, long sent, long dropped) {
        long[] lat;
        long ok;
        long errors;
        synchronized (lock) {
            lat = Arrays.copyOf(window, windowSize);
            windowSize = 0;
            ok = windowOk;
            errors = windowErrors;
            windowOk = 0;
            windowErrors = 0;
        }
        Arrays.sort(lat);
        return new Second(second, offered, sent, ok, errors, dropped, pct(lat, 50), pct(lat, 90), pct(lat, 99));
    }

    private static double pct(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(idx, sortedMicros.length - 1))] / 1000.0;
    }

    /** Formats a second as one line of the live report. */
    public static String format(Second s) {
        return String.format("%4ds  %ssent %6d  ok %6d  errors %5d%s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms",
                s.second(), Double.isNaN(s.offered()) ? "" : String.format("offered %8.1f/s  ", s.offered()), s.sent(),
                s.ok(), s.errors(), s.dropped() > 0 ? "  dropped " + s.dropped() : "", s.p50(), s.p90(), s.p99());
    }

    /** A duration as the profiles write it: {@code 90s}, {@code 1h30m}, {@code 2.5s}. */
    static String text(Duration d) {
        return d.truncatedTo(ChronoUnit.MILLIS).toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** A rate or a speed: {@code 20}, {@code 2.5}. */
    static String number(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.1f", v);
    }

    /** Formats the summary lines printed at the end. */
    public static List<String> format(Summary s) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("total: sent %d, ok %d, non-2xx %d, failed %d, dropped %d, achieved %.1f req/s",
                s.sent(), s.ok(), s.non2xx(), s.failed(), s.dropped(), s.achievedRps()));
        lines.add(String.format("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", s.p50(), s.p90(), s.p99()));
        if (!s.statusCounts().isEmpty()) {
            lines.add("status codes: " + s.statusCounts());
        }
        if (!s.failures().isEmpty()) {
            lines.add("failures: " + s.failures());
        }
        return lines;
    }

    /**
     * When each request is due. Profile second s offers {@code rate(s)} requests per second for the whole of that
     * second (the load {@code headroom simulate} offers in it), played {@code speed} times faster: in wall-clock time
     * it lasts 1/speed s at the same rate. The k-th request (from 1) is due when the requests offered since the start,
     * the integral of that step-shaped rate, reach k; the run offers the whole requests of that integral up to its end.
     * <pre>
     *   req/s 100 |        +-------+    2s@20,2s@100 at speed 1: 240 requests; the 1st is due at 0.05 s,
     *          20 |--------+       |    the 40th at 2 s, the 41st at 2.01 s, the 240th at 4 s (the end)
     *             +--------+-------+-- s
     *             0   1   2   3   4
     * </pre>
     * {@link #due} walks forward: it is asked for k = 1, 2, 3, … in turn.
     */
    static final class Schedule {
        private final LongToDoubleFunction rate;   // req/s of each profile second
        private final double speed;
        private final long runNanos;
        private final long seconds;                // profile seconds played; the last may be cut short by the run's end
        private final double end;                  // the profile time at which the run ends, in seconds
        private final double[] offeredPerSecond;   // requests offered in each wall-clock second of the run
        final long requests;                       // how many the whole run offers
        final double peak;
        final long peakSecond;
        private long second;                       // where due() is: a profile second,
        private double before;                     // the requests offered before it,
        private double secondRate;                 // and its rate

        Schedule(LongToDoubleFunction rate, long profileSeconds, double speed, Duration run) {
            this.rate = rate;
            this.speed = speed;
            this.runNanos = run.toNanos();
            this.end = runNanos / 1e9 * speed;
            this.seconds = Math.min(profileSeconds, (long) Math.ceil(end));
            this.offeredPerSecond = new double[(int) Math.ceil(runNanos / 1e9)];
            double total = 0;
            double max = 0;
            long maxAt = 0;
            for (long s = 0; s < seconds; s++) {
                double r = rate.applyAsDouble(s);
                if (r > max) {
                    max = r;
                    maxAt = s;
                }
                total += requestsIn(s, r);
                // The wall-clock seconds that profile second s overlaps get their share of its requests.
                double from = s / speed;
                double to = Math.min(s + 1, end) / speed;
                for (int w = (int) from; w < to && w < offeredPerSecond.length; w++) {
                    offeredPerSecond[w] += r * (Math.min(to, w + 1) - Math.max(from, w));
                }
            }
            this.requests = (long) Math.floor(total + 1e-6); // rounding must not lose the last request of a run
            this.peak = max;
            this.peakSecond = maxAt;
            this.secondRate = seconds > 0 ? rate.applyAsDouble(0) : 0;
        }

        static Schedule of(Options o) {
            return o.profile() == null
                    ? new Schedule(s -> o.rps(), Long.MAX_VALUE, 1, o.duration())
                    : new Schedule(o.profile()::rps, o.profile().duration().toSeconds(), o.speed(), o.duration());
        }

        /** The requests profile second {@code s} offers in wall-clock time, at rate {@code r}. */
        private double requestsIn(long s, double r) {
            return r * Math.min(1, end - s) / speed;
        }

        /** Nanoseconds from the start at which the k-th request is due; k counts from 1 up to {@link #requests}. */
        long due(long k) {
            while (second < seconds && before + requestsIn(second, secondRate) < k) {
                before += requestsIn(second, secondRate);
                second++;
                secondRate = second < seconds ? rate.applyAsDouble(second) : 0;
            }
            if (second >= seconds) {
                return runNanos; // the last request, when rounding left the integral a hair short of it
            }
            // before < k <= before + this second's requests, so its rate is above 0.
            return Math.min(runNanos, Math.round((second / speed + (k - before) / secondRate) * 1e9));
        }

        /** The requests per second offered in wall-clock second {@code n} (from 1) of the run; 0 after it. */
        double offered(int n) {
            if (n > offeredPerSecond.length) {
                return 0;
            }
            return offeredPerSecond[n - 1] / Math.min(1, runNanos / 1e9 - (n - 1));
        }
    }
}
