package io.headroom.proxy.http;

import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.netty.buffer.ByteBuf;
import java.util.Locale;

/**
 * Checks the raw bytes of one request's request line and header section against RFC 9112 before Netty's
 * (more lenient) decoder sees them, and classifies the request the way ALB's desync mitigation does:
 * <ul>
 *   <li><b>severe</b> (rejected in defensive and strictest mode): bare LF or a CR not followed by LF, control
 *       characters, obs-fold (a line starting with SP/HTAB), whitespace before the colon, a line without a colon,
 *       a malformed request line, Content-Length together with Transfer-Encoding, differing or non-numeric
 *       Content-Length values, a final transfer coding other than chunked, an HTTP/1.1 request without Host;</li>
 *   <li><b>ambiguous</b> (rejected in strictest mode only): bytes &ge; 0x80 in a header value, repeated identical
 *       Content-Length values, more than one Host header;</li>
 *   <li>limits, whatever the mode: request line over 8 KiB → 414, header section over 64 KiB → 431.</li>
 * </ul>
 * In monitor mode nothing but the limits is rejected; the request is only counted as non-compliant.
 *
 * <p>The scanner reads from the buffer's reader index without moving it and resumes where it stopped when
 * more bytes arrive; it allocates only for the Content-Length / Transfer-Encoding values it must interpret.
 * One instance per connection; {@link #reset()} before each request.
 */
final class HeaderScanner {
    /** Longest request line (without CRLF), as ALB: longer answers 414. */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    /** Largest header section (the header field lines and the final CRLF): larger answers 431. */
    static final int MAX_HEADER_SECTION = 64 * 1024;

    /** {@link #scan} result: the header section is not complete yet. */
    static final int NEED_MORE = -1;
    /** {@link #scan} result: reject the request with {@link #status()}. */
    static final int REJECT = -2;

    private DesyncMitigationMode mode;

    // Scan position, relative to the reader index at the first scan of this request.
    private int pos;
    private int lineStart;
    private boolean requestLineDone;
    private int headerStart;
    private int requestLineStart;
    // Per-line state.
    private int colon;
    private boolean sawCr;
    // Findings.
    private boolean severe;
    private boolean ambiguous;
    private String problem;
    private int status;
    private int hostCount;
    private long contentLength;
    private int contentLengthCount;
    private String transferEncoding;
    private boolean http10;

    HeaderScanner(DesyncMitigationMode mode) {
        this.mode = mode;
        reset();
    }

    /** Forgets the previous request and checks the next one in {@code mode} (it may change on reload). */
    void reset(DesyncMitigationMode mode) {
        this.mode = mode;
        reset();
    }

    /** Forgets the previous request. */
    void reset() {
        pos = 0;
        lineStart = 0;
        requestLineDone = false;
        headerStart = 0;
        requestLineStart = 0;
        colon = -1;
        sawCr = false;
        severe = false;
        ambiguous = false;
        problem = null;
        status = 0;
        hostCount = 0;
        contentLength = -1;
        contentLengthCount = 0;
        transferEncoding = null;
        http10 = false;
    }

    /**
     * Scans {@code buf} from its reader index.
     *
     * @return the length of the request line and header section (through the final CRLF) when complete and
     *         acceptable in this mode; {@link #NEED_MORE}; or {@link #REJECT} ({@link #status()}, {@link #problem()})
     */
    int scan(ByteBuf buf) {
        int base = buf.readerIndex();
        int end = buf.readableBytes();
        while (pos < end) {
            byte b = buf.getByte(base + pos);
            if (sawCr) {
                if (b != '\n') {
                    flagSevere("CR not followed by LF");
                    // Treat like a line end so that scanning goes on to the limits, never past them unboundedly.
                }
                sawCr = false;
                int lineEnd = pos - 1; // exclusive, at the CR
                pos++;
                int r = endOfLine(buf, base, lineEnd);
                if (r != NEED_MORE) {
                    return r;
                }
                if (severe && mode != DesyncMitigationMode.MONITOR) {
                    return reject(400, problem);
                }
                continue;
            }
            if (b == '\r') {
                sawCr = true;
            } else if (b == '\n') {
                flagSevere("bare LF in the header section");
                if (mode != DesyncMitigationMode.MONITOR) {
                    return reject(400, problem);
                }
                int lineEnd = pos;
                pos++;
                int r = endOfLine(buf, base, lineEnd);
                if (r != NEED_MORE) {
                    return r;
                }
                continue;
            } else if (requestLineDone) {
                checkHeaderByte(b);
            } else if (pos > lineStart && (b < 0x20 || b == 0x7f)) {
                flagSevere("control character in the request line");
            }
            pos++;
            if (severe && mode != DesyncMitigationMode.MONITOR) {
                return reject(400, problem);
            }
            if (!requestLineDone && pos - lineStart > MAX_REQUEST_LINE) {
                return reject(414, "request line longer than " + MAX_REQUEST_LINE + " bytes");
            }
            if (requestLineDone && pos - headerStart > MAX_HEADER_SECTION) {
                return reject(431, "header section larger than " + MAX_HEADER_SECTION + " bytes");
            }
        }
        return NEED_MORE;
    }

    private void checkHeaderByte(byte b) {
        int i = pos - lineStart;
        if (i == 0 && (b == ' ' || b == '\t')) {
            flagSevere("obs-fold (header line starting with whitespace)");
        } else if (colon < 0) {
            if (b == ':') {
                colon = pos;
            } else if (b == ' ' || b == '\t') {
                flagSevere("whitespace in a header name or before the colon");
            } else if (!FieldLines.isTchar(b)) {
                flagSevere("invalid character 0x" + Integer.toHexString(b & 0xff) + " in a header name");
            }
        } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
            flagSevere("control character 0x" + Integer.toHexString(b & 0xff) + " in a header value");
        } else if (b < 0) {
            ambiguous = true;
            if (problem == null) {
                problem = "non-ASCII byte in a header value";
            }
        }
    }

    /** A line ended at {@code lineEnd} (exclusive); {@code pos} is just after its LF. */
    private int endOfLine(ByteBuf buf, int base, int lineEnd) {
        if (!requestLineDone) {
            if (lineEnd == lineStart) {
                // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line.
                lineStart = pos;
                return NEED_MORE;
            }
            checkRequestLine(buf, base + lineStart, base + lineEnd);
            requestLineStart = lineStart;
            requestLineDone = true;
            lineStart = pos;
            headerStart = pos;
            colon = -1;
            return NEED_MORE;
        }
        if (lineEnd == lineStart) {
            return finish();
        }
        if (colon < 0) {
            flagSevere("header line without a colon");
        } else {
            headerField(buf, base + lineStart, base + colon, base + colon + 1, base + lineEnd);
        }
        lineStart = pos;
        colon = -1;
        return NEED_MORE;
    }

    private void checkRequestLine(ByteBuf buf, int from, int to) {
        int sp1 = buf.indexOf(from, to, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : buf.indexOf(sp1 + 1, to, (byte) ' ');
        if (sp1 <= from || sp2 <= sp1 + 1 || buf.indexOf(sp2 + 1, to, (byte) ' ') >= 0) {
            flagSevere("malformed request line (expected: method SP request-target SP HTTP-version)");
            return;
        }
        for (int i = from; i < sp1; i++) {
            if (!FieldLines.isTchar(buf.getByte(i))) {
                flagSevere("invalid character in the method");
                return;
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            byte b = buf.getByte(i);
            if (b <= 0x20 || b == 0x7f) {
                flagSevere("invalid character in the request target");
                return;
            }
        }
        if (to - sp2 - 1 != 8 || buf.getByte(sp2 + 1) != 'H' || buf.getByte(sp2 + 2) != 'T'
                || buf.getByte(sp2 + 3) != 'T' || buf.getByte(sp2 + 4) != 'P' || buf.getByte(sp2 + 5) != '/'
                || buf.getByte(sp2 + 6) != '1' || buf.getByte(sp2 + 7) != '.' || !isDigit(buf.getByte(sp2 + 8))) {
            flagSevere("unsupported HTTP version (expected: HTTP/1.0 or HTTP/1.1)");
            return;
        }
        http10 = buf.getByte(sp2 + 8) == '0';
    }

    private void headerField(ByteBuf buf, int nameFrom, int nameTo, int valueFrom, int valueTo) {
        if (nameTo == nameFrom) {
            flagSevere("empty header name");
            return;
        }
        if (nameIs(buf, nameFrom, nameTo, "host")) {
            if (++hostCount > 1) {
                ambiguous = true;
                if (problem == null) {
                    problem = "more than one Host header";
                }
            }
        } else if (nameIs(buf, nameFrom, nameTo, "content-length")) {
            String v = buf.toString(valueFrom, valueTo - valueFrom, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String part : v.split(",", -1)) {
                long n = parseLength(part.strip());
                if (n < 0) {
                    flagSevere("invalid Content-Length '" + v.strip() + "'");
                    return;
                }
                if (contentLengthCount++ > 0) {
                    if (n != contentLength) {
                        flagSevere("conflicting Content-Length values");
                        return;
                    }
                    ambiguous = true;
                    if (problem == null) {
                        problem = "repeated Content-Length";
                    }
                }
                contentLength = n;
            }
        } else if (nameIs(buf, nameFrom, nameTo, "transfer-encoding")) {
            String v = buf.toString(valueFrom, valueTo - valueFrom, java.nio.charset.StandardCharsets.ISO_8859_1);
            transferEncoding = transferEncoding == null ? v : transferEncoding + "," + v;
        }
    }

    private int finish() {
        if (hostCount == 0 && !http10) {
            flagSevere("HTTP/1.1 request without a Host header"); // RFC 9112 3.2: MUST answer 400
        }
        if (transferEncoding != null) {
            if (contentLengthCount > 0) {
                flagSevere("both Content-Length and Transfer-Encoding");
            }
            String[] codings = transferEncoding.split(",", -1);
            String last = codings[codings.length - 1].strip().toLowerCase(Locale.ROOT);
            if (!last.equals("chunked")) {
                flagSevere("final transfer coding '" + last + "' is not chunked");
            }
            if (http10) {
                ambiguous = true;
                if (problem == null) {
                    problem = "Transfer-Encoding in an HTTP/1.0 request";
                }
            }
        }
        boolean reject = switch (mode) {
            case MONITOR -> false;
            case DEFENSIVE -> severe;
            case STRICTEST -> severe || ambiguous;
        };
        if (reject) {
            status = 400;
            return REJECT;
        }
        return pos;
    }

    /** True when the request did not comply with RFC 9112 (whether or not it was rejected). */
    boolean nonCompliant() {
        return severe || ambiguous;
    }

    /** The mode the current request is checked in. */
    DesyncMitigationMode mode() {
        return mode;
    }

    /** Where the request line starts, relative to the reader index at the first scan (after empty lines). */
    int requestLineStart() {
        return requestLineStart;
    }

    /** The status to answer a rejected request with: 400, 414 or 431. */
    int status() {
        return status;
    }

    /** What was wrong, for the log; null when nothing. */
    String problem() {
        return problem;
    }

    private int reject(int code, String why) {
        status = code;
        problem = why;
        severe = true;
        return REJECT;
    }

    private void flagSevere(String why) {
        if (!severe) {
            problem = why;
        }
        severe = true;
    }

    private static boolean nameIs(ByteBuf buf, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = buf.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long parseLength(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
