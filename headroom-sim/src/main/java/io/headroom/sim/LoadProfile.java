package io.headroom.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offered load over time, in requests per second: a list of segments, each held or ramped linearly.
 *
 * <pre>
 *   "10m@20,5m@20..200,30m@200,20m@50"    10 min at 20 req/s, a 5 min ramp to 200, 30 min at 200, 20 min at 50
 * </pre>
 * Durations are {@code 90s}, {@code 10m}, {@code 2h} (or combined, {@code 1h30m}). A CSV file of
 * {@code seconds,requestsPerSecond} lines (a header line and {@code #} comments are skipped) gives the load at those
 * offsets, interpolated linearly between them: a recorded day of traffic, say.
 */
public final class LoadProfile {
    private static final Pattern SEGMENT = Pattern.compile("((?:\\d+[hms])+)@(\\d+(?:\\.\\d+)?)(?:\\.\\.(\\d+(?:\\.\\d+)?))?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([hms])");

    private final long[] at;       // seconds from the start, ascending; the last is the end
    private final double[] rps;     // the load at each point
    private final Instant start;    // when the recorded load began (access logs), or null
    private final String source;    // what it was read from (access logs), or null

    private LoadProfile(long[] at, double[] rps, Instant start, String source) {
        this.at = at;
        this.rps = rps;
        this.start = start;
        this.source = source;
    }

    /**
     * The profile a user wrote on a command line ({@code --load} of {@code headroom simulate}, {@code --profile} of
     * {@code headroom load}): segments ({@code 10m@20,5m@20..200}), or the path of a CSV file of
     * {@code seconds,requestsPerSecond} lines, or of an access log (or a directory of them) whose requests per second
     * become the load (see {@link AccessLogs}).
     *
     * @throws IllegalArgumentException naming what is wrong and where
     * @throws IOException when a file cannot be read
     */
    public static LoadProfile from(String spec) throws IOException {
        if (spec != null && !spec.contains("@")) {
            Path path = Path.of(spec.strip());
            if (Files.isDirectory(path) || Files.isRegularFile(path) && AccessLogs.isAccessLog(path)) {
                return AccessLogs.profile(path);
            }
            if (Files.isRegularFile(path)) {
                return csv(path);
            }
            if (spec.contains("/") || spec.contains(".")) {
                throw new IllegalArgumentException("load profile: " + spec + ": no such file or directory"
                        + " (expected segments such as 10m@20,5m@20..200, a CSV file or access logs)");
            }
        }
        return parse(spec);
    }

    /** Per-second request counts from {@code startSecond} on: the load an access log recorded. */
    static LoadProfile perSecond(Instant startSecond, long[] counts, String source) {
        long[] a = new long[counts.length + 1];
        double[] r = new double[counts.length + 1];
        for (int i = 0; i < counts.length; i++) {
            a[i] = i;
            r[i] = counts[i];
        }
        a[counts.length] = counts.length; // the end; the last second's load is held up to it
        r[counts.length] = counts[counts.length - 1];
        return new LoadProfile(a, r, startSecond, source);
    }

    /** When the recorded load began: the first second of an access log; empty for segments and CSV files. */
    public Optional<Instant> start() {
        return Optional.ofNullable(start);
    }

    /** What an access-log profile was read from: files, requests and time span; empty for segments and CSV files. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /**
     * Parses the segment syntax above.
     *
     * @throws IllegalArgumentException naming the bad segment and what was expected
     */
    public static LoadProfile parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("load profile: empty (expected segments such as 10m@20,5m@20..200)");
        }
        List<Long> times = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        long t = 0;
        for (String raw : spec.split(",")) {
            String seg = raw.strip();
            Matcher m = SEGMENT.matcher(seg);
            if (!m.matches()) {
                throw new IllegalArgumentException("load profile: '" + seg + "' (expected DURATION@RPS or DURATION@FROM..TO,"
                        + " e.g. 10m@20 or 5m@20..200; durations in h, m, s)");
            }
            long seconds = seconds(m.group(1));
            if (seconds <= 0) {
                throw new IllegalArgumentException("load profile: '" + seg + "' lasts 0 s (expected: more)");
            }
            double from = Double.parseDouble(m.group(2));
            double to = m.group(3) == null ? from : Double.parseDouble(m.group(3));
            times.add(t);
            loads.add(from);
            t += seconds;
            times.add(t);
            loads.add(to);
        }
        return of(times, loads);
    }

    /** Reads a CSV of {@code seconds,requestsPerSecond} lines; see the class Javadoc. */
    public static LoadProfile csv(Path file) throws IOException {
        List<Long> times = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s*[,;\\t ]\\s*");
            try {
                long s = Math.round(Double.parseDouble(f[0]));
                double r = Double.parseDouble(f[1]);
                if (!times.isEmpty() && s <= times.get(times.size() - 1)) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": second " + s + " (expected: after "
                            + times.get(times.size() - 1) + ", the line before)");
                }
                if (r < 0 || !Double.isFinite(r)) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + f[1] + " req/s (expected: >= 0)");
                }
                times.add(s);
                loads.add(r);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                if (times.isEmpty() && lineNo == 1) {
                    continue; // a header line
                }
                throw new IllegalArgumentException(file + ":" + lineNo + ": '" + l + "' (expected: seconds,requestsPerSecond)");
            }
        }
        if (times.size() < 2) {
            throw new IllegalArgumentException(file + ": " + times.size() + " data line(s) (expected: at least 2)");
        }
        if (times.get(0) != 0) {
            times.add(0, 0L);
            loads.add(0, loads.get(0));
        }
        return of(times, loads);
    }

    private static LoadProfile of(List<Long> times, List<Double> loads) {
        long[] a = new long[times.size()];
        double[] r = new double[loads.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = times.get(i);
            r[i] = loads.get(i);
        }
        return new LoadProfile(a, r, null, null);
    }

    /** Seconds of a duration written {@code 90s}, {@code 10m}, {@code 2h} or combined ({@code 1h30m}). */
    public static long seconds(String duration) {
        Matcher m = DURATION.matcher(duration.toLowerCase(Locale.ROOT));
        long s = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            s += switch (m.group(2)) {
                case "h" -> n * 3600;
                case "m" -> n * 60;
                default -> n;
            };
        }
        return s;
    }

    /** The largest {@link #scaled} factor: a recorded load a thousand times over. */
    public static final double MAX_SCALE = 1000;

    /**
     * This profile with every rate multiplied by {@code factor} ({@code --scale} of {@code headroom load} and
     * {@code headroom simulate}): "what if this day's traffic doubled". Its length, start and shape are kept.
     *
     * @throws IllegalArgumentException {@code --scale: X (expected: 0 < scale <= 1000)} unless 0 &lt; factor &le; {@link #MAX_SCALE}
     */
    public LoadProfile scaled(double factor) {
        if (!(factor > 0 && factor <= MAX_SCALE)) {
            throw new IllegalArgumentException("--scale: " + number(factor) + " (expected: 0 < scale <= "
                    + number(MAX_SCALE) + ")");
        }
        if (factor == 1) {
            return this;
        }
        double[] r = new double[rps.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rps[i] * factor;
        }
        return new LoadProfile(at, r, start, source == null ? null : source + ", × " + number(factor));
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** How long the profile runs. */
    public Duration duration() {
        return Duration.ofSeconds(at[at.length - 1]);
    }

    /** The load {@code second} seconds after the start (0 past the end). */
    public double rps(long second) {
        if (second < 0 || second > at[at.length - 1]) {
            return 0;
        }
        // The last point at or before the second; a segment's end and the next one's start share a second: the next wins.
        int lo = 0;
        int hi = at.length - 1;
        while (lo < hi) { // the last index with at[i] <= second
            int mid = (lo + hi + 1) >>> 1;
            if (at[mid] <= second) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int i = lo;
        if (i + 1 >= at.length || at[i + 1] == at[i]) {
            return rps[i];
        }
        double f = (double) (second - at[i]) / (at[i + 1] - at[i]);
        return rps[i] + f * (rps[i + 1] - rps[i]);
    }
}
