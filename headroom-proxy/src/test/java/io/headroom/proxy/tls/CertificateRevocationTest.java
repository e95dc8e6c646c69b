package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.MutualTlsTest.client;
import static io.headroom.proxy.tls.MutualTlsTest.get;
import static io.headroom.proxy.tls.MutualTlsTest.last;
import static io.headroom.proxy.tls.MutualTlsTest.mtls;
import static io.headroom.proxy.tls.MutualTlsTest.ok;
import static io.headroom.proxy.tls.MutualTlsTest.refused;
import static io.headroom.proxy.tls.MutualTlsTest.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate revocation lists in a {@code verify} listener's trust store (AWS ALB's trust store revocation
 * contents), end to end: real handshakes with certificates and CRLs made here.
 */
class CertificateRevocationTest {
    private static final HttpClient.Version H1 = HttpClient.Version.HTTP_1_1;
    private static final String AT = "loadBalancers[0].listeners[0].mutualAuthentication.trustStore.revocationLists";

    @TempDir
    Path dir;

    private final KeyMaterial root = TlsTestSupport.ca("Clients CA", null);
    private final KeyMaterial alice = TlsTestSupport.client("alice", root);
    private final KeyMaterial bob = TlsTestSupport.client("bob", root);

    private Path bundle(X509Certificate... cas) throws IOException {
        return TlsTestSupport.writePem(dir.resolve("bundle.pem"), cas);
    }

    private Path pem(String name, X509CRL... crls) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (X509CRL c : crls) {
            sb.append(TlsTestSupport.pem(c));
        }
        return Files.writeString(dir.resolve(name), sb);
    }

    private static String verify(Path bundle, int backendPort, String extra, Path... crls) {
        return mtls("{ mode: verify, trustStore: { caCertificatesBundle: " + bundle + ", revocationLists: "
                + List.of(crls) + " }" + extra + " }", backendPort);
    }

    @Test
    void aRevokedClientCertificateIsRefusedAndAnotherOfTheSameCaPasses() throws Exception {
        Path crl = pem("clients.crl.pem", TlsTestSupport.crl(root, alice.leaf()));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle(root.leaf()), backend.port(), "", crl))) {
            refused(h.httpsPort, tls(alice));
            refused(h.httpsPort, tls(alice), "TLSv1.2");
            await().atMost(Duration.ofSeconds(5)).until(() -> h.lbCounter("ClientTLSNegotiationErrorCount") == 2);
            assertThat(backend.requestHeaders()).as("no request of alice reached the target").isEmpty();

            ok(client(H1, tls(bob)), get(h.httpsPort, "/bob").build());
            assertThat(last(backend).getFirst("X-Amzn-Mtls-Clientcert-Subject")).isEqualTo("O=Headroom Tests,CN=bob");
            assertThat(h.lbCounter("ClientTLSNegotiationErrorCount")).isEqualTo(2);
        }
    }

    @Test
    void aRevokedIntermediateRefusesEveryCertificateItIssued() throws Exception {
        KeyMaterial team = TlsTestSupport.ca("Team CA", root);
        KeyMaterial carol = TlsTestSupport.client("carol", team);
        KeyMaterial otherTeam = TlsTestSupport.ca("Other Team CA", root);
        KeyMaterial dave = TlsTestSupport.client("dave", otherTeam);
        // DER this time; the client sends the intermediate, the trust store holds only the root.
        Path der = Files.write(dir.resolve("root.crl"), TlsTestSupport.crl(root, team.leaf()).getEncoded());
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle(root.leaf()), backend.port(), "", der))) {
            refused(h.httpsPort, tls(carol));
            ok(client(H1, tls(dave)), get(h.httpsPort, "/dave").build());
        }
        // Also when the trust store holds the intermediate itself (the path may end there).
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle(root.leaf(), team.leaf()), backend.port(), "", der))) {
            refused(h.httpsPort, tls(carol));
        }
    }

    @Test
    void revocationCountsAlsoWhenExpiryIsIgnoredAndTheCrlIsDue() throws Exception {
        KeyMaterial late = TlsTestSupport.client("late", root, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"));
        KeyMaterial lateToo = TlsTestSupport.client("late-too", root, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"));
        // A CRL past its nextUpdate still revokes what it lists.
        Path crl = pem("due.crl.pem", TlsTestSupport.crl(root, Instant.now().minus(Duration.ofMinutes(30)),
                late.leaf()));
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RevocationLists.class);
        logger.addAppender(logs);
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle(root.leaf()), backend.port(),
                     ", ignoreClientCertificateExpiry: true", crl))) {
            refused(h.httpsPort, tls(late));
            ok(client(H1, tls(lateToo)), get(h.httpsPort, "/late-too").build());
        } finally {
            logger.detachAppender(logs);
        }
        // ...and the load says that it is due, naming the key, the file and the issuer.
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage())
                    .startsWith("loadBalancers[0].listeners[0].mutualAuthentication.trustStore.revocationLists[0]: "
                            + crl)
                    .contains("the CRL of " + root.leaf().getSubjectX500Principal().getName())
                    .contains("(nextUpdate); its revocations still apply");
        });
    }

    @Test
    void theRefusalSaysWhichCertificateWasRevokedByWhom() throws Exception {
        X509CRL crl = TlsTestSupport.crl(root, alice.leaf());
        Path file = pem("c.pem", crl);
        List<X509Certificate> cas = List.of(root.leaf());
        ClientCertificateTrust trust = ClientCertificateTrust.verify(cas,
                RevocationLists.read("crls", List.of(file.toString()), cas), false, false);
        String serial = alice.leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        assertThatThrownBy(() -> trust.checkClientTrusted(alice.chain().toArray(X509Certificate[]::new), "EC"))
                .isInstanceOf(ClientCertificateTrust.Refused.class)
                .hasMessage("the certificate of O=Headroom Tests,CN=alice (serial " + serial + ") was revoked by "
                        + "O=Headroom Tests,CN=Clients CA at " + crl.getRevokedCertificate(alice.leaf())
                        .getRevocationDate().toInstant() + " (KEY_COMPROMISE)");
        trust.checkClientTrusted(bob.chain().toArray(X509Certificate[]::new), "EC");
    }

    @Test
    void badRevocationListsAreConfigErrorsNamingTheKeyAndTheFile() throws Exception {
        KeyMaterial stranger = TlsTestSupport.ca("Stranger CA", null);
        // Same name as the trust store's CA, another key.
        KeyMaterial impostor = TlsTestSupport.ca("Clients CA", null);
        Path bundle = bundle(root.leaf());
        Path garbage = Files.writeString(dir.resolve("garbage.crl"), "not a CRL\n");
        Path foreign = pem("foreign.crl", TlsTestSupport.crl(stranger));
        Path forged = pem("forged.crl", TlsTestSupport.crl(impostor, alice.leaf()));
        Path good = pem("good.crl", TlsTestSupport.crl(root));
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle, backend.port(), "", good))) {
            assertThatThrownBy(() -> h.apply(verify(bundle, backend.port(), "", good, dir.resolve("none.crl"))))
                    .hasMessage(AT + "[1]: " + dir.resolve("none.crl") + ": no such file");
            assertThatThrownBy(() -> h.apply(verify(bundle, backend.port(), "", garbage)))
                    .hasMessage(AT + "[0]: " + garbage + ": not a certificate revocation list (expected: PEM "
                            + "-----BEGIN X509 CRL----- blocks or one DER CRL)");
            assertThatThrownBy(() -> h.apply(verify(bundle, backend.port(), "", foreign)))
                    .hasMessage(AT + "[0]: " + foreign + ": the CRL's issuer O=Headroom Tests,CN=Stranger CA is not a "
                            + "CA certificate of the trust store (expected: CRLs issued by CAs in caCertificatesBundle)");
            assertThatThrownBy(() -> h.apply(verify(bundle, backend.port(), "", forged)))
                    .hasMessage(AT + "[0]: " + forged + ": the CRL of O=Headroom Tests,CN=Clients CA is not signed by "
                            + "that CA certificate of the trust store (expected: CRLs issued by CAs in "
                            + "caCertificatesBundle)");
            // None of them was taken: alice still passes.
            ok(client(H1, tls(alice)), get(h.httpsPort, "/").build());
        }
    }

    @Test
    void aReloadReadsChangedListsAndABrokenOneKeepsTheOldServing() throws Exception {
        Path crl = pem("clients.crl", TlsTestSupport.crl(root));
        Path bundle = bundle(root.leaf());
        try (EchoBackend backend = new EchoBackend("b1");
             HttpsHarness h = new HttpsHarness(verify(bundle, backend.port(), "", crl))) {
            String yaml = verify(bundle, backend.port(), "", crl);
            ok(client(H1, tls(alice)), get(h.httpsPort, "/before").build());

            pem("clients.crl", TlsTestSupport.crl(root, alice.leaf()));
            h.apply(yaml);
            refused(h.httpsPort, tls(alice));
            ok(client(H1, tls(bob)), get(h.httpsPort, "/bob").build());

            Files.writeString(crl, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
            assertThatThrownBy(() -> h.apply(yaml)).hasMessageStartingWith(AT + "[0]: " + crl + ": not a certificate "
                    + "revocation list");
            refused(h.httpsPort, tls(alice));
            ok(client(H1, tls(bob)), get(h.httpsPort, "/bob-again").build());

            pem("clients.crl", TlsTestSupport.crl(root, bob.leaf()));
            h.apply(yaml);
            ok(client(H1, tls(alice)), get(h.httpsPort, "/alice-again").build());
            refused(h.httpsPort, tls(bob));
        }
    }
}
