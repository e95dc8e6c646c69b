package io.headroom.proxy.http;

import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder with a strict gate in front of each request: before the decoder parses a request, the
 * {@link HeaderScanner} checks its raw request line and header section. Because the decoder consumes exactly one
 * message per {@code decode} call that ends it, the gate sees every request of a keep-alive or pipelined
 * connection, not only the first.
 *
 * <p>Emits, besides the decoder's objects: {@link Rejected} (then discards all further input) when the scanner
 * rejects or no complete header section arrived within the header timeout of the request's first byte, and
 * {@link #NON_COMPLIANT} before a request that was non-compliant but is let through (monitor mode, or
 * ambiguous in defensive mode).
 */
final class StrictRequestDecoder extends HttpRequestDecoder implements Runnable {
    /** Marks the next request as non-compliant (DesyncMitigationMode_NonCompliant_Request_Count). */
    static final Object NON_COMPLIANT = new Object() {
        @Override
        public String toString() {
            return "NON_COMPLIANT";
        }
    };

    /** The request was refused before the target saw anything; answer {@code status} and close. */
    record Rejected(int status, String reason, boolean nonCompliant) {
    }

    private final HeaderScanner scanner;
    private final FieldLines lines = new FieldLines();
    /** Body bytes left of a request taken by the fast path; -1 when Netty's decoder has the request. */
    private long remaining = -1;
    private final java.util.function.Supplier<DesyncMitigationMode> mode;
    private final long headerTimeoutNanos;
    private boolean atStart = true;
    private boolean scanning;
    private boolean rejected;
    private ChannelHandlerContext ctx;
    /** When the current request's header section must be complete. */
    private LazyDeadline headerDeadline;

    StrictRequestDecoder(DesyncMitigationMode mode, long headerTimeoutNanos) {
        this(() -> mode, headerTimeoutNanos);
    }

    /**
     * @param mode the desync mitigation mode, read at the start of each request (the listener's current snapshot),
     *             so a reload applies to open connections too; Netty's own line strictness is fixed per connection
     */
    StrictRequestDecoder(java.util.function.Supplier<DesyncMitigationMode> mode, long headerTimeoutNanos) {
        super(config(mode.get()));
        this.mode = mode;
        this.scanner = new HeaderScanner(mode.get());
        this.headerTimeoutNanos = headerTimeoutNanos;
    }

    static HttpDecoderConfig config(DesyncMitigationMode mode) {
        // The scanner enforces the 8 KiB / 64 KiB limits first (414 / 431); the decoder's are only a backstop.
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(HeaderScanner.MAX_REQUEST_LINE + 64)
                .setMaxHeaderSize(HeaderScanner.MAX_HEADER_SECTION + 64)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(mode != DesyncMitigationMode.STRICTEST)
                .setStrictLineParsing(mode != DesyncMitigationMode.MONITOR)
                // Outside monitor mode the scanner has checked every header byte already (it rejects what Netty's
                // validation would): validating again would only cost time per request.
                .setValidateHeaders(mode == DesyncMitigationMode.MONITOR);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        headerDeadline = new LazyDeadline(ctx.executor(), this);
        super.handlerAdded(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (remaining >= 0) {
            remaining = FieldLines.readBody(in, remaining, out);
            if (remaining == 0) {
                remaining = -1;
                atStart = true;
                scanning = false;
            }
            return;
        }
        if (atStart) {
            if (!in.isReadable()) {
                return;
            }
            if (!scanning) {
                scanner.reset(mode.get()); // the mode of the snapshot current when this request starts
                scanning = true;
            }
            if (!headerDeadline.isSet() && headerTimeoutNanos > 0) {
                headerDeadline.in(headerTimeoutNanos);
            }
            int r = scanner.scan(in);
            if (r == HeaderScanner.NEED_MORE) {
                return;
            }
            headerDeadline.clear();
            if (r == HeaderScanner.REJECT) {
                rejected = true;
                in.skipBytes(in.readableBytes());
                out.add(new Rejected(scanner.status(), scanner.problem(), true));
                return;
            }
            atStart = false;
            if (scanner.nonCompliant()) {
                out.add(NON_COMPLIANT);
            }
            // Monitor mode lets through what the scanner flagged: Netty's decoder (validating) has those requests.
            if (FieldLines.ENABLED && scanner.mode() != DesyncMitigationMode.MONITOR && fastPath(in, r, out)) {
                return;
            }
        }
        int before = out.size();
        super.decode(ctx, in, out);
        if (out.size() > before && out.get(out.size() - 1) instanceof LastHttpContent) {
            atStart = true;
            scanning = false;
        }
    }

    /**
     * A plain request (no Transfer-Encoding, at most one Content-Length; see {@link FieldLines}) of {@code length}
     * head bytes, checked by the scanner: decoded here with its fields kept raw. False leaves it to Netty.
     */
    private boolean fastPath(ByteBuf in, int length, List<Object> out) {
        io.netty.handler.codec.http.HttpRequest req = lines.request(in, scanner.requestLineStart(), length);
        if (req == null) {
            return false;
        }
        in.skipBytes(length);
        out.add(req);
        if (lines.contentLength > 0) {
            remaining = lines.contentLength;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            atStart = true;
            scanning = false;
        }
        return true;
    }

    /** The header timer: no complete header section in time (408). */
    @Override
    public void run() {
        if (!atStart || rejected || ctx.isRemoved()) {
            return;
        }
        rejected = true;
        ctx.fireChannelRead(new Rejected(408, "no complete header section within the request timeout", false));
        ctx.fireChannelReadComplete();
    }

    private void cancelTimer() {
        if (headerDeadline != null) {
            headerDeadline.close();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }
}
