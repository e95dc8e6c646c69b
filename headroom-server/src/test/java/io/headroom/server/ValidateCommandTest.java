package io.headroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int validate(String yaml) throws Exception {
        Path f = dir.resolve("h.yaml");
        Files.writeString(f, yaml);
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute("validate", f.toString());
    }

    @Test
    void printsEveryErrorWithItsPathAndExitsOne() throws Exception {
        int code = validate("""
                targetGroups:
                  - name: web
                    healthCheck: { matcher: "20x", intervalSeconds: 0 }
                """);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("targetGroups[0].healthCheck.matcher: \"20x\" (expected: codes like 200, 200-299 or 200,302)")
                .contains("targetGroups[0].healthCheck.intervalSeconds: 0 (expected: 5..300)")
                .contains("2 errors");
    }

    @Test
    void printsARuleTransformsRegexErrorWithItsPath() throws Exception {
        int code = validate("""
                targetGroups: [{ name: web }]
                loadBalancers:
                  - name: lb
                    listeners:
                      - port: 8080
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                          - priority: 10
                            conditions: { pathPattern: ["/api/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: '^/api/(?!x)', replace: "/" }] }
                """);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("loadBalancers[0].listeners[0].rules[0].transforms[0].urlRewriteConfig"
                + ".rewrites[0].regex: \"^/api/(?!x)\": invalid or unsupported Perl syntax: `(?!`");
    }

    @Test
    void printsLoadBalancerAttributeErrorsWithTheirPaths() throws Exception {
        int code = validate("""
                targetGroups: [{ name: web }, { name: db, protocol: TCP }]
                loadBalancers:
                  - { name: web, clientKeepAliveSeconds: 59, http2Enabled: maybe }
                  - { name: db, type: network, clientKeepAliveSeconds: 3600, http2Enabled: false }
                """);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("loadBalancers[0].clientKeepAliveSeconds: 59 (expected: 60..604800)")
                .contains("loadBalancers[0].http2Enabled: \"maybe\" (expected: true or false)")
                .contains("loadBalancers[1].clientKeepAliveSeconds: only allowed for application load balancers")
                .contains("loadBalancers[1].http2Enabled: only allowed for application load balancers");
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() throws Exception {
        int code = validate("targetGroups:\n  - name: web\n    healthCheck: { path: /x\n");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).containsPattern("h\\.yaml:\\d+:\\d+: ");
    }

    @Test
    void validFilePrintsOneLineSummaryAndExitsZero() throws Exception {
        int code = validate("""
                loadBalancers:
                  - name: web
                    listeners:
                      - port: 8080
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    targets: [{ host: 127.0.0.1, port: 9001 }]
                """);
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().trim()).endsWith(
                "OK — 1 load balancer (1 listener, 0 rules), 1 target group, 0 launch templates, 0 auto scaling groups");
    }

    @Test
    void theShippedExamplesAreValid() {
        for (String example : new String[] {"demo.yaml", "static.yaml", "grpc.yaml", "tls.yaml", "tcp.yaml"}) {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            assertThat(cl.execute("validate", Path.of("..", "examples", example).toString()))
                    .as(example + ": " + err).isZero();
        }
    }

    @Test
    void readsTheTlsFilesTheConfigNamesAndReportsEachWithItsPath() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        int code = validate("""
                targetGroups:
                  - { name: web }
                  - { name: secure, protocol: HTTPS, tlsVerify: true, tlsCaFile: %s }
                loadBalancers:
                  - name: web
                    listeners:
                      - port: 8443
                        protocol: HTTPS
                        certificates: [{ certificateFile: %s, privateKeyFile: %s }]
                        defaultAction: { forward: { targetGroup: web } }
                      - port: 9443
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        mutualAuthentication:
                          mode: verify
                          trustStore: { caCertificatesBundle: %s }
                        defaultAction: { forward: { targetGroup: web } }
                      - port: 10443
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        defaultAction: { forward: { targetGroup: web } }
                """.formatted(dir.resolve("missing-ca.pem"), dir.resolve("missing.crt"), dir.resolve("missing.key"),
                garbage));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("loadBalancers[0].listeners[0].certificates[0].certificateFile: " + dir.resolve("missing.crt")
                        + ": no such file")
                .contains("loadBalancers[0].listeners[1].mutualAuthentication.trustStore.caCertificatesBundle: "
                        + garbage + ": not a PEM certificate bundle")
                .contains("targetGroups[1].tlsCaFile: " + dir.resolve("missing-ca.pem") + ": no such file")
                .doesNotContain("listeners[2]")
                .contains("3 errors");
        assertThat(out.toString()).doesNotContain("OK");
    }

    @Test
    void aConfigWithUsableTlsFilesPasses() throws Exception {
        int code = validate("""
                targetGroups: [{ name: web }]
                loadBalancers:
                  - name: web
                    listeners:
                      - port: 8443
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        defaultAction: { forward: { targetGroup: web } }
                """);
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("OK — 1 load balancer (1 listener, 0 rules)");
    }
}
