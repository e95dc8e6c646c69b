package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The HTTP/1.1 codec of a connection to a target: Netty's request encoder and response decoder, as in
 * {@link io.netty.handler.codec.http.HttpClientCodec}, with less garbage per response. The decoder hands out
 * shared instances for the status line's parts and for the header names targets commonly send, spelled exactly as
 * sent (Netty's own request decoder does the same for requests), instead of a new copy of each per response.
 *
 * <p>Plain responses (a final status other than 204 and 304, one Content-Length, no Transfer-Encoding, to a
 * request other than HEAD) take the fast path instead: {@link FieldLines} makes the response with its field lines
 * kept raw ({@link RawHeaders}), and reads the body; every other response goes to Netty's decoder, at the same
 * point of the stream. Requests whose fields are raw are written by copying the bytes (see {@link Encoder}).
 *
 * <p>A connection carries one exchange at a time (the pool never pipelines), so the method of the request last
 * written is the one the next response answers: a response to HEAD has no body whatever its headers say.
 * CONNECT is never forwarded (the load balancer answers it 405).
 */
final class UpstreamCodec extends CombinedChannelDuplexHandler<UpstreamCodec.Decoder, UpstreamCodec.Encoder> {
    /** Header names as targets commonly spell them (matched byte for byte: the case the target sent is kept). */
    private static final AsciiString[] NAMES = names("Server", "Date", "Content-Type", "Content-Length",
            "Connection", "Keep-Alive", "Transfer-Encoding", "Last-Modified", "ETag", "Accept-Ranges", "Cache-Control",
            "Expires", "Vary", "Location", "Set-Cookie", "Content-Encoding", "Age", "X-Powered-By",
            "X-Content-Type-Options", "Strict-Transport-Security", "Access-Control-Allow-Origin");
    /** The status codes 100–599 as strings, made once. */
    private static final String[] CODES = new String[600];
    static {
        for (int i = 100; i < CODES.length; i++) {
            CODES[i] = Integer.toString(i);
        }
    }

    /** The method of the request last written on this connection. */
    private HttpMethod method;

    UpstreamCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest r) {
                method = r.method();
            }
            super.encode(ctx, msg, out);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            if (!RawHeaders.encodeIfRaw(headers, buf)) {
                super.encodeHeaders(headers, buf);
            }
        }
    }

    final class Decoder extends HttpResponseDecoder {
        /** The status code of the response being decoded (set by the second word of its status line). */
        private int code;
        private final FieldLines lines = new FieldLines();
        /** At the start of a response (Netty's decoder too). */
        private boolean atStart = true;
        /** Body bytes left of a response taken by the fast path; -1 when none is. */
        private long remaining = -1;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (remaining >= 0) {
                remaining = FieldLines.readBody(in, remaining, out);
                if (remaining == 0) {
                    remaining = -1;
                }
                return;
            }
            if (atStart && FieldLines.ENABLED) {
                if (!in.isReadable()) {
                    return;
                }
                int length = FieldLines.headLength(in);
                if (length == FieldLines.NEED_MORE) {
                    return;
                }
                if (length > 0 && method != HttpMethod.HEAD) {
                    HttpResponse r = lines.response(in, length);
                    int status = r == null ? 0 : r.status().code();
                    if (status >= 200 && status != 204 && status != 304) {
                        in.skipBytes(length);
                        out.add(r);
                        if (lines.contentLength > 0) {
                            remaining = lines.contentLength;
                        } else {
                            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                        }
                        return;
                    }
                }
                atStart = false; // this response is Netty's decoder's
            }
            int before = out.size();
            super.decode(ctx, in, out);
            if (!atStart && out.size() > before && out.get(out.size() - 1) instanceof LastHttpContent) {
                atStart = true;
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            int status = ((HttpResponse) msg).status().code();
            if (status >= 200 && method == HttpMethod.HEAD) {
                return true; // RFC 9110 9.3.2: never a body, whatever Content-Length or Transfer-Encoding say
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
            if (length == 8 && sb[start + 5] == '1' && sb[start + 6] == '.' && matches(sb, start, "HTTP/1.")) {
                if (sb[start + 7] == '1') {
                    return "HTTP/1.1"; // the interned literal: Netty's HttpVersion.valueOf compares by identity first
                }
                if (sb[start + 7] == '0') {
                    return "HTTP/1.0";
                }
            }
            return super.splitFirstWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
            code = 0;
            if (length == 3) {
                int c = digit(sb[start]) * 100 + digit(sb[start + 1]) * 10 + digit(sb[start + 2]);
                if (c >= 100 && c < CODES.length) {
                    code = c;
                    return CODES[c];
                }
            }
            return super.splitSecondWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] sb, int start, int length) {
            if (code != 0) {
                String standard = HttpResponseStatus.valueOf(code).reasonPhrase();
                if (matches(sb, start, length, standard)) {
                    return standard; // then HttpResponseStatus.valueOf(code, reason) returns the shared constant
                }
            }
            return super.splitThirdWordInitialLine(sb, start, length);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            for (AsciiString n : NAMES) {
                if (n.length() == length && n.byteAt(0) == sb[start] && matches(sb, start, length, n)) {
                    return n;
                }
            }
            return super.splitHeaderName(sb, start, length);
        }
    }

    private static int digit(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : -1000;
    }

    private static boolean matches(byte[] sb, int start, String s) {
        return matches(sb, start, s.length(), s);
    }

    private static boolean matches(byte[] sb, int start, int length, CharSequence s) {
        if (length != s.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (sb[start + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static AsciiString[] names(String... titleCase) {
        AsciiString[] n = new AsciiString[titleCase.length * 2];
        for (int i = 0; i < titleCase.length; i++) {
            n[2 * i] = AsciiString.cached(titleCase[i]);
            n[2 * i + 1] = AsciiString.cached(titleCase[i].toLowerCase(java.util.Locale.ROOT));
        }
        return n;
    }
}
