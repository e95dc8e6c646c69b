package io.headroom.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetState;
import io.headroom.proxy.ProxyServer;
import io.headroom.proxy.target.TargetGroups;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end: a GRPC target group behind an HTTP listener is checked with AWS's defaults (a gRPC call to
 * /AWS.ALB/healthcheck answered UNIMPLEMENTED, code 12), becomes healthy, and routes a gRPC call to its target.
 */
class GrpcTargetGroupTest {

    private static String config(int listenerPort, int targetPort) {
        return """
                loadBalancers:
                  - name: web
                    listeners:
                      - port: %1$d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: grpc } }
                        rules:
                          - priority: 10
                            conditions: { pathPattern: ["/strict/*"] }
                            action: { forward: { targetGroup: strict } }
                targetGroups:
                  - name: grpc
                    protocolVersion: GRPC
                    healthCheck: { intervalSeconds: 5, timeoutSeconds: 4 }
                    targets: [{ host: 127.0.0.1, port: %2$d }]
                  - name: strict
                    protocolVersion: GRPC
                    healthCheck: { intervalSeconds: 5, timeoutSeconds: 4, matcher: { grpcCode: "0" } }
                    targets: [{ host: 127.0.0.1, port: %2$d }]
                """.formatted(listenerPort, targetPort);
    }

    @Test
    void aGrpcTargetBecomesHealthyWithTheDefaultsAndGetsTheCall() throws Exception {
        ProxyServer proxy = new ProxyServer(1, new MetricRegistry());
        // One configured second lasts 30 ms: checks every 150 ms, a 120 ms timeout.
        TargetGroups groups = new TargetGroups(Clock.systemUTC(), proxy.eventLoops(), null, Duration.ofMillis(30), null);
        try (Http2Backend backend = new Http2Backend()) {
            backend.answer = Http2Backend.Answer.GRPC_SERVER;
            int port = TestBackend.refusedPort();
            HeadroomConfig cfg = ConfigLoader.parse(config(port, backend.port()), "test.yaml", Map.of());
            groups.apply(cfg.targetGroups());
            proxy.apply(cfg, groups);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groups.describe("grpc"))
                    .extracting(TargetHealth::state).containsExactly(TargetState.HEALTHY));
            Http2Headers check = backend.byPath.get("/AWS.ALB/healthcheck");
            assertThat(check.method().toString()).isEqualTo("POST");
            assertThat(check.get("content-type").toString()).isEqualTo("application/grpc");

            // The same server fails a group that wants code 0 from the unimplemented method, and says why.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groups.describe("strict"))
                    .containsExactly(new TargetHealth(backend.address(), TargetState.UNHEALTHY,
                            "Target.ResponseCodeMismatch", "Health checks failed with these gRPC codes: [12]")));

            String response = grpcCallOverHttp1(port, "hello");
            assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: application/grpc")
                    .contains("hello").containsIgnoringCase("\r\n0\r\ngrpc-status: 0\r\n");
            Http2Headers call = backend.byPath.get("/echo.Echo/Say");
            assertThat(call).as("the call reached the target over HTTP/2").isNotNull();
            assertThat(call.method().toString()).isEqualTo("POST");
            assertThat(call.get("te").toString()).isEqualTo("trailers");
        } finally {
            proxy.shutdown(Duration.ZERO);
            groups.close();
        }
    }

    /** A gRPC-shaped request (one length-prefixed message) from an HTTP/1.1 client; the trailers come chunked. */
    private static String grpcCallOverHttp1(int port, String message) throws Exception {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {0, 0, 0, 0, (byte) m.length});
        body.write(m);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /echo.Echo/Say HTTP/1.1\r\nHost: grpc.test\r\nContent-Type: "
                    + "application/grpc\r\nTE: trailers\r\nContent-Length: " + body.size()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body.toByteArray());
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
