package io.headroom.core.routing;

/**
 * Normalises a request path the way path-pattern conditions see it, so that a path cannot dodge a rule by spelling:
 * <ol>
 *   <li>percent-encoded unreserved characters (RFC 3986 2.3: ALPHA DIGIT - . _ ~) are decoded ({@code %61} to
 *       {@code a}, {@code %2E} to {@code .}); every other escape, including {@code %2F}, stays as sent, and so
 *       does a malformed escape;</li>
 *   <li>dot segments are removed (RFC 3986 5.2.4), after decoding, so {@code /%2e%2e/} counts as {@code /../};</li>
 *   <li>duplicate slashes are kept as sent.</li>
 * </ol>
 * A path that needs none of this is returned as the same instance (no allocation).
 */
public final class PathNormalizer {

    private PathNormalizer() {}

    /** The normalised form of {@code rawPath} (without the query). */
    public static String normalize(String rawPath) {
        if (!needsWork(rawPath)) {
            return rawPath;
        }
        return removeDotSegments(decodeUnreserved(rawPath));
    }

    /** Fast check: a '%' anywhere, or a '.' at the start of a segment, means there may be something to do. */
    private static boolean needsWork(String path) {
        for (int i = 0, n = path.length(); i < n; i++) {
            char c = path.charAt(i);
            if (c == '%' || (c == '.' && (i == 0 || path.charAt(i - 1) == '/'))) {
                return true;
            }
        }
        return false;
    }

    static String decodeUnreserved(String path) {
        int first = path.indexOf('%');
        if (first < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        out.append(path, 0, first);
        int n = path.length();
        for (int i = first; i < n; i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < n) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi * 16 + lo);
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                        i += 2;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 5.2.4 remove_dot_segments, with the input buffer as an index into {@code in}. */
    static String removeDotSegments(String in) {
        StringBuilder out = new StringBuilder(in.length());
        int i = 0;
        int n = in.length();
        while (i < n) {
            if (in.startsWith("../", i)) {                       // A
                i += 3;
            } else if (in.startsWith("./", i)) {                 // A
                i += 2;
            } else if (in.startsWith("/./", i)) {                // B: "/./" -> "/"
                i += 2;
            } else if (i + 2 == n && in.startsWith("/.", i)) {   // B: final "/." -> "/"
                out.append('/');
                i = n;
            } else if (in.startsWith("/../", i)) {               // C: "/../" -> "/", drop last output segment
                i += 3;
                dropLastSegment(out);
            } else if (i + 3 == n && in.startsWith("/..", i)) {  // C: final "/.." -> "/"
                dropLastSegment(out);
                out.append('/');
                i = n;
            } else if ((i + 1 == n && in.charAt(i) == '.') || (i + 2 == n && in.startsWith("..", i))) { // D
                i = n;
            } else {                                             // E: move the first segment to the output
                int end = in.indexOf('/', in.charAt(i) == '/' ? i + 1 : i);
                if (end < 0) {
                    end = n;
                }
                out.append(in, i, end);
                i = end;
            }
        }
        return out.toString();
    }

    private static void dropLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }
}
