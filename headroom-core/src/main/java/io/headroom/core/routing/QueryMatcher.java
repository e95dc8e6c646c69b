package io.headroom.core.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A query-string condition: its key/value pairs are ORed. Each pair of the request's query is compared after
 * percent-decoding (UTF-8; a malformed escape stays as sent; {@code +} stays {@code +}). A condition without key
 * matches the value of any pair; a query part without {@code =} (as in {@code ?debug}) has that text as its key and
 * an empty value, and a key-less condition also compares its value against that text.
 */
final class QueryMatcher {

    private final Glob[] keys;   // null entry: any key
    private final Glob[] values;

    QueryMatcher(Glob[] keys, Glob[] values) {
        this.keys = keys;
        this.values = values;
    }

    boolean matches(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        int n = rawQuery.length();
        int start = 0;
        while (start <= n) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            if (end > start && matchesPair(rawQuery, start, end)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private boolean matchesPair(String q, int start, int end) {
        int eq = q.indexOf('=', start);
        boolean hasValue = eq >= 0 && eq < end;
        int keyEnd = hasValue ? eq : end;
        // Decode only when there is something to decode; otherwise match the ranges in place.
        CharSequence key = q;
        int ks = start;
        int ke = keyEnd;
        if (hasPercent(q, start, keyEnd)) {
            key = decode(q, start, keyEnd);
            ks = 0;
            ke = key.length();
        }
        CharSequence value = q;
        int vs = hasValue ? eq + 1 : end;
        int ve = end;
        if (hasValue && hasPercent(q, vs, ve)) {
            value = decode(q, vs, ve);
            vs = 0;
            ve = value.length();
        }
        for (int i = 0; i < values.length; i++) {
            Glob k = keys[i];
            if (k == null) {
                if (values[i].matches(value, vs, ve) || (!hasValue && values[i].matches(key, ks, ke))) {
                    return true;
                }
            } else if (k.matches(key, ks, ke) && values[i].matches(value, vs, ve)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPercent(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '%') {
                return true;
            }
        }
        return false;
    }

    /** Percent-decodes {@code s[from, to)} as UTF-8; a '%' not followed by two hex digits stays as it is. */
    static String decode(String s, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            if (c < 0x80) {
                out.write(c);
            } else {
                int cpEnd = Character.isHighSurrogate(c) && i + 1 < to ? i + 2 : i + 1;
                out.writeBytes(s.substring(i, cpEnd).getBytes(StandardCharsets.UTF_8));
                i = cpEnd - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
