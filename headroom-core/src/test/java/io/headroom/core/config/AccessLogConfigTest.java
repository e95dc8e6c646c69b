package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.LoadBalancerConfig.AccessLogConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load balancer's accessLog block: defaults, rotation keys and their path-named errors. */
class AccessLogConfigTest {
    static String lb(String accessLog) {
        return ConfigLoaderErrorsTest.TGS + "loadBalancers: [{name: lb, accessLog: " + accessLog
                + ", listeners: [{port: 8080, defaultAction: {forward: {targetGroup: web}}}]}]\n";
    }

    @Test
    void defaultsAreAlbFormatAccessLogAnd100MiBTimesFive() throws Exception {
        AccessLogConfig c = ConfigLoader.parse(lb("{ enabled: true }"), "t.yaml", ConfigLoaderErrorsTest.VARS)
                .loadBalancers().get(0).accessLog();
        assertThat(c).isEqualTo(new AccessLogConfig(true, AccessLogConfig.Format.ALB, "access.log", 100, 5));
    }

    @Test
    void rotationKeysAreRead() throws Exception {
        AccessLogConfig c = ConfigLoader.parse(lb("{ enabled: true, format: json, path: /var/log/h.log, "
                + "maxSizeMb: 10, maxFiles: 3 }"), "t.yaml", ConfigLoaderErrorsTest.VARS).loadBalancers().get(0)
                .accessLog();
        assertThat(c).isEqualTo(new AccessLogConfig(true, AccessLogConfig.Format.JSON, "/var/log/h.log", 10, 3));
    }

    @Test
    void badValuesNameTheirPath() {
        List<String> errors = ConfigLoaderErrorsTest.errors(lb("{ enabled: true, format: csv, path: '', "
                + "maxSizeMb: 0, maxFiles: 0, maxAgeDays: 3 }"));
        assertThat(errors).anyMatch(e -> e.startsWith("loadBalancers[0].accessLog.format: \"csv\""))
                .anyMatch(e -> e.startsWith("loadBalancers[0].accessLog.path: \"\""))
                .anyMatch(e -> e.startsWith("loadBalancers[0].accessLog.maxSizeMb: 0 (expected: 1..102400)"))
                .anyMatch(e -> e.startsWith("loadBalancers[0].accessLog.maxFiles: 0 (expected: 1..1000)"))
                .anyMatch(e -> e.startsWith("loadBalancers[0].accessLog.maxAgeDays"));
    }
}
