package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.HealthCheckConfig.ProtocolVersion;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Health checks follow the target group's protocolVersion; matchers take HTTP or gRPC codes (AWS's Matcher). */
class HealthCheckProtocolVersionTest {

    private static HealthCheckConfig check(String group) throws Exception {
        return ConfigLoader.parse("targetGroups: [" + group + "]\n", "test.yaml", ConfigLoaderErrorsTest.VARS)
                .targetGroups().get(0).healthCheck();
    }

    @Test
    void grpcGroupsGetAwsDefaultsPathAndCode12() throws Exception {
        HealthCheckConfig hc = check("{name: g, protocolVersion: GRPC}");
        assertThat(hc.protocolVersion()).isEqualTo(ProtocolVersion.GRPC);
        assertThat(hc.path()).isEqualTo("/AWS.ALB/healthcheck");
        assertThat(hc.matcher().grpc()).isTrue();
        assertThat(hc.matcher().spec()).isEqualTo("12");
        assertThat(hc.matcher().matches(12)).isTrue();
        assertThat(hc.matcher().matches(0)).isFalse();
    }

    @Test
    void http1AndHttp2GroupsKeepPathSlashAndCode200() throws Exception {
        for (String v : new String[] {"", ", protocolVersion: HTTP1", ", protocolVersion: HTTP2"}) {
            HealthCheckConfig hc = check("{name: g" + v + "}");
            assertThat(hc.path()).isEqualTo("/");
            assertThat(hc.matcher().grpc()).isFalse();
            assertThat(hc.matcher().spec()).isEqualTo("200");
        }
        assertThat(check("{name: g}").protocolVersion()).isEqualTo(ProtocolVersion.HTTP1);
        assertThat(check("{name: g, protocolVersion: HTTP2}").protocolVersion()).isEqualTo(ProtocolVersion.HTTP2);
        assertThat(check("{name: g, protocol: TCP}").protocolVersion()).isEqualTo(ProtocolVersion.HTTP1);
    }

    @Test
    void aGrpcGroupsStringMatcherIsGrpcCodes() throws Exception {
        HealthCheckConfig hc = check("{name: g, protocolVersion: GRPC, healthCheck: {path: /grpc.health.v1.Health/Check, "
                + "matcher: \"0,12-14\"}}");
        assertThat(hc.path()).isEqualTo("/grpc.health.v1.Health/Check");
        assertThat(hc.matcher().grpc()).isTrue();
        assertThat(hc.matcher().matches(0)).isTrue();
        assertThat(hc.matcher().matches(13)).isTrue();
        assertThat(hc.matcher().matches(1)).isFalse();
        assertThat(check("{name: g, protocolVersion: GRPC, healthCheck: {matcher: 0}}").matcher().matches(0)).isTrue();
        assertThat(check("{name: g, protocolVersion: GRPC, healthCheck: {matcher: \"0-99\"}}").matcher().matches(99))
                .isTrue();
    }

    @Test
    void theMappingFormNamesTheKindOfCode() throws Exception {
        HealthCheckConfig grpc = check("{name: g, protocolVersion: GRPC, healthCheck: {matcher: {grpcCode: \"0\"}}}");
        assertThat(grpc.matcher().grpc()).isTrue();
        assertThat(grpc.matcher().spec()).isEqualTo("0");
        HealthCheckConfig http = check("{name: g, healthCheck: {matcher: {httpCode: \"200-299\"}}}");
        assertThat(http.matcher().grpc()).isFalse();
        assertThat(http.matcher().matches(204)).isTrue();
        assertThat(check("{name: g, protocolVersion: HTTP2, healthCheck: {matcher: {}}}").matcher().spec())
                .isEqualTo("200");
    }

    @Test
    void theGrpcExampleLoads() throws Exception {
        HeadroomConfig c = ConfigLoader.load(Path.of("..", "examples", "grpc.yaml"), ConfigLoaderErrorsTest.VARS);
        HealthCheckConfig greeter = c.targetGroups().get(0).healthCheck();
        assertThat(greeter.protocolVersion()).isEqualTo(ProtocolVersion.GRPC);
        assertThat(greeter.path()).isEqualTo("/AWS.ALB/healthcheck");
        assertThat(greeter.matcher().spec()).isEqualTo("12");
        HealthCheckConfig routes = c.targetGroups().get(1).healthCheck();
        assertThat(routes.path()).isEqualTo("/grpc.health.v1.Health/Check");
        assertThat(routes.matcher().grpc()).isTrue();
        assertThat(routes.matcher().spec()).isEqualTo("0");
    }

    @Test
    void errorsNameThePathAndTheRange() {
        assertThat(ConfigLoaderErrorsTest.errors("targetGroups: [{name: a}, {name: b}, {name: g, protocolVersion: GRPC, "
                + "healthCheck: {matcher: \"100\"}}]\n")).containsExactly(
                "targetGroups[2].healthCheck.matcher: \"100\" (expected: gRPC codes 0..99 like 12, 0-99 or 0,12)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, protocolVersion: GRPC, healthCheck: {matcher: {grpcCode: \"1x\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher.grpcCode: \"1x\" "
                        + "(expected: gRPC codes 0..99 like 12, 0-99 or 0,12)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, healthCheck: {matcher: {grpcCode: \"0\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher.grpcCode: only allowed for target groups with "
                        + "protocolVersion GRPC (use httpCode)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, protocolVersion: GRPC, healthCheck: {matcher: {httpCode: \"200\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher.httpCode: only allowed for HTTP1 and HTTP2 "
                        + "target groups (use grpcCode)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, healthCheck: {matcher: {httpCode: \"600\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher.httpCode: \"600\" "
                        + "(expected: codes within 200-499, low-high)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, healthCheck: {matcher: {code: \"200\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher.code: unknown key (expected one of: httpCode, "
                        + "grpcCode)");
        assertThat(ConfigLoaderErrorsTest.errors(
                "targetGroups: [{name: g, protocol: TCP, healthCheck: {matcher: {grpcCode: \"0\"}}}]\n"))
                .containsExactly("targetGroups[0].healthCheck.matcher: only allowed for HTTP and HTTPS health checks");
    }
}
