package io.headroom.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HealthCheckConfig;
import io.headroom.core.target.HealthStateMachine;
import io.headroom.core.target.ProbeResult;
import io.headroom.core.target.TargetAddress;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health checks of HTTP2 and GRPC target groups go over HTTP/2, against real HTTP/2 servers on 127.0.0.1. */
class Http2HealthCheckTest {
    private final TestChecker checks = new TestChecker();

    @AfterEach
    void tearDown() throws Exception {
        checks.close();
    }

    /**
     * The health check of a target group parsed from YAML (so defaults are the config's), interval 5 s (150 ms) and,
     * unless {@code healthCheck} says otherwise, a generous timeout (30 s = 900 ms) for a cold JVM's first check.
     */
    private static HealthCheckConfig check(String group, String healthCheck) throws Exception {
        String hc = healthCheck.contains("timeoutSeconds") ? healthCheck
                : healthCheck + (healthCheck.isEmpty() ? "" : ", ") + "intervalSeconds: 31, timeoutSeconds: 30";
        HealthCheckConfig c = ConfigLoader.parse("targetGroups: [{name: g, " + group + ", healthCheck: {" + hc + "}}]\n",
                "test.yaml", Map.of()).targetGroups().get(0).healthCheck();
        return new HealthCheckConfig(c.protocol(), c.path(), c.port(), 5, c.timeoutSeconds(), c.healthyThreshold(),
                c.unhealthyThreshold(), c.matcher(), c.protocolVersion());
    }

    private List<ProbeResult> watch(TargetAddress target, HealthCheckConfig config) {
        List<ProbeResult> results = new CopyOnWriteArrayList<>();
        checks.watch(target, () -> config, new HealthChecker.Listener() {
            @Override
            public void probeStarted() {
            }

            @Override
            public void probeCompleted(ProbeResult result) {
                results.add(result);
            }
        });
        return results;
    }

    private ProbeResult first(TargetAddress target, HealthCheckConfig config) {
        List<ProbeResult> results = watch(target, config);
        await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
        return results.get(0);
    }

    /** What `headroom targets` shows for a target that failed this way twice (unhealthy threshold 2). */
    private static String shown(ProbeResult failed) {
        HealthStateMachine health = new HealthStateMachine(Clock.systemUTC(), 5, 2);
        health.onResult(failed);
        health.onResult(failed);
        return health.state() + " " + health.reason() + " " + health.description();
    }

    @Test
    void aGrpcGroupWithDefaultsPassesOnStatus12FromAnUnimplementedHealthcheckMethod() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            HealthCheckConfig grpc = check("protocolVersion: GRPC", "");
            assertThat(grpc.path()).isEqualTo("/AWS.ALB/healthcheck");
            assertThat(first(b.address(), grpc)).isEqualTo(ProbeResult.passed(12));

            Http2Headers h = b.lastHeaders.get();
            assertThat(h.method().toString()).isEqualTo("POST");
            assertThat(h.path().toString()).isEqualTo("/AWS.ALB/healthcheck");
            assertThat(h.scheme().toString()).isEqualTo("http");
            assertThat(h.authority().toString()).isEqualTo("127.0.0.1:" + b.port());
            assertThat(h.get("content-type").toString()).isEqualTo("application/grpc");
            assertThat(h.get("te").toString()).isEqualTo("trailers");
            assertThat(h.get("user-agent").toString()).isEqualTo("ELB-HealthChecker/2.0");
            assertThat(b.lastBody.get()).as("an empty gRPC message").containsExactly(0, 0, 0, 0, 0);
        }
    }

    @Test
    void aGrpcStatusOutsideTheMatcherFailsNamingTheStatus() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            ProbeResult r = first(b.address(), check("protocolVersion: GRPC", "matcher: \"0\""));
            assertThat(r).isEqualTo(ProbeResult.grpcCodeMismatch(12));
            assertThat(shown(r)).isEqualTo(
                    "unhealthy Target.ResponseCodeMismatch Health checks failed with these gRPC codes: [12]");
        }
    }

    @Test
    void theGrpcStatusOfTrailersAfterAMessageIsMatched() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.GRPC_MESSAGE_AND_TRAILERS;
            b.code = 0;
            HealthCheckConfig c = check("protocolVersion: GRPC",
                    "path: /grpc.health.v1.Health/Check, matcher: { grpcCode: \"0-2\" }");
            assertThat(first(b.address(), c)).isEqualTo(ProbeResult.passed(0));
            assertThat(b.lastHeaders.get().path().toString()).isEqualTo("/grpc.health.v1.Health/Check");
        }
    }

    @Test
    void anAnswerWithoutGrpcStatusFails() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.NO_GRPC_STATUS;
            ProbeResult r = first(b.address(), check("protocolVersion: GRPC", ""));
            assertThat(r).isEqualTo(ProbeResult.failed("response without grpc-status (HTTP status 200)"));
            assertThat(shown(r)).isEqualTo("unhealthy Target.FailedHealthChecks "
                    + "Health checks failed: response without grpc-status (HTTP status 200)");
        }
    }

    @Test
    void aHangingGrpcServerTimesOut() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.HANG;
            ProbeResult r = first(b.address(), check("protocolVersion: GRPC", "intervalSeconds: 5, timeoutSeconds: 2"));
            assertThat(r).isEqualTo(ProbeResult.timeout());
            assertThat(b.streams.get()).as("the call reached the server").isPositive();
            assertThat(shown(r)).isEqualTo("unhealthy Target.Timeout Request timed out");
        }
    }

    @Test
    void aResetStreamOrAClosedConnectionFails() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.RESET;
            assertThat(first(b.address(), check("protocolVersion: GRPC", "")))
                    .isEqualTo(ProbeResult.failed("stream reset by the target (INTERNAL_ERROR)"));
        }
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.CLOSE;
            ProbeResult r = first(b.address(), check("protocolVersion: GRPC", ""));
            assertThat(r.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
            assertThat(r.detail()).containsAnyOf("stream closed before a response",
                    "connection closed before a response");
        }
    }

    @Test
    void aConnectionRefusedFails() throws Exception {
        ProbeResult r = first(new TargetAddress("127.0.0.1", TestBackend.refusedPort()),
                check("protocolVersion: GRPC", ""));
        assertThat(r.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
        assertThat(r.detail()).containsIgnoringCase("refused");
    }

    @Test
    void anHttp1OnlyBackendFailsAGrpcCheck() throws Exception {
        try (TestBackend http1 = new TestBackend()) {
            ProbeResult r = first(http1.address(), check("protocolVersion: GRPC", ""));
            assertThat(r.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
            assertThat(r.detail()).isEqualTo("the target does not speak HTTP/2 (it answered in HTTP/1.x)");
        }
    }

    @Test
    void anHttpsGrpcGroupIsCheckedOverTlsWithAlpnH2(@TempDir Path dir) throws Exception {
        try (Http2Backend b = Http2Backend.tls(dir)) {
            HealthCheckConfig c = check("protocol: HTTPS, protocolVersion: GRPC", "");
            assertThat(c.protocol()).isEqualTo(HealthCheckConfig.Protocol.HTTPS);
            assertThat(first(b.address(), c)).isEqualTo(ProbeResult.passed(12));
            assertThat(b.lastHeaders.get().scheme().toString()).isEqualTo("https");
        }
    }

    @Test
    void anHttpsTargetThatDoesNotAgreeToH2FailsAGrpcCheck(@TempDir Path dir) throws Exception {
        try (Http2Backend b = Http2Backend.tls(dir, "http/1.1")) {
            ProbeResult r = first(b.address(), check("protocol: HTTPS, protocolVersion: GRPC", ""));
            assertThat(r).isEqualTo(ProbeResult.failed("the target did not agree to HTTP/2 (ALPN: null)"));
            assertThat(b.streams.get()).isZero();
        }
    }

    @Test
    void anHttp2GroupSendsItsGetOverHttp2AndMatchesTheStatus() throws Exception {
        try (Http2Backend b = new Http2Backend()) {
            b.answer = Http2Backend.Answer.HTTP_STATUS;
            b.code = 204;
            HealthCheckConfig c = check("protocolVersion: HTTP2", "path: /health, matcher: \"200-299\"");
            assertThat(first(b.address(), c)).isEqualTo(ProbeResult.passed(204));
            Http2Headers h = b.lastHeaders.get();
            assertThat(h.method().toString()).isEqualTo("GET");
            assertThat(h.path().toString()).isEqualTo("/health");
            assertThat(h.contains("content-type")).isFalse();
            assertThat(b.lastBody.get()).isEmpty();

            b.code = 503;
            List<ProbeResult> results = watch(b.address(), c);
            await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
            assertThat(results.get(0)).isEqualTo(ProbeResult.codeMismatch(503));
        }
    }

    @Test
    void anHttp2GroupFailsAgainstAnHttp1OnlyBackend() throws Exception {
        try (TestBackend http1 = new TestBackend()) {
            ProbeResult r = first(http1.address(), check("protocolVersion: HTTP2", ""));
            assertThat(r).isEqualTo(ProbeResult.failed("the target does not speak HTTP/2 (it answered in HTTP/1.x)"));
            assertThat(http1.hits()).as("never answered as HTTP/1.1").isZero();
        }
    }
}
