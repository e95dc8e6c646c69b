package io.headroom.core.routing;

import io.headroom.core.config.ActionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A redirect action compiled at config load. Each URL part is a list of literals and placeholders
 * ({@code #{protocol} #{host} #{port} #{path} #{query}}); {@link #render} fills them in for one request:
 * {@code #{protocol}} is the listener protocol, {@code #{host}} the Host header without its port,
 * {@code #{port}} the listener port, {@code #{path}} the path as sent without its leading "/", {@code #{query}}
 * the query as sent. The Location is {@code protocol://host:port/path?query}, without ":port" when it is the
 * protocol's default and without "?" when the query is empty. When the host renders empty (a request without Host),
 * the Location is the path and query alone, a relative reference.
 */
final class RedirectTemplate<G> {

    static final String DEFAULT_PROTOCOL = "#{protocol}";
    static final String DEFAULT_HOST = "#{host}";
    static final String DEFAULT_PORT = "#{port}";
    static final String DEFAULT_PATH = "/#{path}";
    static final String DEFAULT_QUERY = "#{query}";

    private enum Placeholder { PROTOCOL, HOST, PORT, PATH, QUERY }

    /** One template piece: a literal (placeholder null) or a placeholder. */
    private record Piece(String literal, Placeholder placeholder) {}

    private final int statusCode;
    private final Piece[] protocol;
    private final Piece[] host;
    private final Piece[] port;
    private final Piece[] path;
    private final Piece[] query;

    private RedirectTemplate(int statusCode, Piece[] protocol, Piece[] host, Piece[] port, Piece[] path,
            Piece[] query) {
        this.statusCode = statusCode;
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.path = path;
        this.query = query;
    }

    /** Compiles and checks a redirect; {@code where} prefixes error messages (e.g. "rules[priority=10].action"). */
    static <G> RedirectTemplate<G> compile(ActionConfig.Redirect r, String where) {
        String at = where + ".redirect";
        if (r.statusCode() != 301 && r.statusCode() != 302) {
            throw new IllegalArgumentException(
                    at + ".statusCode: " + r.statusCode() + " (expected: HTTP_301 or HTTP_302)");
        }
        String protocol = orDefault(r.protocol(), DEFAULT_PROTOCOL);
        String host = orDefault(r.host(), DEFAULT_HOST);
        String port = orDefault(r.port(), DEFAULT_PORT);
        String path = orDefault(r.path(), DEFAULT_PATH);
        String query = orDefault(r.query(), DEFAULT_QUERY);
        if (!protocol.equals(DEFAULT_PROTOCOL) && !protocol.equalsIgnoreCase("http")
                && !protocol.equalsIgnoreCase("https")) {
            throw new IllegalArgumentException(
                    at + ".protocol: '" + protocol + "' (expected: HTTP, HTTPS or #{protocol})");
        }
        if (!port.contains("#{")) {
            int p = -1;
            if (port.length() <= 5 && !port.isEmpty() && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                p = Integer.parseInt(port);
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(at + ".port: '" + port + "' (expected: 1..65535 or #{port})");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(at + ".host: empty (expected: a host name or #{host})");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(at + ".path: '" + path + "' (expected: to start with /)");
        }
        if (query.startsWith("?")) {
            throw new IllegalArgumentException(at + ".query: '" + query + "' (expected: without the leading ?)");
        }
        if (protocol.equals(DEFAULT_PROTOCOL) && host.equals(DEFAULT_HOST) && port.equals(DEFAULT_PORT)
                && path.equals(DEFAULT_PATH) && query.equals(DEFAULT_QUERY)) {
            // AWS refuses this too: every request would be sent back to itself.
            throw new IllegalArgumentException(at + ": redirects every request to its own URL (expected: change at "
                    + "least one of protocol, host, port, path, query)");
        }
        return new RedirectTemplate<>(r.statusCode(), parse(protocol, at + ".protocol"), parse(host, at + ".host"),
                parse(port, at + ".port"), parse(path, at + ".path"), parse(query, at + ".query"));
    }

    private static String orDefault(String value, String dflt) {
        return value == null ? dflt : value;
    }

    private static Piece[] parse(String template, String at) {
        List<Piece> pieces = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("#{", i);
            if (open < 0) {
                pieces.add(new Piece(template.substring(i), null));
                break;
            }
            if (open > i) {
                pieces.add(new Piece(template.substring(i, open), null));
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException(at + ": '" + template + "' has an unclosed #{ at index " + open);
            }
            String name = template.substring(open + 2, close);
            Placeholder ph = switch (name) {
                case "protocol" -> Placeholder.PROTOCOL;
                case "host" -> Placeholder.HOST;
                case "port" -> Placeholder.PORT;
                case "path" -> Placeholder.PATH;
                case "query" -> Placeholder.QUERY;
                default -> throw new IllegalArgumentException(at + ": unknown placeholder #{" + name
                        + "} (expected: #{protocol}, #{host}, #{port}, #{path} or #{query})");
            };
            pieces.add(new Piece(null, ph));
            i = close + 1;
        }
        return pieces.toArray(new Piece[0]);
    }

    /** The redirect for {@code request}, with its Location rendered. */
    Route.Redirect<G> render(RequestView request) {
        StringBuilder sb = new StringBuilder(64);
        append(sb, protocol, request);
        int protoEnd = sb.length();
        for (int i = 0; i < protoEnd; i++) {
            sb.setCharAt(i, Glob.fold(sb.charAt(i)));
        }
        boolean https = protoEnd == 5 && sb.indexOf("https") == 0;
        sb.append("://");
        int hostStart = sb.length();
        append(sb, host, request);
        if (sb.length() == hostStart) {
            sb.setLength(0); // no host to send the client to: a relative reference (path and query only)
        } else {
            int colon = sb.length();
            sb.append(':');
            append(sb, port, request);
            if (sb.length() == colon + 1 || isDefaultPort(sb, colon + 1, https)) {
                sb.setLength(colon);
            }
        }
        int pathStart = sb.length();
        append(sb, path, request);
        if (sb.length() == pathStart || sb.charAt(pathStart) != '/') {
            sb.insert(pathStart, '/');
        }
        int questionMark = sb.length();
        sb.append('?');
        append(sb, query, request);
        if (sb.length() == questionMark + 1) {
            sb.setLength(questionMark);
        }
        return new Route.Redirect<>(statusCode, sb.toString());
    }

    private static boolean isDefaultPort(StringBuilder sb, int from, boolean https) {
        String dflt = https ? "443" : "80";
        return sb.length() - from == dflt.length() && sb.indexOf(dflt, from) == from;
    }

    private static void append(StringBuilder sb, Piece[] pieces, RequestView request) {
        for (Piece p : pieces) {
            if (p.placeholder() == null) {
                sb.append(p.literal());
                continue;
            }
            switch (p.placeholder()) {
                case PROTOCOL -> sb.append(request.protocol());
                case HOST -> {
                    String h = request.host();
                    if (h != null) {
                        sb.append(h, 0, Router.hostEnd(h));
                    }
                }
                case PORT -> sb.append(request.listenerPort());
                case PATH -> {
                    String raw = request.rawPath();
                    sb.append(raw, raw.startsWith("/") ? 1 : 0, raw.length());
                }
                case QUERY -> {
                    String q = request.rawQuery();
                    if (q != null) {
                        sb.append(q);
                    }
                }
            }
        }
    }
}
