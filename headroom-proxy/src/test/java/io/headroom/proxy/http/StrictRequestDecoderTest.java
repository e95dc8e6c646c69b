package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The strict request gate without sockets. */
class StrictRequestDecoderTest {
    private EmbeddedChannel ch;

    private EmbeddedChannel channel(DesyncMitigationMode mode) {
        ch = new EmbeddedChannel(new StrictRequestDecoder(mode, TimeUnit.SECONDS.toNanos(60)));
        return ch;
    }

    @AfterEach
    void release() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Everything decoded so far, described: "GET /a", "content 5", "last", "rejected 400", "non-compliant". */
    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof StrictRequestDecoder.Rejected r) {
                out.add("rejected " + r.status());
            } else if (o == StrictRequestDecoder.NON_COMPLIANT) {
                out.add("non-compliant");
            } else if (o instanceof HttpRequest r) {
                out.add(r.method() + " " + r.uri());
            } else if (o instanceof LastHttpContent c) {
                out.add(c.content().isReadable() ? "last " + c.content().readableBytes() : "last");
            } else if (o instanceof HttpContent c) {
                out.add("content " + c.content().readableBytes());
            }
            ReferenceCountUtil.release(o);
        }
        return out;
    }

    @Test
    void passesACompliantRequestFedByteByByte() {
        channel(DesyncMitigationMode.DEFENSIVE);
        for (byte b : "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(drain()).containsExactly("POST /a", "content 1", "content 1", "content 1", "content 1", "last 1");
    }

    @Test
    void checksEveryPipelinedRequest() {
        channel(DesyncMitigationMode.DEFENSIVE);
        ch.writeInbound(ascii("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
                + "GET /3 HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(drain()).containsExactly("GET /1", "last", "POST /2", "last 2", "rejected 400");
    }

    @Test
    void aBodyThatLooksLikeARequestIsNotScannedAsHeaders() {
        channel(DesyncMitigationMode.DEFENSIVE);
        String body = "GET /x HTTP/1.1\r\nX-A : b\r\n\r\n";
        ch.writeInbound(ascii("POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
        assertThat(drain()).containsExactly("POST /1", "last " + body.length());
    }

    @Test
    void rejectsSmugglingShapesAndIgnoresWhatFollows() {
        channel(DesyncMitigationMode.DEFENSIVE);
        ch.writeInbound(ascii("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"));
        ch.writeInbound(ascii("0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(drain()).containsExactly("rejected 400");
    }

    @Test
    void limitsMapTo414And431() {
        channel(DesyncMitigationMode.MONITOR);
        ch.writeInbound(ascii("GET /" + "a".repeat(HeaderScanner.MAX_REQUEST_LINE) + " HTTP/1.1\r\n"));
        assertThat(drain()).containsExactly("rejected 414");
        ch.finishAndReleaseAll();
        channel(DesyncMitigationMode.MONITOR);
        ch.writeInbound(ascii("GET / HTTP/1.1\r\n" + ("X: " + "b".repeat(1021) + "\r\n").repeat(64) + "Y: 1\r\n\r\n"));
        assertThat(drain()).containsExactly("rejected 431");
    }

    @Test
    void monitorModeMarksButPassesNonCompliantRequests() {
        channel(DesyncMitigationMode.MONITOR);
        ch.writeInbound(ascii("GET /m HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
        assertThat(drain()).containsExactly("non-compliant", "GET /m", "last");
    }

    @Test
    void strictestRejectsAmbiguousRequests() {
        channel(DesyncMitigationMode.STRICTEST);
        ch.writeInbound(ascii("GET /m HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\n\r\n"));
        assertThat(drain()).containsExactly("rejected 400");
    }

    @Test
    void slowHeaderSectionGets408() {
        ch = new EmbeddedChannel(new StrictRequestDecoder(DesyncMitigationMode.DEFENSIVE, TimeUnit.SECONDS.toNanos(60)));
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n"));
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drain()).isEmpty();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drain()).containsExactly("rejected 408");
        ch.writeInbound(ascii("\r\n"));
        assertThat(drain()).isEmpty();
    }
}
