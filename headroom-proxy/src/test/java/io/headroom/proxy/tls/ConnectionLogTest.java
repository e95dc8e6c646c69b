package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.HttpsHarness.https;
import static io.headroom.proxy.tls.HttpsHarness.plainGroup;
import static io.headroom.proxy.tls.MutualTlsTest.client;
import static io.headroom.proxy.tls.MutualTlsTest.get;
import static io.headroom.proxy.tls.MutualTlsTest.mtls;
import static io.headroom.proxy.tls.MutualTlsTest.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection log (AWS ALB's connection logs) end to end: real TLS handshakes on 127.0.0.1 with certificates made
 * here, one line per handshake, read back from the file as a user would.
 */
class ConnectionLogTest {
    private static final Pattern FIELD = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|\\S+");
    // Field positions of ALB's connection log entry.
    private static final int TIME = 0;
    private static final int CLIENT_IP = 1;
    private static final int CLIENT_PORT = 2;
    private static final int LISTENER_PORT = 3;
    private static final int PROTOCOL = 4;
    private static final int CIPHER = 5;
    private static final int LATENCY = 6;
    private static final int SUBJECT = 7;
    private static final int VALIDITY = 8;
    private static final int SERIAL = 9;
    private static final int STATUS = 10;
    private static final int CONN_TRACE_ID = 11;
    private static final int KEY_EXCHANGE = 12;

    @TempDir
    Path dir;

    private final KeyMaterial root = TlsTestSupport.ca("Clients CA", null);

    /** {@code yaml} with the connection log (and the access log) of load balancer "web" on, in {@link #dir}. */
    private String logged(String yaml) {
        return yaml.replace("  - name: web\n", "  - name: web\n"
                + "    accessLog: { enabled: true, path: " + dir.resolve("access.log") + " }\n"
                + "    connectionLog: { enabled: true, path: " + dir.resolve("connection.log") + " }\n");
    }

    private String verify(int backendPort, Path... crls) throws IOException {
        Path bundle = TlsTestSupport.writePem(dir.resolve("bundle.pem"), root.leaf());
        return logged(mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle + ", revocationLists: "
                + List.of(crls) + " } }", backendPort));
    }

    private List<String> lines(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    /** The fields of the connection log line of the connection from this client port, once it is there. */
    private List<String> connectionLine(int clientPort) {
        List<String> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (String line : lines("connection.log")) {
                List<String> f = fields(line);
                if (f.get(CLIENT_PORT).equals(Integer.toString(clientPort))) {
                    found.addAll(f);
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The result of one handshake attempt (and, when it succeeded, one request) on a new connection. */
    private record Attempt(int clientPort, String protocol, String cipherSuite, boolean handshook) {
    }

    /** Handshakes with the listener (then sends one request and reads the answer); failures are expected. */
    private static Attempt attempt(int port, SSLContext tls, String... protocols) throws IOException {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            if (protocols.length > 0) {
                s.setEnabledProtocols(protocols);
            }
            try {
                s.startHandshake();
                s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                boolean ok = answer.startsWith("HTTP/1.1 200");
                return new Attempt(s.getLocalPort(), s.getSession().getProtocol(), s.getSession().getCipherSuite(),
                        ok);
            } catch (IOException e) {
                return new Attempt(s.getLocalPort(), null, null, false);
            }
        }
    }

    private static String serial(X509Certificate c) {
        String hex = c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 1 ? "0" + hex : hex;
    }

    @Test
    void aSuccessfulMutualTlsHandshakeLogsTheCertificateAndTheAccessLogsConnTraceId() throws Exception {
        KeyMaterial alice = TlsTestSupport.client("alice", root, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2036-01-01T00:00:00Z"));
        try (EchoBackend backend = new EchoBackend("b1"); HttpsHarness h = new HttpsHarness(verify(backend.port()))) {
            Attempt a = attempt(h.httpsPort, tls(alice));
            assertThat(a.handshook).isTrue();

            List<String> f = connectionLine(a.clientPort);
            assertThat(f).hasSize(13);
            assertThat(Instant.parse(f.get(TIME))).isBetween(Instant.now().minusSeconds(30), Instant.now());
            assertThat(f.get(TIME)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
            assertThat(f.subList(CLIENT_IP, CIPHER)).containsExactly("127.0.0.1", Integer.toString(a.clientPort),
                    Integer.toString(h.httpsPort), a.protocol);
            assertThat(f.get(CIPHER)).isEqualTo(CipherSuiteConverter.toOpenSsl(a.cipherSuite, false));
            assertThat(f.get(LATENCY)).matches("\\d+\\.\\d{3}");
            assertThat(f.get(SUBJECT)).isEqualTo("\"O=Headroom Tests,CN=alice\"");
            assertThat(f.get(VALIDITY)).isEqualTo("NotBefore=2026-01-01T00:00:00Z;NotAfter=2036-01-01T00:00:00Z");
            assertThat(f.get(SERIAL)).isEqualTo(serial(alice.leaf()));
            assertThat(f.get(STATUS)).isEqualTo("Success");
            assertThat(f.get(CONN_TRACE_ID)).startsWith("TID_");
            assertThat(f.get(KEY_EXCHANGE)).isEqualTo("-");

            // The request on that connection: its access log line carries the same conn_trace_id (its last field).
            await().atMost(Duration.ofSeconds(10)).until(() -> lines("access.log").size() == 1);
            List<String> access = fields(lines("access.log").get(0));
            assertThat(access.get(3)).isEqualTo("127.0.0.1:" + a.clientPort);
            assertThat(access.get(access.size() - 1)).isEqualTo(f.get(CONN_TRACE_ID));
            // ALB's access log names the cipher as OpenSSL does, as the connection log does.
            assertThat(access.get(0)).isEqualTo("https");
            assertThat(access.subList(14, 16)).containsExactly(f.get(CIPHER), a.protocol);
        }
    }

    @Test
    void refusedClientCertificatesLogFailedWithAwsReasonCodes() throws Exception {
        KeyMaterial stranger = TlsTestSupport.client("stranger", TlsTestSupport.ca("Other CA", null));
        KeyMaterial revoked = TlsTestSupport.client("revoked", root);
        KeyMaterial expired = TlsTestSupport.client("expired", root, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"));
        Path crl = Files.writeString(dir.resolve("root.crl"), TlsTestSupport.pem(TlsTestSupport.crl(root,
                revoked.leaf())));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(backend.port(), crl))) {
            Attempt untrusted = attempt(h.httpsPort, tls(stranger));
            Attempt crlHit = attempt(h.httpsPort, tls(revoked), "TLSv1.2");
            Attempt old = attempt(h.httpsPort, tls(expired));
            Attempt none = attempt(h.httpsPort, tls(null));
            assertThat(List.of(untrusted, crlHit, old, none)).noneMatch(Attempt::handshook);

            List<String> f = connectionLine(untrusted.clientPort);
            assertThat(f.get(STATUS)).isEqualTo("Failed:ClientCertUntrusted");
            assertThat(f.get(SUBJECT)).isEqualTo("\"O=Headroom Tests,CN=stranger\"");
            assertThat(f.get(SERIAL)).isEqualTo(serial(stranger.leaf()));
            assertThat(f.get(PROTOCOL)).as("known when the certificate is judged").isEqualTo("TLSv1.3");
            assertThat(f.get(LATENCY)).as("no latency for a failed handshake").isEqualTo("-");

            f = connectionLine(crlHit.clientPort);
            assertThat(f.get(STATUS)).isEqualTo("Failed:ClientCertCrlHit");
            assertThat(f.get(SUBJECT)).isEqualTo("\"O=Headroom Tests,CN=revoked\"");
            assertThat(f.get(PROTOCOL)).isEqualTo("TLSv1.2");
            assertThat(f.get(CIPHER)).isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");

            f = connectionLine(old.clientPort);
            assertThat(f.get(STATUS)).isEqualTo("Failed:ClientCertExpired");
            assertThat(f.get(VALIDITY)).isEqualTo("NotBefore=2020-01-01T00:00:00Z;NotAfter=2021-01-01T00:00:00Z");

            f = connectionLine(none.clientPort);
            assertThat(f.get(STATUS)).isEqualTo("Failed:ClientCertNotFound");
            assertThat(f.subList(SUBJECT, STATUS)).containsExactly("\"-\"", "-", "-");

            // Each is one handshake; the metric counts them as before.
            assertThat(lines("connection.log")).hasSize(4);
            assertThat(h.lbCounter("ClientTLSNegotiationErrorCount")).isEqualTo(4);
            assertThat(lines("access.log")).isEmpty();
        }
    }

    @Test
    void plainHttpsLogsDashesForTheCertificateAndHttp2StreamsShareTheConnectionsId() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(logged(https("[{ selfSigned: { commonName: localhost } }]", "",
                     plainGroup(backend.port()))))) {
            HttpClient c = client(HttpClient.Version.HTTP_2, tls(null));
            for (String path : List.of("/one", "/two")) {
                HttpResponse<String> r = c.send(get(h.httpsPort, path).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> lines("access.log").size() == 2
                    && lines("connection.log").size() == 1);
            List<String> f = fields(lines("connection.log").get(0));
            assertThat(f.get(STATUS)).isEqualTo("Success");
            assertThat(f.subList(SUBJECT, STATUS)).containsExactly("\"-\"", "-", "-");
            assertThat(f.get(PROTOCOL)).isEqualTo("TLSv1.3");
            assertThat(f.get(CIPHER)).startsWith("TLS_AES_");
            for (String line : lines("access.log")) {
                List<String> a = fields(line);
                assertThat(a.get(a.size() - 1)).isEqualTo(f.get(CONN_TRACE_ID));
                // ALB's access log entry for an HTTP/2 request: type h2, HTTP/2.0, the connection's TLS.
                assertThat(a.get(0)).isEqualTo("h2");
                assertThat(a.get(12)).matches("\"GET https://localhost:" + h.httpsPort + "/(one|two) HTTP/2\\.0\"");
                assertThat(a.subList(14, 16)).containsExactly(f.get(CIPHER), "TLSv1.3");
            }
        }
    }

    @Test
    void failedHandshakesWithoutACertificateProblemAreUnmappedConnectionErrors() throws Exception {
        String yaml = logged(https("[{ selfSigned: { commonName: localhost } }]", "",
                plainGroup(HttpsHarness.freePort()))).replace("        certificates:", "        sslPolicy: tls13\n"
                + "        certificates:");
        try (HttpsHarness h = new HttpsHarness(yaml)) {
            Attempt tls12 = attempt(h.httpsPort, tls(null), "TLSv1.2");
            assertThat(tls12.handshook).isFalse();
            int plain;
            int cutShort;
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.httpsPort)) {
                plain = s.getLocalPort();
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().read(new byte[256])).isNotZero();
            } catch (IOException closed) {
                plain = -1;
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.httpsPort)) {
                cutShort = s.getLocalPort();
                // The first bytes of a TLS ClientHello record, then the client goes away.
                OutputStream out = s.getOutputStream();
                out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
                out.flush();
            }
            for (int port : new int[] {tls12.clientPort, cutShort}) {
                List<String> f = connectionLine(port);
                assertThat(f.get(STATUS)).isEqualTo("Failed:UnmappedConnectionError");
                assertThat(f.subList(PROTOCOL, STATUS)).containsExactly("-", "-", "-", "\"-\"", "-", "-");
                assertThat(f.get(LISTENER_PORT)).isEqualTo(Integer.toString(h.httpsPort));
            }
            if (plain > 0) {
                assertThat(connectionLine(plain).get(STATUS)).isEqualTo("Failed:UnmappedConnectionError");
            }
        }
    }

    @Test
    void aReloadOpensMovesAndClosesTheLogAndAnUnwritablePathKeepsTheOldServing() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1")) {
            String off = https("[{ selfSigned: { commonName: localhost } }]", "", plainGroup(backend.port()));
            try (HttpsHarness h = new HttpsHarness(off)) {
                assertThat(attempt(h.httpsPort, tls(null)).handshook).isTrue();
                assertThat(lines("connection.log")).isEmpty();

                h.apply(logged(off));
                Attempt first = attempt(h.httpsPort, tls(null));
                assertThat(connectionLine(first.clientPort).get(STATUS)).isEqualTo("Success");

                Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
                String bad = logged(off).replace(dir.resolve("connection.log").toString(),
                        blocker.resolve("connection.log").toString());
                assertThatThrownBy(() -> h.apply(bad)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("loadBalancers 'web': connectionLog.path "
                                + blocker.resolve("connection.log") + ": cannot be opened for writing");
                Attempt second = attempt(h.httpsPort, tls(null));
                assertThat(connectionLine(second.clientPort).get(STATUS)).as("the old log still writes")
                        .isEqualTo("Success");

                String moved = logged(off).replace(dir.resolve("connection.log").toString(),
                        dir.resolve("conn2.log").toString());
                h.apply(moved);
                Attempt third = attempt(h.httpsPort, tls(null));
                await().atMost(Duration.ofSeconds(10)).until(() -> lines("conn2.log").size() == 1);
                assertThat(fields(lines("conn2.log").get(0)).get(CLIENT_PORT))
                        .isEqualTo(Integer.toString(third.clientPort));

                h.apply(off);
                assertThat(attempt(h.httpsPort, tls(null)).handshook).isTrue();
                assertThat(lines("conn2.log")).hasSize(1);
                assertThat(lines("connection.log")).hasSize(2);
                assertThat(Thread.getAllStackTraces().keySet()).as("the writer threads ended")
                        .noneMatch(t -> t.getName().equals("connection-log-web"));
            }
        }
    }

    @Test
    void theLineIsWrittenByTheLogsWriterThread() throws Exception {
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(logged(https("[{ selfSigned: { commonName: localhost } }]", "",
                     plainGroup(backend.port()))))) {
            Attempt a = attempt(h.httpsPort, tls(null));
            connectionLine(a.clientPort);
            Optional<Thread> writer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("connection-log-web")).findFirst();
            assertThat(writer).isPresent();
            assertThat(writer.get().isDaemon()).isTrue();
        }
    }
}
