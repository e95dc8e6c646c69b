package io.headroom.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.proxy.tls.TlsTestSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TLS listeners of a network load balancer: TLS is terminated, the target gets plain TCP. */
class TcpTlsTest {

    private static String tlsNlb(int targetPort) {
        return TcpHarness.nlb("", targetPort).replace("protocol: TCP\n        defaultAction",
                "protocol: TLS\n        certificates: [{ selfSigned: { commonName: localhost } }]\n        defaultAction");
    }

    /** A JDK TLS client that accepts any certificate (the listener's is self-signed). */
    private static SSLSocket tlsClient(int port) throws Exception {
        SSLContext ctx = TlsTestSupport.trustAll();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("localhost")));
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void aTlsListenerTerminatesTlsAndForwardsPlainBytes() throws Exception {
        try (EchoBackend backend = new EchoBackend("plain-target");
             TcpHarness h = new TcpHarness(tlsNlb(backend.port()));
             SSLSocket s = tlsClient(h.port)) {
            s.startHandshake();
            assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
                    .contains("CN=localhost");
            // The greeting and the echo travel as plain TCP between the proxy and the target.
            assertThat(TcpHarness.line(s.getInputStream())).isEqualTo("plain-target");
            byte[] big = new byte[1 << 20];
            new java.util.Random(3).nextBytes(big);
            s.getOutputStream().write(big);
            s.getOutputStream().flush();
            assertThat(s.getInputStream().readNBytes(big.length)).isEqualTo(big);
            assertThat(h.lb("ProcessedBytes")).isGreaterThanOrEqualTo(2L * big.length);
        }
    }

    @Test
    void aFailedHandshakeNeverReachesATarget() throws Exception {
        try (EchoBackend backend = new EchoBackend("t"); TcpHarness h = new TcpHarness(tlsNlb(backend.port()))) {
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), h.port)) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                plain.getOutputStream().flush();
                assertThat(readOrReset(plain)).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lb("ClientTLSNegotiationErrorCount") == 1);
            assertThat(backend.openConnections()).isZero();
            assertThat(h.groups.get("tcp").target(backend.address()).outstanding()).isZero();
        }
    }

    @Test
    void aBadCertificateFileIsAConfigErrorNamingTheListener() throws Exception {
        String yaml = TcpHarness.nlb("", 9).replace("protocol: TCP\n        defaultAction",
                "protocol: TLS\n        certificates: [{ certificateFile: /nonexistent/cert.pem, privateKeyFile: "
                        + "/nonexistent/key.pem }]\n        defaultAction");
        assertThatThrownBy(() -> new TcpHarness(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loadBalancers[0].listeners[0].certificates[0]");
    }

    private static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
