package io.headroom.sim;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Access logs read as a load profile: the requests each second of the logged time, so that a scaling policy can be
 * tried against the traffic a service really had. Three formats, told apart by each file's first line:
 * <ul>
 *   <li>AWS's Application Load Balancer entries ({@code http 2026-12-01T10:00:00.123456Z app/my-alb/… …}), as ALB
 *       writes them to S3 and as Headroom's {@code accessLog.format: alb} writes them: a request counts at its
 *       {@code request_creation_time} (ALB's {@code time} is when the response ended);</li>
 *   <li>Headroom's {@code json} lines: the same fields as JSON;</li>
 *   <li>the combined and common formats of nginx and Apache ({@code … [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" …}).</li>
 * </ul>
 * Files may be gzipped (ALB's {@code .log.gz}). A directory is read whole, recursively (ALB's
 * {@code AWSLogs/…/2026/12/01/} tree, or Headroom's {@code access.log}, {@code access.log.1}, …); files in it that
 * are not access logs (ALB's {@code ELBAccessLogTestFile}, say) are passed over.
 */
public final class AccessLogs {
    /** At most this much logged time: a profile holds one number per second. */
    static final Duration MAX_SPAN = Duration.ofDays(31);

    private static final Pattern ALB = Pattern.compile("^(?:http|https|h2|grpcs|ws|wss) \\d{4}-\\d\\d-\\d\\dT\\S+ \\S+ ");
    private static final Pattern JSON = Pattern.compile("^\\{.*\"time\"\\s*:\\s*\"\\d{4}-");
    private static final Pattern JSON_CREATED = Pattern.compile("\"request_creation_time\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern JSON_TIME = Pattern.compile("\"time\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern COMBINED = Pattern.compile("^\\S+ \\S+ .*?\\[(\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\]");
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final int ALB_TIME = 1;              // 0-based field indexes of ALB's entry
    private static final int ALB_REQUEST_CREATION_TIME = 21;

    private enum Format { ALB, JSON, COMBINED }

    private AccessLogs() {
    }

    /** Whether {@code file}'s first line is an access log entry in one of the formats above. */
    static boolean isAccessLog(Path file) throws IOException {
        return format(file) != null;
    }

    /**
     * The requests per second logged in {@code path} (a file, or a directory of files), from the first logged second
     * to the last; seconds without a request have none. {@link LoadProfile#start()} is the first second.
     *
     * @throws IllegalArgumentException naming the file and line of an entry without a readable time, or when no
     *                                  access log entry was found, or they span more than 31 days
     */
    static LoadProfile profile(Path path) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.walk(path)) {
                s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted()
                        .forEach(files::add);
            }
        } else {
            files.add(path);
        }
        Map<Long, int[]> days = new HashMap<>(); // epoch day -> requests in each of its seconds
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long requests = 0;
        int logs = 0;
        for (Path f : files) {
            Format format = format(f);
            if (format == null) {
                continue;
            }
            logs++;
            try (BufferedReader r = reader(f)) {
                String line;
                int lineNo = 0;
                while ((line = r.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    long second = second(format, line, f, lineNo);
                    days.computeIfAbsent(Math.floorDiv(second, 86_400L), d -> new int[86_400])[(int) Math.floorMod(second, 86_400L)]++;
                    first = Math.min(first, second);
                    last = Math.max(last, second);
                    requests++;
                }
            }
        }
        if (requests == 0) {
            throw new IllegalArgumentException("load profile: " + path + ": no access log entries"
                    + (logs == 0 ? " (expected ALB, Headroom json, or nginx/Apache combined or common log lines)" : ""));
        }
        if (last - first >= MAX_SPAN.toSeconds()) {
            throw new IllegalArgumentException("load profile: " + path + ": the entries span " + Instant.ofEpochSecond(first)
                    + " to " + Instant.ofEpochSecond(last) + ", more than " + MAX_SPAN.toDays() + " days (expected: fewer files)");
        }
        long[] counts = new long[(int) (last - first + 1)];
        for (long s = first; s <= last; s++) {
            int[] day = days.get(Math.floorDiv(s, 86_400L));
            counts[(int) (s - first)] = day == null ? 0 : day[(int) Math.floorMod(s, 86_400L)];
        }
        String source = String.format(Locale.ROOT, "%s: %,d requests in %d access log file%s, %s to %s", path, requests, logs,
                logs == 1 ? "" : "s", Instant.ofEpochSecond(first), Instant.ofEpochSecond(last + 1));
        return LoadProfile.perSecond(Instant.ofEpochSecond(first), counts, source);
    }

    /** The epoch second of one entry. */
    private static long second(Format format, String line, Path file, int lineNo) {
        try {
            return switch (format) {
                case ALB -> {
                    String created = field(line, ALB_REQUEST_CREATION_TIME);
                    yield Instant.parse(created != null && !created.equals("-") ? created : field(line, ALB_TIME)).getEpochSecond();
                }
                case JSON -> {
                    Matcher m = JSON_CREATED.matcher(line);
                    if (!m.find()) {
                        m = JSON_TIME.matcher(line);
                        if (!m.find()) {
                            throw new DateTimeParseException("no time", line, 0);
                        }
                    }
                    yield Instant.parse(m.group(1)).getEpochSecond();
                }
                case COMBINED -> {
                    Matcher m = COMBINED.matcher(line);
                    if (!m.find()) {
                        throw new DateTimeParseException("no time", line, 0);
                    }
                    yield OffsetDateTime.parse(m.group(1), CLF).toEpochSecond();
                }
            };
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("load profile: " + file + ":" + lineNo + ": no request time in '"
                    + (line.length() > 80 ? line.substring(0, 80) + "…" : line) + "' (expected: an entry like the file's first, "
                    + switch (format) {
                        case ALB -> "an ALB access log entry";
                        case JSON -> "a JSON access log line with \"time\"";
                        case COMBINED -> "a combined or common log format line with [dd/Mon/yyyy:HH:mm:ss +zzzz]";
                    } + ")");
        }
    }

    /**
     * Field {@code index} (0-based) of an ALB entry: fields are separated by one space, and a field that starts with
     * {@code "} runs to the next {@code "} not escaped with {@code \}. Null when the line has fewer fields.
     */
    static String field(String line, int index) {
        int i = 0;
        int n = line.length();
        for (int f = 0; i <= n; f++) {
            int end;
            if (i < n && line.charAt(i) == '"') {
                end = i + 1;
                while (end < n && line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, n);
            } else {
                end = line.indexOf(' ', i);
                end = end < 0 ? n : end;
            }
            if (f == index) {
                return line.substring(i, end);
            }
            if (end >= n) {
                return null;
            }
            i = end + 1;
        }
        return null;
    }

    private static Format format(Path file) throws IOException {
        try (BufferedReader r = reader(file)) {
            String line;
            int read = 0;
            while ((line = r.readLine()) != null && read++ < 5) {
                if (line.isBlank()) {
                    continue;
                }
                if (ALB.matcher(line).find()) {
                    return Format.ALB;
                }
                if (JSON.matcher(line).find()) {
                    return Format.JSON;
                }
                if (COMBINED.matcher(line).find()) {
                    return Format.COMBINED;
                }
                return null;
            }
            return null;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("GZIP")) {
                return null; // a corrupt .gz is reported by the read, when it is a log at all
            }
            throw e;
        }
    }

    /** Reads a file, gunzipping it when it starts with gzip's magic bytes (whatever its name). */
    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
