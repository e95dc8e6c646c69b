package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header fields of an HTTP/1.1 message kept as the bytes they arrived in, so that forwarding them costs a copy
 * of those bytes instead of a decoded object per field and an encoding of each again. The proxy's usual edits work
 * on the bytes: looking fields up, removing hop-by-hop fields (a bit per field line) and adding fields (appended
 * after the received ones); {@link #encode} writes the surviving lines verbatim, then the added ones.
 *
 * <p>Anything else (iteration, {@code names()}, {@code clear()}, ...) first turns the fields into Netty's
 * {@code DefaultHttpHeaders} ({@link #decoded()}), which then holds them for good: the result is the same, only
 * slower. Built by {@link FieldLines} from a header section it has checked: every line is {@code name ":" value
 * CRLF} with a token name and no control characters, at most {@value #MAX_FIELDS} lines.
 */
final class RawHeaders extends HttpHeaders {
    /** Most field lines kept raw (one bit each in {@link #removed}); a message with more is decoded at once. */
    static final int MAX_FIELDS = 64;
    private static final byte[] COLON_SP = {':', ' '};
    private static final short CRLF = ('\r' << 8) | '\n';

    /** Holds the field lines, each ending with CRLF, from the first line's name to {@link #end}. */
    private final byte[] b;
    /** Where the field lines end (the blank line's CR). */
    private final int end;
    /**
     * Per field line two ints, each two 16-bit offsets into {@link #b} (heads are at most {@link FieldLines#MAX_HEAD}
     * bytes): name start and name end (the colon), value start and value end (OWS trimmed); see {@link #pack}.
     */
    private final int[] f;
    private final int count;
    /** Field lines removed (bit i: line i). */
    private long removed;
    /** Fields added: name, value, name, value, ... */
    private CharSequence[] added;
    private int addedLength;
    /** Set once the fields have been decoded; from then on it holds them all. */
    private HttpHeaders d;

    /**
     * @param bytes  holds the field lines
     * @param end    where the last field line's CRLF ends
     * @param fields 2 ints per line, {@code pack(name start, colon)} and {@code pack(value start, value end)},
     *               offsets into {@code bytes}
     */
    RawHeaders(byte[] bytes, int end, int[] fields, int count) {
        this.b = bytes;
        this.end = end;
        this.f = fields;
        this.count = count;
        if (count > MAX_FIELDS) {
            decoded();
        }
    }

    /** Two offsets below 65,536 in one int, as {@link #f} holds them. */
    static int pack(int from, int to) {
        return from << 16 | to;
    }

    private int nameStart(int i) {
        return f[2 * i] >>> 16;
    }

    private int nameEnd(int i) {
        return f[2 * i] & 0xffff;
    }

    private int valueStart(int i) {
        return f[2 * i + 1] >>> 16;
    }

    private int valueEnd(int i) {
        return f[2 * i + 1] & 0xffff;
    }

    /** True while the fields are still the received bytes (then {@link #encode} applies). */
    boolean raw() {
        return d == null;
    }

    /** Writes {@code headers} with {@link #encode} when they are raw fields; false (nothing written) otherwise. */
    static boolean encodeIfRaw(HttpHeaders headers, ByteBuf buf) {
        if (headers instanceof RawHeaders r && r.raw()) {
            r.encode(buf);
            return true;
        }
        return false;
    }

    /** Writes the fields, each line with its CRLF (not the blank line ending the section); only when {@link #raw}. */
    void encode(ByteBuf buf) {
        int run = -1;
        for (int i = 0; i < count; i++) {
            boolean keep = live(i);
            if (keep && run < 0) {
                run = nameStart(i);
            } else if (!keep && run >= 0) {
                buf.writeBytes(b, run, nameStart(i) - run);
                run = -1;
            }
        }
        if (run >= 0) {
            buf.writeBytes(b, run, end - run);
        }
        for (int i = 0; i < addedLength; i += 2) {
            CharSequence n = added[i];
            if (n instanceof AsciiString a) {
                ByteBufUtil.copy(a, buf);
            } else {
                ByteBufUtil.writeAscii(buf, n);
            }
            buf.writeBytes(COLON_SP);
            CharSequence v = added[i + 1];
            if (v instanceof AsciiString a) {
                ByteBufUtil.copy(a, buf);
            } else {
                ByteBufUtil.writeAscii(buf, v);
            }
            buf.writeShort(CRLF);
        }
    }

    /** The fields as Netty's headers, made on first need; this object then only delegates to them. */
    HttpHeaders decoded() {
        if (d == null) {
            HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
            for (int i = 0; i < count; i++) {
                if (live(i)) {
                    h.add(new AsciiString(b, nameStart(i), nameEnd(i) - nameStart(i), true), value(i));
                }
            }
            for (int i = 0; i < addedLength; i += 2) {
                h.add(added[i], added[i + 1]);
            }
            d = h;
            added = null;
            addedLength = 0;
        }
        return d;
    }

    // ---------------------------------------------------------------- on the bytes

    private boolean nameIs(int i, CharSequence name) {
        int from = nameStart(i);
        int len = nameEnd(i) - from;
        if (len != name.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int c = b[from + k];
            int e = name.charAt(k);
            if (c != e) {
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (e >= 'A' && e <= 'Z') {
                    e += 'a' - 'A';
                }
                if (c != e) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean live(int i) {
        return (removed & (1L << i)) == 0;
    }

    private String value(int i) {
        return new String(b, valueStart(i), valueEnd(i) - valueStart(i), StandardCharsets.ISO_8859_1);
    }

    private static boolean addedNameIs(CharSequence n, CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(n, name);
    }

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        if (d != null) {
            return d.get(name);
        }
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                return value(i);
            }
        }
        for (int i = 0; i < addedLength; i += 2) {
            if (addedNameIs(added[i], name)) {
                return added[i + 1].toString();
            }
        }
        return null;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        if (d != null) {
            return d.getAll(name);
        }
        List<String> all = new ArrayList<>(2);
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                all.add(value(i));
            }
        }
        for (int i = 0; i < addedLength; i += 2) {
            if (addedNameIs(added[i], name)) {
                all.add(added[i + 1].toString());
            }
        }
        return all;
    }

    @Override
    public boolean contains(String name) {
        return contains((CharSequence) name);
    }

    @Override
    public boolean contains(CharSequence name) {
        if (d != null) {
            return d.contains(name);
        }
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                return true;
            }
        }
        for (int i = 0; i < addedLength; i += 2) {
            if (addedNameIs(added[i], name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        if (d != null) {
            return d.contains(name, value, ignoreCase);
        }
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)
                    && regionEquals(valueStart(i), valueEnd(i), value, 0, value.length(), ignoreCase)) {
                return true;
            }
        }
        for (int i = 0; i < addedLength; i += 2) {
            if (addedNameIs(added[i], name) && (ignoreCase ? AsciiString.contentEqualsIgnoreCase(added[i + 1], value)
                    : AsciiString.contentEquals(added[i + 1], value))) {
                return true;
            }
        }
        return false;
    }

    /** As Netty's: some value of {@code name}, split at commas and trimmed, is {@code value}. */
    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        if (d != null) {
            return d.containsValue(name, value, ignoreCase);
        }
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name) && hasToken(valueStart(i), valueEnd(i), value, ignoreCase)) {
                return true;
            }
        }
        if (addedLength > 0) {
            for (int i = 0; i < addedLength; i += 2) {
                if (addedNameIs(added[i], name)) {
                    for (String t : added[i + 1].toString().split(",", -1)) {
                        if (ignoreCase ? t.strip().equalsIgnoreCase(value.toString())
                                : t.strip().contentEquals(value)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private boolean hasToken(int from, int to, CharSequence token, boolean ignoreCase) {
        int start = from;
        while (start <= to) {
            int end = start;
            while (end < to && b[end] != ',') {
                end++;
            }
            int s = start;
            int e = end;
            while (s < e && (b[s] == ' ' || b[s] == '\t')) {
                s++;
            }
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                e--;
            }
            if (regionEquals(s, e, token, 0, token.length(), ignoreCase)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private boolean regionEquals(int from, int to, CharSequence s, int sFrom, int sTo, boolean ignoreCase) {
        if (to - from != sTo - sFrom) {
            return false;
        }
        for (int k = 0; k < to - from; k++) {
            int c = b[from + k] & 0xff;
            int e = s.charAt(sFrom + k);
            if (c != e) {
                if (!ignoreCase) {
                    return false;
                }
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (e >= 'A' && e <= 'Z') {
                    e += 'a' - 'A';
                }
                if (c != e) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public HttpHeaders remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        if (d != null) {
            d.remove(name);
            return this;
        }
        for (int i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                removed |= 1L << i;
            }
        }
        int w = 0;
        for (int i = 0; i < addedLength; i += 2) {
            if (!addedNameIs(added[i], name)) {
                added[w++] = added[i];
                added[w++] = added[i + 1];
            }
        }
        for (int i = w; i < addedLength; i++) {
            added[i] = null;
        }
        addedLength = w;
        return this;
    }

    /** A test of a field's name, on the raw bytes of a head or on a name as a string; one instance per kind. */
    interface NameTest {
        boolean test(byte[] b, int from, int to);

        boolean test(CharSequence name);
    }

    /** Names that start with one of {@code lowerPrefixes} (lower case ASCII), ignoring case. */
    static NameTest startingWith(String... lowerPrefixes) {
        return startingWithOrNamed(lowerPrefixes, new String[0]);
    }

    /**
     * Names that start with one of {@code lowerPrefixes} or are one of {@code lowerNames} (lower case ASCII),
     * ignoring case. One class for both, so that the call sites of {@link NameTest} stay bimorphic.
     */
    static NameTest startingWithOrNamed(String[] lowerPrefixes, String[] lowerNames) {
        return new NameTest() {
            @Override
            public boolean test(byte[] b, int from, int to) {
                for (String p : lowerPrefixes) {
                    if (to - from >= p.length() && FieldLines.equalsIgnoreCase(b, from, p)) {
                        return true;
                    }
                }
                for (String n : lowerNames) {
                    if (to - from == n.length() && FieldLines.equalsIgnoreCase(b, from, n)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean test(CharSequence name) {
                for (String p : lowerPrefixes) {
                    if (AsciiString.regionMatches(name, true, 0, p, 0, p.length())) {
                        return true;
                    }
                }
                for (String n : lowerNames) {
                    if (AsciiString.contentEqualsIgnoreCase(name, n)) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    /**
     * Names with a character other than a letter, a digit or a hyphen: AWS ALB's "invalid header fields"
     * ({@code X_Custom}, {@code X.Custom}; RFC 9110 allows them, so the strict parser lets them through).
     */
    static final NameTest INVALID_NAME = new NameTest() {
        @Override
        public boolean test(byte[] b, int from, int to) {
            for (int k = from; k < to; k++) {
                if (!valid(b[k])) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean test(CharSequence name) {
            for (int k = 0; k < name.length(); k++) {
                if (!valid(name.charAt(k))) {
                    return true;
                }
            }
            return false;
        }

        private boolean valid(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
        }
    };

    /**
     * Removes from {@code h} every field whose name passes {@code test}. On raw fields it works on the bytes and
     * allocates nothing; other headers are iterated once.
     */
    static void removeWhere(HttpHeaders h, NameTest test) {
        if (h instanceof RawHeaders r && r.raw()) {
            for (int i = 0; i < r.count; i++) {
                if (r.live(i) && test.test(r.b, r.nameStart(i), r.nameEnd(i))) {
                    r.removed |= 1L << i;
                }
            }
            for (int i = 0; i < r.addedLength; i += 2) {
                if (test.test(r.added[i])) {
                    r.remove(r.added[i]);
                    i -= 2;
                }
            }
            return;
        }
        List<String> found = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (test.test(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(name.toString());
            }
        }
        if (found != null) {
            found.forEach(h::remove);
        }
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        if (d != null) {
            d.add(name, value);
            return this;
        }
        if (added == null) {
            added = new CharSequence[8];
        } else if (addedLength == added.length) {
            added = java.util.Arrays.copyOf(added, added.length * 2);
        }
        added[addedLength++] = name;
        added[addedLength++] = asValue(value);
        return this;
    }

    private static CharSequence asValue(Object value) {
        if (value instanceof CharSequence cs) {
            return cs;
        }
        if (value instanceof Date date) {
            return DateFormatter.format(date);
        }
        if (value instanceof java.util.Calendar cal) {
            return DateFormatter.format(cal.getTime());
        }
        return String.valueOf(value);
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        if (d != null) {
            d.set(name, value);
            return this;
        }
        remove(name);
        return add(name, value);
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        return add(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        return add(name, Short.toString(value));
    }

    @Override
    public Integer getInt(CharSequence name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer v = getInt(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Short getShort(CharSequence name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Short.parseShort(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short v = getShort(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        return decoded().getTimeMillis(name);
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        return decoded().getTimeMillis(name, defaultValue);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public int size() {
        if (d != null) {
            return d.size();
        }
        return count - Long.bitCount(removed) + addedLength / 2;
    }

    // ---------------------------------------------------------------- decoded first

    @Override
    public List<Map.Entry<String, String>> entries() {
        return decoded().entries();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return decoded().iterator();
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return decoded().iteratorCharSequence();
    }

    @Override
    public Iterator<String> valueStringIterator(CharSequence name) {
        return getAll(name).iterator();
    }

    @Override
    public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
        return getAll(name).iterator();
    }

    @Override
    public Set<String> names() {
        return decoded().names();
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        decoded().add(name, values);
        return this;
    }

    @Override
    public HttpHeaders add(CharSequence name, Iterable<?> values) {
        decoded().add(name, values);
        return this;
    }

    @Override
    public HttpHeaders add(HttpHeaders headers) {
        decoded().add(headers);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        decoded().set(name, values);
        return this;
    }

    @Override
    public HttpHeaders set(CharSequence name, Iterable<?> values) {
        decoded().set(name, values);
        return this;
    }

    @Override
    public HttpHeaders set(HttpHeaders headers) {
        decoded().set(headers);
        return this;
    }

    @Override
    public HttpHeaders setAll(HttpHeaders headers) {
        decoded().setAll(headers);
        return this;
    }

    @Override
    public HttpHeaders clear() {
        decoded().clear();
        return this;
    }

    @Override
    public HttpHeaders copy() {
        return decoded().copy();
    }

    @Override
    public String toString() {
        return decoded().toString();
    }
}
