package io.headroom.core.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regular expressions of listener rule transforms, as AWS ALB defines them: RE2 syntax (Google's RE2J, which
 * matches in time linear in the input, so no request can make a pattern backtrack), without lookaheads,
 * lookbehinds, backreferences, atomic groups, possessive quantifiers, subroutines or recursion (RE2 has none of
 * them) and without Unicode character classes such as {@code \p{L}} (RE2 has them; AWS refuses them, so do we).
 *
 * <p>Replacements are RE2J's ({@code Matcher.replaceFirst}): {@code $0} is the whole match, {@code $1}..{@code $9}
 * a capture group (more digits are read while they still name a group: {@code $10} is group 10 when there is
 * one, else group 1 then "0"), {@code ${name}} a named group {@code (?P<name>...)}; a backslash makes the next
 * character literal ({@code \$1} is "$1"); a {@code $} not followed by a digit or "{" is itself.
 */
public final class RuleRegex {
    /** AWS's limit for {@code Regex} and {@code Replace}. */
    public static final int MAX_LENGTH = 1024;

    private RuleRegex() {
    }

    /** Compiles a checked regex; {@link IllegalArgumentException} with {@link #problem}'s words when it is not one. */
    public static Pattern compile(String regex) {
        String problem = problem(regex);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return Pattern.compile(regex);
    }

    /** Null when {@code regex} is one AWS accepts, otherwise what is wrong with it. */
    public static String problem(String regex) {
        if (regex == null || regex.isEmpty()) {
            return "empty (expected: a regular expression)";
        }
        if (regex.length() > MAX_LENGTH) {
            return regex.length() + " characters (expected: at most " + MAX_LENGTH + ")";
        }
        String unicode = unicodeClass(regex);
        if (unicode != null) {
            return "Unicode character class " + unicode + " is not supported (as on AWS; expected: ASCII classes "
                    + "such as [a-z], \\w, [[:alpha:]])";
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            // RE2J's words, e.g. "invalid or unsupported Perl syntax: `(?=`" for a lookahead.
            return e.getDescription() + ": `" + e.getPattern() + "` (expected: RE2 syntax without lookaheads, "
                    + "lookbehinds, backreferences, atomic groups, possessive quantifiers or recursion)";
        }
    }

    /** Null when {@code replace} fits {@code pattern}'s groups, otherwise what is wrong with it. */
    public static String replacementProblem(Pattern pattern, String replace) {
        if (replace.length() > MAX_LENGTH) {
            return replace.length() + " characters (expected: at most " + MAX_LENGTH + ")";
        }
        int groups = pattern.groupCount();
        for (int i = 0; i < replace.length(); i++) {
            char c = replace.charAt(i);
            if (c == '\\') {
                i++; // the next character is literal
            } else if (c == '$' && i + 1 < replace.length()) {
                char d = replace.charAt(i + 1);
                if (d >= '0' && d <= '9' && d - '0' > groups) {
                    return "$" + d + " refers to a capture group the regex does not have (expected: $0.."
                            + "$" + Math.min(groups, 9) + ")";
                }
                if (d == '{') {
                    int end = replace.indexOf('}', i + 2);
                    if (end < 0) {
                        return "${ without a closing } (expected: ${name} of a named group, or \\$ for a $)";
                    }
                    String name = replace.substring(i + 2, end);
                    if (!pattern.namedGroups().containsKey(name)) {
                        return "${" + name + "} is not a named group of the regex (expected: one of "
                                + pattern.namedGroups().keySet() + ")";
                    }
                    i = end;
                }
            }
        }
        return null;
    }

    /**
     * The literal text every match of {@code regex} starts the input with, when that is plain to see: the regex
     * begins with {@code ^} (start of text: flags such as {@code (?m)} and alternation {@code |} anywhere rule this
     * out) followed by literal characters (letters, digits, {@code / - _ : , = & % ~ @ ! ; ' "} or a backslash-escaped
     * punctuation character such as {@code \.}). A literal followed by {@code *}, {@code ?} or <code>{</code> is left
     * out (it may be absent or repeated). Null or empty when there is no such prefix. An input that does not start
     * with it cannot match, so the router checks it before running the regex.
     */
    public static String literalPrefix(String regex) {
        if (regex == null || !regex.startsWith("^") || regex.indexOf('|') >= 0 || regex.contains("(?")) {
            return null;
        }
        StringBuilder prefix = new StringBuilder();
        int i = 1;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            char literal;
            int next;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "/-_:,=&%~@!;'\"".indexOf(c) >= 0) {
                literal = c;
                next = i + 1;
            } else if (c == '\\' && i + 1 < regex.length() && regex.charAt(i + 1) < 0x80
                    && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
                literal = regex.charAt(i + 1);
                next = i + 2;
            } else {
                break;
            }
            if (next < regex.length() && "*?{".indexOf(regex.charAt(next)) >= 0) {
                break; // this character may be absent or repeated
            }
            prefix.append(literal);
            i = next;
        }
        return prefix.toString();
    }

    /**
     * The {@link #literalPrefix} of a regex that starts with {@code (?i)^} (case-insensitive, as host names often are
     * written), to be compared ignoring case; null for any other regex. The prefix is ASCII, and Java's
     * case-insensitive comparison also equates the two non-ASCII characters RE2 folds onto ASCII letters (the Kelvin
     * sign and the long s), so the check never rules out an input the regex matches.
     */
    public static String caseInsensitivePrefix(String regex) {
        return regex != null && regex.startsWith("(?i)^") ? literalPrefix(regex.substring(4)) : null;
    }

    /** The first {@code \p..} or {@code \P..} outside {@code \Q..\E}, or null. */
    private static String unicodeClass(String regex) {
        for (int i = 0; i < regex.length() - 1; i++) {
            if (regex.charAt(i) != '\\') {
                continue;
            }
            char next = regex.charAt(i + 1);
            if (next == 'p' || next == 'P') {
                int end = i + 2 < regex.length() && regex.charAt(i + 2) == '{' ? regex.indexOf('}', i) : i + 2;
                return regex.substring(i, end < 0 ? regex.length() : Math.min(end + 1, regex.length()));
            }
            if (next == 'Q') {
                int quoteEnd = regex.indexOf("\\E", i + 2);
                if (quoteEnd < 0) {
                    return null;
                }
                i = quoteEnd; // then skips the E
            }
            i++; // the escaped character
        }
        return null;
    }
}
