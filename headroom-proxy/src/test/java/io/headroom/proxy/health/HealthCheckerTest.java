package io.headroom.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.config.HttpCodeMatcher;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.TargetAddress;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.io.TempDir;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
    private final TestChecker checks = new TestChecker();

    @AfterEach
    void tearDown() throws Exception {
        checks.close();
    }

    /** Interval 5 s (150 ms); a generous timeout (30 s = 900 ms) so a cold JVM's first check never times out. */
    private static HealthCheckConfig http(String path, int port, String matcher) {
        return http(path, port, matcher, 30);
    }

    private static HealthCheckConfig http(String path, int port, String matcher, int timeoutSeconds) {
        return new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, path, port, 5, timeoutSeconds, 3, 2,
                HttpCodeMatcher.parse(matcher));
    }

    private static HealthCheckConfig tcp() {
        return new HealthCheckConfig(HealthCheckConfig.Protocol.TCP, null, 0, 5, 30, 3, 2, HttpCodeMatcher.parse("200"));
    }

    private final class Recorder implements HealthChecker.Listener {
        final AtomicInteger started = new AtomicInteger();
        final List<ProbeResult> results = new CopyOnWriteArrayList<>();

        @Override
        public void probeStarted() {
            started.incrementAndGet();
        }

        @Override
        public void probeCompleted(ProbeResult result) {
            results.add(result);
        }

        ProbeResult first() {
            await().atMost(Duration.ofSeconds(5)).until(() -> !results.isEmpty());
            return results.get(0);
        }
    }

    private Recorder watch(TargetAddress target, HealthCheckConfig config) {
        Recorder r = new Recorder();
        checks.watch(target, () -> config, r);
        return r;
    }

    @Test
    void httpCheckPassesOnAMatchingCodeAndSendsPathHostAndUserAgent() throws Exception {
        try (TestBackend b = new TestBackend()) {
            ProbeResult r = watch(b.address(), http("/health?deep=1", 0, "200")).first();
            assertThat(r).isEqualTo(ProbeResult.passed(200));
            assertThat(b.lastPath.get()).isEqualTo("/health?deep=1");
            assertThat(b.lastHost.get()).isEqualTo("127.0.0.1:" + b.port());
            assertThat(b.lastUserAgent.get()).isEqualTo("ELB-HealthChecker/2.0");
        }
    }

    @Test
    void aTargetNamedByAHostNameIsCheckedAtTheAddressTheNameHas() throws Exception {
        try (TestBackend b = new TestBackend()) {
            ProbeResult r = watch(new TargetAddress("localhost", b.port()), http("/health", 0, "200")).first();
            assertThat(r).isEqualTo(ProbeResult.passed(200));
            assertThat(b.lastHost.get()).isEqualTo("localhost:" + b.port());
        }
    }

    @Test
    void httpCheckFailsOnACodeOutsideTheMatcher() throws Exception {
        try (TestBackend b = new TestBackend()) {
            b.status(500);
            ProbeResult r = watch(b.address(), http("/", 0, "200-299")).first();
            assertThat(r.outcome()).isEqualTo(ProbeResult.Outcome.RESPONSE_CODE_MISMATCH);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.outcome().reason()).isEqualTo("Target.ResponseCodeMismatch");
        }
    }

    @Test
    void matcherRangesAndListsAccept302() throws Exception {
        try (TestBackend b = new TestBackend()) {
            b.status(302);
            assertThat(watch(b.address(), http("/", 0, "200,302")).first().isPassed()).isTrue();
        }
    }

    @Test
    void aTargetThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = TestBackend.silent()) {
            long start = System.nanoTime();
            Recorder r = watch(new TargetAddress("127.0.0.1", silent.getLocalPort()), http("/", 0, "200", 4));
            assertThat(r.first()).isEqualTo(ProbeResult.timeout());
            // timeout 4 s x 30 ms = 120 ms; the first check is jittered within one second (30 ms)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
        }
    }

    @Test
    void aRefusedConnectionFailsTheCheck() throws Exception {
        ProbeResult r = watch(new TargetAddress("127.0.0.1", TestBackend.refusedPort()), http("/", 0, "200")).first();
        assertThat(r.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
        assertThat(r.outcome().reason()).isEqualTo("Target.FailedHealthChecks");
        assertThat(r.detail()).containsIgnoringCase("refused");
    }

    @Test
    void tcpCheckPassesWhenTheConnectionOpensAndFailsWhenRefused() throws Exception {
        try (ServerSocket silent = TestBackend.silent()) {
            assertThat(watch(new TargetAddress("127.0.0.1", silent.getLocalPort()), tcp()).first())
                    .isEqualTo(ProbeResult.passed());
        }
        ProbeResult refused = watch(new TargetAddress("127.0.0.1", TestBackend.refusedPort()), tcp()).first();
        assertThat(refused.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
    }

    @Test
    void theHealthCheckPortOverridesTheTrafficPort() throws Exception {
        try (TestBackend b = new TestBackend()) {
            TargetAddress trafficPortClosed = new TargetAddress("127.0.0.1", TestBackend.refusedPort());
            assertThat(watch(trafficPortClosed, http("/", b.port(), "200")).first().isPassed()).isTrue();
        }
    }

    @Test
    void checksRepeatEveryIntervalAndStopWhenClosed() throws Exception {
        try (TestBackend b = new TestBackend()) {
            Recorder r = new Recorder();
            AutoCloseable handle = checks.checker.watch(b.address(), () -> http("/", 0, "200"), r);
            await().atMost(Duration.ofSeconds(5)).until(() -> r.results.size() >= 3);
            assertThat(r.started.get()).isGreaterThanOrEqualTo(3);
            handle.close();
            int hitsAtClose = b.hits();
            // The interval is 150 ms: wait three of them and check that no new check arrived (at most one already
            // on the wire when closed).
            await().pollDelay(Duration.ofMillis(450)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(b.hits()).isLessThanOrEqualTo(hitsAtClose + 1));
        }
    }

    @Test
    void aTargetGivenByHostNameIsResolvedAndChecked() throws Exception {
        try (TestBackend b = new TestBackend()) {
            ProbeResult r = watch(new TargetAddress("localhost", b.port()), http("/", 0, "200")).first();
            assertThat(r.isPassed()).isTrue();
            assertThat(b.lastHost.get()).isEqualTo("localhost:" + b.port());
        }
    }

    @Test
    void httpsCheckPassesAgainstATargetWithASelfSignedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("target.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "target", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        try {
            assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        } finally {
            keytool.destroyForcibly();
        }
        assertThat(keytool.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            HealthCheckConfig https = new HealthCheckConfig(HealthCheckConfig.Protocol.HTTPS, "/", 0, 5, 60, 3, 2,
                    HttpCodeMatcher.parse("200-299"));
            ProbeResult r = watch(new TargetAddress("127.0.0.1", server.getAddress().getPort()), https).first();
            assertThat(r).isEqualTo(ProbeResult.passed(204));
        } finally {
            server.stop(0);
        }
    }
}
