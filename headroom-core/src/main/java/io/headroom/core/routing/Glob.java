package io.headroom.core.routing;

/**
 * A compiled ALB wildcard pattern: {@code *} matches zero or more characters, {@code ?} exactly one. Matching is
 * iterative with a single backtrack point (the last {@code *}), so it costs at most O(pattern x input) steps and
 * never backtracks exponentially, whatever the pattern.
 */
final class Glob {

    private static final char ANY_ONE = '?';
    private static final char ANY_MANY = '*';

    private final String source;
    /** Pattern characters, case-folded when case-insensitive. */
    private final char[] chars;
    /** kinds[i]: 0 literal, 1 '?', 2 '*'. Kept apart from chars so that escaped '*' and '?' stay literal. */
    private final byte[] kinds;
    private final boolean ignoreCase;

    private Glob(String source, char[] chars, byte[] kinds, boolean ignoreCase) {
        this.source = source;
        this.chars = chars;
        this.kinds = kinds;
        this.ignoreCase = ignoreCase;
    }

    /**
     * Compiles {@code pattern}. With {@code escapes}, a backslash makes the next character literal (ALB's query
     * string syntax for a literal {@code *} or {@code ?}); without, a backslash is an ordinary character.
     * Runs of {@code *} collapse into one.
     */
    static Glob compile(String pattern, boolean ignoreCase, boolean escapes) {
        char[] chars = new char[pattern.length()];
        byte[] kinds = new byte[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escapes && c == '\\' && i + 1 < pattern.length()) {
                c = pattern.charAt(++i);
                chars[n] = ignoreCase ? fold(c) : c;
                kinds[n++] = 0;
            } else if (c == ANY_MANY) {
                if (n > 0 && kinds[n - 1] == 2) {
                    continue;
                }
                chars[n] = c;
                kinds[n++] = 2;
            } else if (c == ANY_ONE) {
                chars[n] = c;
                kinds[n++] = 1;
            } else {
                chars[n] = ignoreCase ? fold(c) : c;
                kinds[n++] = 0;
            }
        }
        return new Glob(pattern, java.util.Arrays.copyOf(chars, n), java.util.Arrays.copyOf(kinds, n), ignoreCase);
    }

    /** True when the whole of {@code s} matches. */
    boolean matches(CharSequence s) {
        return matches(s, 0, s.length());
    }

    /** True when {@code s[from, to)} matches as a whole; allocates nothing. */
    boolean matches(CharSequence s, int from, int to) {
        int p = 0;
        int i = from;
        int starP = -1; // pattern index just after the last '*' seen
        int starI = -1; // input index that '*' is currently assumed to extend to
        int plen = chars.length;
        while (i < to) {
            if (p < plen && kinds[p] == 2) {
                starP = ++p;
                starI = i;
            } else if (p < plen && (kinds[p] == 1 || same(chars[p], s.charAt(i)))) {
                p++;
                i++;
            } else if (starP >= 0) {
                // Let the last '*' swallow one more character and retry the rest of the pattern from there.
                p = starP;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < plen && kinds[p] == 2) {
            p++;
        }
        return p == plen;
    }

    private boolean same(char patternChar, char c) {
        return patternChar == c || (ignoreCase && patternChar == fold(c));
    }

    /** Case folding that keeps one char per char (unlike String.toLowerCase), so pattern and input stay aligned. */
    static char fold(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    @Override
    public String toString() {
        return source;
    }
}
