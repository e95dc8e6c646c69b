package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** tlsVerify and tlsCaFile: HTTPS target groups only, verification off unless asked for. */
class TargetGroupTlsConfigTest {
    private static TargetGroupConfig parse(String group) throws ConfigException {
        return ConfigLoader.parse("targetGroups: [" + group + "]\n", "t.yaml", Map.of()).targetGroups().get(0);
    }

    @Test
    void httpsTargetGroupsDoNotVerifyByDefault() throws Exception {
        TargetGroupConfig g = parse("{name: web, protocol: HTTPS}");
        assertThat(g.tlsVerify()).isFalse();
        assertThat(g.tlsCaFile()).isNull();
    }

    @Test
    void verificationWithACaFile() throws Exception {
        TargetGroupConfig g = parse("{name: web, protocol: HTTPS, tlsVerify: true, tlsCaFile: certs/ca.pem}");
        assertThat(g.tlsVerify()).isTrue();
        assertThat(g.tlsCaFile()).isEqualTo("certs/ca.pem");
    }

    @Test
    void onlyForHttpsAndCaFileOnlyWithVerification() {
        assertThat(ConfigLoaderErrorsTest.errors(ConfigLoaderErrorsTest.tg(", tlsVerify: true")))
                .containsExactly("targetGroups[0].tlsVerify: only allowed for HTTPS target groups");
        assertThat(ConfigLoaderErrorsTest.errors(ConfigLoaderErrorsTest.tg(", protocol: HTTPS, tlsCaFile: ca.pem")))
                .containsExactly("targetGroups[0].tlsCaFile: only allowed with tlsVerify: true");
        assertThat(ConfigLoaderErrorsTest.errors(ConfigLoaderErrorsTest.tg(", protocol: HTTPS, tlsVerify: maybe")))
                .hasSize(1).first().asString().startsWith("targetGroups[0].tlsVerify: ");
    }
}
