package io.headroom.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the load balancer makes itself: error pages shaped like ALB's, redirects and fixed responses. */
final class Responses {
    private static final byte[][] PAGES = new byte[600][];

    static {
        for (int code : new int[] {400, 403, 404, 405, 408, 413, 414, 431, 460, 463, 500, 501, 502, 503, 504}) {
            PAGES[code] = page(code);
        }
    }

    private Responses() {
    }

    private static byte[] page(int code) {
        String title = code + " " + HttpResponseStatus.valueOf(code).reasonPhrase();
        return ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n</body>\r\n</html>\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** An HTML error page, like ALB's, for {@code code}. */
    static FullHttpResponse error(int code, boolean keepAlive) {
        byte[] body = code > 0 && code < PAGES.length && PAGES[code] != null ? PAGES[code] : page(code);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.SERVER, "headroom")
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        connection(r, keepAlive);
        return r;
    }

    static FullHttpResponse redirect(int code, String location, boolean keepAlive) {
        FullHttpResponse r = error(code, keepAlive);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }

    static FullHttpResponse fixed(int code, String contentType, String body, boolean keepAlive) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.SERVER, "headroom").setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        connection(r, keepAlive);
        return r;
    }

    private static void connection(FullHttpResponse r, boolean keepAlive) {
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }
}
