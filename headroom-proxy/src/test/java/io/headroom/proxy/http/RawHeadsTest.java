package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The raw-head fast path (FieldLines, RawHeaders) without sockets: which messages take it, that the proxy's header
 * edits on raw fields mean what they mean on Netty's headers, and that forwarding writes the received bytes.
 */
class RawHeadsTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel requests() {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(DesyncMitigationMode.DEFENSIVE,
                TimeUnit.SECONDS.toNanos(60)));
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel upstream() {
        EmbeddedChannel ch = new EmbeddedChannel(new UpstreamCodec(new HttpDecoderConfig().setMaxChunkSize(64 * 1024)));
        channels.add(ch);
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    private static List<Object> inbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    @Test
    void aPlainRequestKeepsItsFieldLinesAndIsForwardedAsReceivedWithTheProxysEdits() {
        EmbeddedChannel in = requests();
        in.writeInbound(ascii("GET /a?b=1 HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive, X-Hop\r\n"
                + "X-Hop: 1\r\nuser-agent:  curl/8  \r\nX-Forwarded-For: 10.0.0.1\r\n\r\n"));
        List<Object> msgs = inbound(in);
        assertThat(msgs).hasSize(2);
        HttpRequest req = (HttpRequest) msgs.get(0);
        assertThat(msgs.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(req.method()).isSameAs(HttpMethod.GET);
        assertThat(req.uri()).isEqualTo("/a?b=1");
        HttpHeaders h = req.headers();
        assertThat(h).isInstanceOf(RawHeaders.class);
        assertThat(h.get(HttpHeaderNames.HOST)).isEqualTo("example.test");
        assertThat(h.get("USER-AGENT")).isEqualTo("curl/8"); // names match case-insensitively, OWS is trimmed
        assertThat(h.containsValue(HttpHeaderNames.CONNECTION, "x-hop", true)).isTrue();
        assertThat(h.containsValue(HttpHeaderNames.CONNECTION, "x-ho", true)).isFalse();
        assertThat(HttpUtil.isKeepAlive(req)).isTrue();
        assertThat(HttpUtil.getContentLength(req, 0L)).isZero();
        assertThat(h.size()).isEqualTo(5);

        // What ClientHandler.prepareForward does.
        h.remove("X-Hop");
        h.remove(HttpHeaderNames.CONNECTION);
        h.set("x-forwarded-for", h.get("x-forwarded-for") + ", 127.0.0.1");
        h.set("x-forwarded-proto", "http");
        assertThat(((RawHeaders) h).raw()).isTrue();
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.get("x-forwarded-for")).isEqualTo("10.0.0.1, 127.0.0.1");
        assertThat(h.contains("x-hop")).isFalse();

        EmbeddedChannel up = upstream();
        up.writeOutbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written(up)).isEqualTo("GET /a?b=1 HTTP/1.1\r\nHost: example.test\r\nuser-agent:  curl/8  \r\n"
                + "x-forwarded-for: 10.0.0.1, 127.0.0.1\r\nx-forwarded-proto: http\r\n\r\n");
    }

    @Test
    void anythingElseDecodesTheFieldsFirstWithTheSameResult() {
        EmbeddedChannel in = requests();
        in.writeInbound(ascii("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nA: 3\r\n\r\n"));
        HttpRequest req = (HttpRequest) inbound(in).get(0);
        HttpHeaders h = req.headers();
        h.remove("b");
        h.add("C", "4");
        assertThat(h.getAll("a")).containsExactly("1", "3");
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, String> e : h) { // iteration decodes
            all.add(e.getKey() + "=" + e.getValue());
        }
        assertThat(all).containsExactly("Host=h", "A=1", "A=3", "C=4");
        assertThat(((RawHeaders) h).raw()).isFalse();
        h.set("A", "5");
        EmbeddedChannel up = upstream();
        up.writeOutbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written(up)).isEqualTo("GET / HTTP/1.1\r\nHost: h\r\nC: 4\r\nA: 5\r\n\r\n");
    }

    @Test
    void aRequestBodyIsReadByContentLengthAndTheNextRequestFollows() {
        EmbeddedChannel in = requests();
        in.writeInbound(ascii("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhel"));
        in.writeInbound(ascii("loGET /n HTTP/1.1\r\nHost: h\r\n\r\n"));
        List<Object> msgs = inbound(in);
        assertThat(msgs).hasSize(5);
        assertThat(((HttpRequest) msgs.get(0)).headers()).isInstanceOf(RawHeaders.class);
        assertThat(((HttpContent) msgs.get(1)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("hel");
        assertThat(msgs.get(1)).isNotInstanceOf(LastHttpContent.class);
        assertThat(msgs.get(2)).isInstanceOf(LastHttpContent.class);
        assertThat(((HttpContent) msgs.get(2)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("lo");
        assertThat(((HttpRequest) msgs.get(3)).uri()).isEqualTo("/n");
        assertThat(msgs.get(4)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        msgs.forEach(ReferenceCountUtil::release);
    }

    @Test
    void chunkedAndExtensionMethodRequestsGoToNettysDecoder() {
        EmbeddedChannel in = requests();
        in.writeInbound(ascii("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "PURGE /p HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /r HTTP/1.1\r\nHost: h\r\n\r\n"));
        List<Object> msgs = inbound(in);
        List<String> seen = new ArrayList<>();
        for (Object o : msgs) {
            if (o instanceof HttpRequest r) {
                seen.add(r.method() + " " + r.uri() + (r.headers() instanceof RawHeaders ? " raw" : " netty"));
            } else if (o instanceof LastHttpContent c) {
                seen.add("last " + c.content().readableBytes());
            } else if (o instanceof HttpContent c) {
                seen.add("content " + c.content().readableBytes());
            }
        }
        assertThat(seen).containsExactly("POST /c netty", "content 3", "last 0", "PURGE /p netty", "last 0",
                "GET /r raw", "last 0");
        msgs.forEach(ReferenceCountUtil::release);
    }

    private static String describe(List<Object> msgs) {
        StringBuilder sb = new StringBuilder();
        for (Object o : msgs) {
            if (o instanceof HttpResponse r) {
                sb.append(r.status().code()).append(r.headers() instanceof RawHeaders ? " raw" : " netty").append(';');
            }
            if (o instanceof LastHttpContent c) {
                sb.append("last ").append(c.content().toString(StandardCharsets.US_ASCII)).append(';');
            } else if (o instanceof HttpContent c) {
                sb.append("content ").append(c.content().toString(StandardCharsets.US_ASCII)).append(';');
            }
            ReferenceCountUtil.release(o);
        }
        return sb.toString();
    }

    private static void send(EmbeddedChannel up, HttpMethod m) {
        up.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, m, "/"), LastHttpContent.EMPTY_LAST_CONTENT);
        written(up);
    }

    @Test
    void plainResponsesAreRawOthersNettysOnTheSameConnection() {
        EmbeddedChannel up = upstream();
        send(up, HttpMethod.GET);
        up.writeInbound(ascii("HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"));
        send(up, HttpMethod.GET);
        up.writeInbound(ascii("HTTP/1.1 201 Made\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"));
        send(up, HttpMethod.HEAD);
        up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"));
        send(up, HttpMethod.GET);
        up.writeInbound(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
        send(up, HttpMethod.GET);
        up.writeInbound(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n"));
        assertThat(describe(inbound(up))).isEqualTo("200 raw;last hello;"
                + "201 netty;content ab;last ;200 netty;last ;204 netty;last ;100 netty;last ;404 raw;last ;");
    }

    @Test
    void aResponseHeadSplitAcrossReadsIsParsedOnceComplete() {
        EmbeddedChannel up = upstream();
        send(up, HttpMethod.GET);
        String resp = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nETag: \"x\"\r\n\r\nabc";
        for (byte b : resp.getBytes(StandardCharsets.US_ASCII)) {
            up.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(describe(inbound(up))).isEqualTo("200 raw;content a;content b;last c;");
    }

    @Test
    void oddResponsesGoToNettyWhichKeepsItsOwnHandling() {
        EmbeddedChannel up = upstream();
        send(up, HttpMethod.GET);
        // Two Content-Length fields, obs-fold: Netty's decoder decides.
        up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\nX: a\r\n b\r\n\r\nz"));
        List<Object> msgs = inbound(up);
        HttpResponse r = (HttpResponse) msgs.get(0);
        assertThat(r.headers()).isNotInstanceOf(RawHeaders.class);
        msgs.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aRawResponseIsWrittenToTheClientAsReceivedLessTheRemovedFields() {
        EmbeddedChannel up = upstream();
        send(up, HttpMethod.GET);
        up.writeInbound(ascii("HTTP/1.1 200 OK\r\nServer: t\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                + "Content-Length: 2\r\n\r\nok"));
        List<Object> msgs = inbound(up);
        HttpResponse r = (HttpResponse) msgs.get(0);
        r.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        EmbeddedChannel client = new EmbeddedChannel(new ResponseEncoder());
        channels.add(client);
        client.writeOutbound(r, msgs.get(1));
        assertThat(written(client)).isEqualTo("HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 2\r\n"
                + "connection: close\r\n\r\nok");
    }
}
