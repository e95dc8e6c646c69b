package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The proxy's fast path for HTTP/1.1 message heads: turns the bytes of a request or response head into Netty's
 * message objects with {@link RawHeaders} (the field lines kept as received), and reads Content-Length bodies.
 * It takes only the plain case, strictly: CRLF line ends, token names directly followed by the colon, no control
 * characters, no Transfer-Encoding, at most one Content-Length. For anything else it answers "unusual" and
 * consumes nothing, so that Netty's decoder parses that message as before (with its own checks and errors).
 *
 * <p>One instance per decoder (per connection): the findings of the last parse are its fields.
 */
final class FieldLines {
    /**
     * Whether plain messages take the fast path; the system property {@code headroom.rawHeads=false} sends every
     * message through Netty's codec (for comparisons).
     */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("headroom.rawHeads", "true"));
    /** {@link #headLength} result: the head is not complete yet. */
    static final int NEED_MORE = -1;
    /** {@link #headLength} result: not for the fast path (or longer than it takes). */
    static final int UNUSUAL = -2;
    /** Longest head the fast path takes; longer ones go to Netty's decoder (which has the real limits). */
    static final int MAX_HEAD = 16 * 1024;
    /** Body slices, as Netty's decoders are configured here. */
    static final int MAX_CHUNK = 64 * 1024;

    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.HEAD,
        HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.CONNECT, HttpMethod.TRACE};

    /** The last parse's Content-Length (-1: none). */
    long contentLength;

    /**
     * The length of the head at the reader index (status or request line, field lines, blank line), without
     * moving it; {@link #NEED_MORE} or, past {@link #MAX_HEAD}, {@link #UNUSUAL}.
     */
    static int headLength(ByteBuf in) {
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + MAX_HEAD);
        int i = start;
        while (i < limit) {
            int lf = in.indexOf(i, limit, (byte) '\n');
            if (lf < 0) {
                break;
            }
            if (lf - start >= 3 && in.getByte(lf - 1) == '\r' && in.getByte(lf - 2) == '\n'
                    && in.getByte(lf - 3) == '\r') {
                return lf + 1 - start;
            }
            i = lf + 1;
        }
        return in.writerIndex() - start >= MAX_HEAD ? UNUSUAL : NEED_MORE;
    }

    /**
     * A request from the {@code length} bytes at the reader index, whose request line starts {@code lineStart}
     * bytes in ({@link HeaderScanner} has checked them all); null when unusual. Does not move the reader index.
     */
    HttpRequest request(ByteBuf in, int lineStart, int length) {
        byte[] b = new byte[length];
        in.getBytes(in.readerIndex(), b);
        int lineEnd = crlf(b, lineStart, length);
        if (lineEnd < 0) {
            return null;
        }
        int sp1 = indexOf(b, lineStart, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= lineStart || sp2 <= sp1 + 1 || lineEnd - sp2 != 9) {
            return null;
        }
        HttpVersion version = version(b, sp2 + 1);
        HttpMethod method = method(b, lineStart, sp1);
        if (version == null || method == null) {
            return null;
        }
        RawHeaders h = fields(b, lineEnd + 2, length - 2);
        if (h == null) {
            return null;
        }
        try {
            return new DefaultHttpRequest(version, method,
                    new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1), h);
        } catch (IllegalArgumentException e) {
            return null; // Netty's decoder refuses the request line with its own error
        }
    }

    /**
     * A response from the {@code length} bytes at the reader index; null when unusual (also: no Content-Length).
     * Does not move the reader index.
     */
    HttpResponse response(ByteBuf in, int length) {
        byte[] b = new byte[length];
        in.getBytes(in.readerIndex(), b);
        int lineEnd = crlf(b, 0, length);
        // HTTP/1.1 SP 3DIGIT [SP reason]
        if (lineEnd < 12 || b[8] != ' ' || (lineEnd > 12 && b[12] != ' ')) {
            return null;
        }
        HttpVersion version = version(b, 0);
        int code = digit(b[9]) * 100 + digit(b[10]) * 10 + digit(b[11]);
        if (version == null || code < 100 || code > 999) {
            return null;
        }
        RawHeaders h = fields(b, lineEnd + 2, length - 2);
        if (h == null || contentLength < 0) {
            return null;
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        int reasonFrom = Math.min(13, lineEnd);
        String standard = status.reasonPhrase();
        if (!equals(b, reasonFrom, lineEnd, standard)) {
            for (int i = reasonFrom; i < lineEnd; i++) {
                if (b[i] >= 0 && b[i] < 0x20 && b[i] != '\t' || b[i] == 0x7f) {
                    return null;
                }
            }
            status = new HttpResponseStatus(code,
                    new String(b, reasonFrom, lineEnd - reasonFrom, StandardCharsets.ISO_8859_1));
        }
        return new DefaultHttpResponse(version, status, h);
    }

    /** The field lines in {@code b[from, end)} (end: the blank line's CR); null when unusual. */
    private RawHeaders fields(byte[] b, int from, int end) {
        contentLength = -1;
        int lines = 0;
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                lines++;
            }
        }
        if (lines > RawHeaders.MAX_FIELDS) {
            return null;
        }
        int[] f = new int[2 * lines];
        int n = 0;
        int i = from;
        while (i < end) {
            int nameStart = i;
            while (i < end && isTchar(b[i])) {
                i++;
            }
            if (i == nameStart || i == end || b[i] != ':') {
                return null;
            }
            int colon = i++;
            while (i < end && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            int valueStart = i;
            while (i < end && b[i] != '\r') {
                byte c = b[i];
                if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
                    return null; // a bare LF or another control character
                }
                i++;
            }
            if (i >= end || b[i + 1] != '\n') {
                return null;
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            f[2 * n] = RawHeaders.pack(nameStart, colon); // offsets < MAX_HEAD
            f[2 * n + 1] = RawHeaders.pack(valueStart, valueEnd);
            if (!interpret(b, nameStart, colon, valueStart, valueEnd)) {
                return null;
            }
            n++;
            i += 2;
        }
        return new RawHeaders(b, end, f, n);
    }

    /** Content-Length and Transfer-Encoding; false when the message is not for the fast path. */
    private boolean interpret(byte[] b, int nameStart, int colon, int valueStart, int valueEnd) {
        int len = colon - nameStart;
        if (len == 14 && equalsIgnoreCase(b, nameStart, "content-length")) {
            if (contentLength >= 0 || valueEnd == valueStart || valueEnd - valueStart > 18) {
                return false; // repeated (Netty decides how to treat that), empty or too long
            }
            long v = 0;
            for (int k = valueStart; k < valueEnd; k++) {
                int dgt = digit(b[k]);
                if (dgt < 0) {
                    return false;
                }
                v = v * 10 + dgt;
            }
            contentLength = v;
        } else if (len == 17 && equalsIgnoreCase(b, nameStart, "transfer-encoding")) {
            return false; // chunked or another coding: Netty's decoder frames the body
        }
        return true;
    }

    /**
     * Reads the next slice of a Content-Length body with {@code remaining} bytes left (&gt; 0) and adds it to
     * {@code out} (the last as a {@code LastHttpContent}, as Netty's decoder does).
     *
     * @return the bytes left after this slice
     */
    static long readBody(ByteBuf in, long remaining, List<Object> out) {
        int readable = in.readableBytes();
        if (readable == 0) {
            return remaining;
        }
        int n = (int) Math.min(Math.min(readable, MAX_CHUNK), remaining);
        ByteBuf slice = in.readRetainedSlice(n);
        remaining -= n;
        out.add(remaining == 0 ? new DefaultLastHttpContent(slice, EmptyHttpHeaders.INSTANCE)
                : new DefaultHttpContent(slice));
        return remaining;
    }

    private static HttpVersion version(byte[] b, int at) {
        if (b[at] != 'H' || b[at + 1] != 'T' || b[at + 2] != 'T' || b[at + 3] != 'P' || b[at + 4] != '/'
                || b[at + 5] != '1' || b[at + 6] != '.') {
            return null;
        }
        return b[at + 7] == '1' ? HttpVersion.HTTP_1_1 : b[at + 7] == '0' ? HttpVersion.HTTP_1_0 : null;
    }

    private static HttpMethod method(byte[] b, int from, int to) {
        for (HttpMethod m : METHODS) {
            if (equals(b, from, to, m.name())) {
                return m;
            }
        }
        return null; // an extension method: Netty's decoder makes it
    }

    /** Index of the CR of the CRLF ending the line at {@code from}, or -1. */
    private static int crlf(byte[] b, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (b[i] == '\r') {
                return b[i + 1] == '\n' ? i : -1;
            }
            if (b[i] == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean equals(byte[] b, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes at {@code from} are {@code lower} (lower case ASCII), ignoring case. */
    static boolean equalsIgnoreCase(byte[] b, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int digit(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : -100_000;
    }

    /** RFC 9110 tchar. */
    static boolean isTchar(byte c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
