package io.headroom.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Response encoder that knows whether the current exchange is a HEAD request, so that a HEAD response with
 * {@code Transfer-Encoding: chunked} gets no body (not even the last chunk). The client handler sets the flag per
 * request; exchanges on a connection never overlap. Fields still raw ({@link RawHeaders}) are written as the
 * bytes they arrived in.
 */
final class ResponseEncoder extends HttpResponseEncoder {
    private boolean head;

    void head(boolean head) {
        this.head = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return (head && msg.status().code() >= 200) || super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
        if (!RawHeaders.encodeIfRaw(headers, buf)) {
            super.encodeHeaders(headers, buf);
        }
    }
}
