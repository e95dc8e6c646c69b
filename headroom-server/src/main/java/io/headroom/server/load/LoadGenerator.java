package io.headroom.server.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A bounded open-loop HTTP load generator: requests are sent on a fixed schedule ({@code rps}) whether or not
 * earlier ones have answered, and latency is measured from each request's scheduled time, so a slow server
 * shows up as latency instead of silently lowering the offered rate (no coordinated omission). It stops by
 * itself after {@code duration}; at most {@code maxInFlight} requests are outstanding (requests beyond that are
 * counted as {@code dropped}, never queued without bound).
 */
public final class LoadGenerator {

    /** What to send. */
    public record Options(URI url, double rps, Duration duration, int maxInFlight, Duration timeout, boolean allowRemote) {
        public Options {
            if (!(rps > 0) || rps > 200_000) {
                throw new IllegalArgumentException("--rps: " + rps + " (expected: 0 < rps <= 200000)");
            }
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
        }
    }

    /** One second of results. {@code latency*} are in milliseconds, NaN when nothing completed. */
    public record Second(int second, long sent, long ok, long errors, long dropped, double p50, double p90, double p99) {}

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
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        double intervalNanos = 1e9 / options.rps();
        long sent = 0;
        long dropped = 0;
        long sentAtLastSecond = 0;
        long droppedAtLastSecond = 0;
        int second = 1;
        long nextReport = start + 1_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                perSecond.accept(takeSecond(second++, sent - sentAtLastSecond, dropped - droppedAtLastSecond));
                sentAtLastSecond = sent;
                droppedAtLastSecond = dropped;
                nextReport += 1_000_000_000L;
            }
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) / intervalNanos) + 1;
            while (sent < due) {
                long scheduled = start + (long) (sent * intervalNanos);
                sent++;
                if (inFlight.get() >= options.maxInFlight()) {
                    dropped++;
                    continue;
                }
                send(request, scheduled);
            }
            long next = start + (long) (sent * intervalNanos);
            LockSupport.parkNanos(Math.max(10_000, Math.min(next, nextReport) - System.nanoTime()));
        }
        // Let the requests in flight finish (bounded by the request timeout).
        long waitUntil = System.nanoTime() + options.timeout().toNanos() + 1_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (sent != sentAtLastSecond || windowSize > 0 || windowErrors > 0) {
            perSecond.accept(takeSecond(second, sent - sentAtLastSecond, dropped - droppedAtLastSecond));
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

    private Second takeSecond(int second, long sent, long dropped) {
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
        return new Second(second, sent, ok, errors, dropped, pct(lat, 50), pct(lat, 90), pct(lat, 99));
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
        return String.format("%4ds  sent %6d  ok %6d  errors %5d%s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms",
                s.second(), s.sent(), s.ok(), s.errors(), s.dropped() > 0 ? "  dropped " + s.dropped() : "",
                s.p50(), s.p90(), s.p99());
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
}
