package io.headroom.core.config;

import static io.headroom.core.config.ConfigLoaderErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** requestHeaderNames: AWS ALB's routing.http.request.*.header_name listener attributes, on HTTPS listeners. */
class RequestHeaderNamesConfigTest {
    private static final String AT = "loadBalancers[0].listeners[1].requestHeaderNames.";

    /** An application load balancer whose second listener is HTTPS with these requestHeaderNames (YAML flow). */
    private static String https(String names) {
        return ConfigLoaderErrorsTest.TGS + "loadBalancers: [{name: lb, listeners: ["
                + "{port: 8080, defaultAction: {forward: {targetGroup: web}}}, "
                + "{port: 8443, protocol: HTTPS, certificates: [{selfSigned: {commonName: localhost}}], "
                + "defaultAction: {forward: {targetGroup: web}}, requestHeaderNames: " + names + "}]}]\n";
    }

    private static ListenerConfig parse(String names) throws ConfigException {
        return ConfigLoader.parse(https(names), "t.yaml", ConfigLoaderErrorsTest.VARS).loadBalancers().get(0)
                .listeners().get(1);
    }

    @Test
    void renamedHeadersAndTheOthersKeepAwsNames() throws Exception {
        ListenerConfig l = parse("{xAmznMtlsClientcertSerialNumber: X-Client-Serial, xAmznTlsVersion: tls-version}");
        assertThat(l.requestHeaderNames()).isEqualTo(Map.of("xAmznMtlsClientcertSerialNumber", "X-Client-Serial",
                "xAmznTlsVersion", "tls-version"));
        assertThat(l.requestHeaderName("xAmznMtlsClientcertSerialNumber")).isEqualTo("X-Client-Serial");
        assertThat(l.requestHeaderName("xAmznMtlsClientcertLeaf")).isEqualTo("X-Amzn-Mtls-Clientcert-Leaf");
        assertThat(l.requestHeaderName("xAmznTlsCipherSuite")).isEqualTo("x-amzn-tls-cipher-suite");
        assertThat(parse("{}").requestHeaderNames()).isEmpty();
    }

    @Test
    void namesMustBeTokensTheLoadBalancerDoesNotManage() {
        assertThat(errors(https("{xAmznMtlsClientcertSubject: \"X Subject\", xAmznMtlsClientcertIssuer: \"\", "
                + "xAmznMtlsClientcertLeaf: \"X-Leaf:\"}"))).containsExactlyInAnyOrder(
                AT + "xAmznMtlsClientcertSubject: \"X Subject\" (expected: a header field name: letters, digits and "
                        + "!#$%&'*+-.^_`|~, not empty)",
                AT + "xAmznMtlsClientcertIssuer: \"\" (expected: a header field name: letters, digits and "
                        + "!#$%&'*+-.^_`|~, not empty)",
                AT + "xAmznMtlsClientcertLeaf: \"X-Leaf:\" (expected: a header field name: letters, digits and "
                        + "!#$%&'*+-.^_`|~, not empty)");
        for (String managed : new String[] {"Connection", "transfer-encoding", "X-Forwarded-For", "x-forwarded-client",
                "Host", "Keep-Alive", "Upgrade", "TE"}) {
            assertThat(errors(https("{xAmznTlsVersion: " + managed + "}"))).as(managed).containsExactly(
                    AT + "xAmznTlsVersion: \"" + managed + "\" (expected: a header name the load balancer does not set "
                            + "or remove itself (not hop-by-hop, X-Forwarded-*, Host or Content-Length))");
        }
        assertThat(errors(https("{xAmznTlsVersion: 7}"))).containsExactly(AT + "xAmznTlsVersion: 7 (expected: a string)");
    }

    @Test
    void twoHeadersCannotShareAName() {
        assertThat(errors(https("{xAmznTlsVersion: X-Tls, xAmznTlsCipherSuite: x-tls}"))).containsExactly(
                AT + "xAmznTlsCipherSuite: \"x-tls\" is also the name of xAmznTlsVersion (expected: a name of its own)");
        // Renamed to another header's AWS name, which keeps it.
        assertThat(errors(https("{xAmznMtlsClientcertSerialNumber: X-Amzn-Mtls-Clientcert-Leaf}"))).containsExactly(
                AT + "xAmznMtlsClientcertSerialNumber: \"X-Amzn-Mtls-Clientcert-Leaf\" is also the name of "
                        + "xAmznMtlsClientcertLeaf (expected: a name of its own)");
    }

    @Test
    void unknownKeysAndOtherListenersAreErrors() {
        assertThat(errors(https("{xAmznMtlsClientcertSerial: X-S}"))).containsExactly(AT + "xAmznMtlsClientcertSerial: "
                + "unknown key (expected one of: xAmznMtlsClientcertSerialNumber, xAmznMtlsClientcertIssuer, "
                + "xAmznMtlsClientcertSubject, xAmznMtlsClientcertValidity, xAmznMtlsClientcertLeaf, "
                + "xAmznMtlsClientcert, xAmznTlsVersion, xAmznTlsCipherSuite)");
        assertThat(errors(ConfigLoaderErrorsTest.listener(", requestHeaderNames: {xAmznTlsVersion: X-Tls}")))
                .containsExactly("loadBalancers[0].listeners[0].requestHeaderNames: only allowed for HTTPS listeners");
    }
}
