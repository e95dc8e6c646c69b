package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.LoadBalancerConfig.DesyncMitigationMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** The X-Amzn-Mtls-* headers' encodings, and that client-sent ones go on both header paths. */
class TlsHeadersTest {
    @Test
    void urlEncodingKeepsWhatAwsKeeps() {
        assertThat(TlsHeaders.urlEncoded("-----BEGIN CERTIFICATE-----\nMIIB+a/b=c_d.e~f\n").toString())
                .isEqualTo("-----BEGIN%20CERTIFICATE-----%0AMIIB+a/b=c_d.e~f%0A");
        assertThat(TlsHeaders.urlEncoded("a%b c\r\"ü").toString()).isEqualTo("a%25b%20c%0D%22%C3%BC");
    }

    @Test
    void distinguishedNamesAreRfc2253AndPlainAscii() {
        assertThat(TlsHeaders.rfc2253(new X500Principal("CN=client.example, OU=Team 1, O=Example\\, Inc., C=US"))
                .toString()).isEqualTo("CN=client.example,OU=Team 1,O=Example\\, Inc.,C=US");
        // UTF-8 in a name: escaped as RFC 2253 allows, never raw bytes (or a line break) in a header value.
        assertThat(TlsHeaders.rfc2253(new X500Principal("CN=Jürgen")).toString()).isEqualTo("CN=J\\C3\\BCrgen");
    }

    @Test
    void clientSentFieldsAreRemovedFromRawFieldsWithoutDecodingThem() {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(DesyncMitigationMode.DEFENSIVE,
                TimeUnit.SECONDS.toNanos(60)));
        try {
            ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: h\r\nX-Amzn-Mtls-Clientcert: forged\r\nX-Amzn: 1\r\n"
                    + "x-amzn-mtls-clientcert-subject: CN=admin\r\nX-Amzn-Mtls: 2\r\n\r\n"));
            HttpRequest req = ch.readInbound();
            HttpHeaders h = req.headers();
            assertThat(h).isInstanceOf(RawHeaders.class);
            TlsHeaders.removeClientSent(h, TlsHeaders.Names.AWS, null);
            assertThat(((RawHeaders) h).raw()).isTrue();
            assertThat(h.size()).isEqualTo(3);
            assertThat(h.get("X-Amzn")).isEqualTo("1");
            assertThat(h.get("X-Amzn-Mtls")).isEqualTo("2"); // not the prefix: no dash after it
            EmbeddedChannel up = new EmbeddedChannel(new UpstreamCodec(new HttpDecoderConfig()));
            up.writeOutbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
            StringBuilder sb = new StringBuilder();
            for (ByteBuf b; (b = up.readOutbound()) != null; ) {
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            assertThat(sb).hasToString("GET / HTTP/1.1\r\nHost: h\r\nX-Amzn: 1\r\nX-Amzn-Mtls: 2\r\n\r\n");
            up.finishAndReleaseAll();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void clientSentFieldsAreRemovedFromNettysHeaders() {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        h.add("host", "h").add("x-amzn-mtls-clientcert-leaf", "a").add("X-AMZN-MTLS-CLIENTCERT", "b")
                .add("x-amzn-mtls-clientcert-leaf", "c").add("x-other", "d");
        TlsHeaders.removeClientSent(h, TlsHeaders.Names.AWS, null);
        assertThat(h.names()).containsExactlyInAnyOrder("host", "x-other");
    }

    @Test
    void aListenersOwnNamesAreRemovedExactlyAndAwsNamesStill() {
        TlsHeaders.Names names = TlsHeaders.Names.of(new io.headroom.core.config.ListenerConfig("127.0.0.1", 443,
                io.headroom.core.config.ListenerConfig.Protocol.HTTPS, java.util.List.of(), "recommended", null,
                java.util.List.of(), io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.OFF,
                java.util.Map.of(), java.util.Map.of("xAmznMtlsClientcertSerialNumber", "X-Client-Serial")));
        assertThat(TlsHeaders.Names.of(new io.headroom.core.config.ListenerConfig("127.0.0.1", 443,
                io.headroom.core.config.ListenerConfig.Protocol.HTTPS, java.util.List.of(), "recommended", null,
                java.util.List.of()))).isSameAs(TlsHeaders.Names.AWS);
        assertThat(names.serialNumber.toString()).isEqualTo("X-Client-Serial");
        assertThat(names.leaf.toString()).isEqualTo("X-Amzn-Mtls-Clientcert-Leaf");
        HttpRequest req = decoded("GET / HTTP/1.1\r\nHost: h\r\nx-client-serial: forged\r\nX-Client-Serial-2: 1\r\n"
                + "X-Client-Seria: 2\r\nX-Amzn-Mtls-Clientcert-Serial-Number: forged\r\n\r\n");
        TlsHeaders.removeClientSent(req.headers(), names, null);
        assertThat(((RawHeaders) req.headers()).raw()).isTrue();
        assertThat(req.headers().names()).containsExactlyInAnyOrder("Host", "X-Client-Serial-2", "X-Client-Seria");
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        h.add("X-CLIENT-SERIAL", "a").add("x-client-serials", "b");
        TlsHeaders.removeClientSent(h, names, null);
        assertThat(h.names()).containsExactly("x-client-serials");
    }

    /** The request the strict decoder makes of {@code raw} (no body, so nothing to release). */
    private static HttpRequest decoded(String raw) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(DesyncMitigationMode.DEFENSIVE,
                TimeUnit.SECONDS.toNanos(60)));
        try {
            ch.writeInbound(ascii(raw));
            return ch.readInbound();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
