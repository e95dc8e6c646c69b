package io.headroom.core.config;

import static io.headroom.core.config.ConfigLoaderErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig;
import io.headroom.core.config.ListenerConfig.MutualAuthenticationConfig.Mode;
import org.junit.jupiter.api.Test;

/** mutualAuthentication: HTTPS listeners of application load balancers only, AWS's modes and defaults. */
class MutualAuthenticationConfigTest {
    private static final String CERT = "certificates: [{selfSigned: {commonName: localhost}}]";

    /** An application load balancer whose second listener is HTTPS with {@code mtls} as its mutualAuthentication. */
    private static String https(String mtls) {
        return ConfigLoaderErrorsTest.TGS + "loadBalancers: [{name: lb, listeners: ["
                + "{port: 8080, defaultAction: {forward: {targetGroup: web}}}, "
                + "{port: 8443, protocol: HTTPS, " + CERT + ", defaultAction: {forward: {targetGroup: web}}"
                + (mtls == null ? "" : ", mutualAuthentication: " + mtls) + "}]}]\n";
    }

    private static MutualAuthenticationConfig parse(String mtls) throws ConfigException {
        return ConfigLoader.parse(https(mtls), "t.yaml", ConfigLoaderErrorsTest.VARS).loadBalancers().get(0)
                .listeners().get(1).mutualAuthentication();
    }

    @Test
    void offUnlessConfigured() throws Exception {
        assertThat(parse(null)).isEqualTo(MutualAuthenticationConfig.OFF);
        assertThat(parse("{mode: off}")).isEqualTo(MutualAuthenticationConfig.OFF);
        assertThat(ConfigLoader.parse(https(null), "t.yaml", ConfigLoaderErrorsTest.VARS).loadBalancers().get(0)
                .listeners().get(0).mutualAuthentication()).isEqualTo(MutualAuthenticationConfig.OFF);
    }

    @Test
    void passthroughNeedsNoTrustStore() throws Exception {
        assertThat(parse("{mode: passthrough}"))
                .isEqualTo(new MutualAuthenticationConfig(Mode.PASSTHROUGH, null, false, false));
    }

    @Test
    void verifyWithItsBundleAndFlags() throws Exception {
        assertThat(parse("{mode: verify, trustStore: {caCertificatesBundle: certs/clients-ca.pem}}"))
                .isEqualTo(new MutualAuthenticationConfig(Mode.VERIFY, "certs/clients-ca.pem", false, false));
        assertThat(parse("{mode: verify, trustStore: {caCertificatesBundle: ca.pem}, "
                + "ignoreClientCertificateExpiry: true, advertiseTrustStoreCaNames: true}"))
                .isEqualTo(new MutualAuthenticationConfig(Mode.VERIFY, "ca.pem", true, true));
    }

    @Test
    void revocationListsBelongToTheTrustStore() throws Exception {
        assertThat(parse("{mode: verify, trustStore: {caCertificatesBundle: ca.pem, revocationLists: [a.crl, b.pem]}}"))
                .isEqualTo(new MutualAuthenticationConfig(Mode.VERIFY, "ca.pem", false, false,
                        java.util.List.of("a.crl", "b.pem")));
        assertThat(parse("{mode: verify, trustStore: {caCertificatesBundle: ca.pem}}").revocationLists()).isEmpty();
        String at = "loadBalancers[0].listeners[1].mutualAuthentication.";
        assertThat(errors(https("{mode: verify, trustStore: {caCertificatesBundle: ca.pem, revocationLists: a.crl}}")))
                .containsExactly(at + "trustStore.revocationLists: \"a.crl\" (expected: a list)");
        assertThat(errors(https("{mode: verify, trustStore: {caCertificatesBundle: ca.pem, revocationLists: [\"\", 7]}}")))
                .containsExactly(at + "trustStore.revocationLists[1]: 7 (expected: a string)",
                        at + "trustStore.revocationLists[0]: \"\" (expected: a CRL file, PEM or DER)");
        assertThat(errors(https("{mode: passthrough, trustStore: {revocationLists: [a.crl]}}")))
                .containsExactly(at + "trustStore: only allowed with mode: verify");
    }

    @Test
    void verifyWithoutATrustStoreIsAnError() {
        String at = "loadBalancers[0].listeners[1].mutualAuthentication.";
        assertThat(errors(https("{mode: verify}"))).containsExactly(at + "trustStore: required for mode: verify "
                + "(expected: { caCertificatesBundle: FILE }, a PEM file of the CA certificates clients' certificates "
                + "must lead to)");
        assertThat(errors(https("{mode: verify, trustStore: {}}")))
                .containsExactly(at + "trustStore.caCertificatesBundle: required key is missing");
        assertThat(errors(https("{mode: verify, trustStore: {caCertificatesBundle: \"\"}}")))
                .containsExactly(at + "trustStore.caCertificatesBundle: \"\" (expected: a non-empty string)");
        assertThat(errors(https("{mode: verify, trustStore: {caCertificateBundle: ca.pem}}"))).containsExactly(
                at + "trustStore.caCertificateBundle: unknown key (expected one of: caCertificatesBundle, revocationLists)",
                at + "trustStore.caCertificatesBundle: required key is missing");
    }

    @Test
    void badModesAndKeysNameTheirPath() {
        String at = "loadBalancers[0].listeners[1].mutualAuthentication.";
        assertThat(errors(https("{mode: strict}")))
                .containsExactly(at + "mode: \"strict\" (expected: off | passthrough | verify)");
        assertThat(errors(https("{mode: verify, trustStore: {caCertificatesBundle: ca.pem}, "
                + "ignoreClientCertificateExpiry: sometimes}")))
                .containsExactly(at + "ignoreClientCertificateExpiry: \"sometimes\" (expected: true or false)");
        assertThat(errors(https("{mode: verify, trustStore: {caCertificatesBundle: ca.pem}, verifyDepth: 3}")))
                .containsExactly(at + "verifyDepth: unknown key (expected one of: mode, trustStore, "
                        + "ignoreClientCertificateExpiry, advertiseTrustStoreCaNames)");
    }

    @Test
    void trustStoreAndFlagsOnlyWithVerify() {
        String at = "loadBalancers[0].listeners[1].mutualAuthentication.";
        assertThat(errors(https("{mode: passthrough, trustStore: {caCertificatesBundle: ca.pem}, "
                + "ignoreClientCertificateExpiry: true, advertiseTrustStoreCaNames: true}"))).containsExactly(
                at + "trustStore: only allowed with mode: verify",
                at + "ignoreClientCertificateExpiry: only allowed with mode: verify",
                at + "advertiseTrustStoreCaNames: only allowed with mode: verify");
        assertThat(errors(https("{trustStore: {caCertificatesBundle: ca.pem}}")))
                .containsExactly(at + "trustStore: only allowed with mode: verify");
    }

    @Test
    void onlyOnHttpsListenersOfApplicationLoadBalancers() {
        assertThat(errors(ConfigLoaderErrorsTest.listener(", mutualAuthentication: {mode: passthrough}")))
                .containsExactly("loadBalancers[0].listeners[0].mutualAuthentication: only allowed for HTTPS "
                        + "listeners");
        String nlb = ConfigLoaderErrorsTest.TGS + "loadBalancers: [{name: nlb, type: network, listeners: [{port: 9443, "
                + "protocol: TLS, " + CERT + ", defaultAction: {forward: {targetGroup: tcp}}, "
                + "mutualAuthentication: {mode: verify, trustStore: {caCertificatesBundle: ca.pem}}}]}]\n";
        assertThat(errors(nlb)).containsExactly("loadBalancers[0].listeners[0].mutualAuthentication: unknown key "
                + "(expected one of: address, port, protocol, certificates, sslPolicy, defaultAction)");
    }
}
