package io.headroom.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule conditions with regex values (AWS ALB's RegexValues of host-header, path-pattern and http-header) end to end:
 * a real proxy routes by them, and backends answer with their name and the request they received.
 */
class RuleRegexConditionsTest {
    private EchoBackend web;
    private EchoBackend other;
    private HttpsHarness h;

    @BeforeEach
    void start() throws IOException {
        web = new EchoBackend("web");
        other = new EchoBackend("other");
        h = new HttpsHarness("""
                loadBalancers:
                  - name: web
                    listeners:
                      - port: ${HTTPS}
                        protocol: HTTPS
                        certificates: [{ selfSigned: { commonName: localhost } }]
                        defaultAction: { forward: { targetGroup: web } }
                      - port: ${HTTP}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                          - priority: 10
                            conditions: { hostHeader: { regexValues: ['^api\\.example\\.com:8443$'] } }
                            action: { forward: { targetGroup: other } }
                          - priority: 20
                            conditions: { pathPattern: { regexValues: ['^/v[0-9]+/items/?$'] } }
                            action: { forward: { targetGroup: other } }
                          - priority: 30
                            conditions: { httpHeader: { name: X-Version, regexValues: ['^2\\.[0-9]+$', '^3$'] } }
                            action: { forward: { targetGroup: other } }
                targetGroups:
                  - { name: web, targets: [{ host: 127.0.0.1, port: WEB }] }
                  - { name: other, targets: [{ host: 127.0.0.1, port: OTHER }] }
                """.replace("WEB", Integer.toString(web.port())).replace("OTHER", Integer.toString(other.port())));
    }

    @AfterEach
    void stop() {
        h.close();
        web.close();
        other.close();
    }

    /** The backend that answered one HTTP/1.1 request: "web" or "other". */
    private String servedBy(String target, String host, String... headers) throws IOException {
        String response = h.get(target, host, headers);
        assertThat(response).startsWith("HTTP/1.1 200");
        return response.substring(response.indexOf("\r\n\r\n") + 4).split(" ", 2)[0];
    }

    @Test
    void aHostRegexSeesThePortAValueCannotMatch() throws IOException {
        assertThat(servedBy("/", "api.example.com:8443")).isEqualTo("other");
        assertThat(servedBy("/", "api.example.com")).isEqualTo("web");
        assertThat(servedBy("/", "api.example.com:443")).isEqualTo("web");
        assertThat(servedBy("/", "xapi.example.com:8443")).isEqualTo("web");
    }

    @Test
    void aPathRegexMatchesTheNormalisedPath() throws IOException {
        assertThat(servedBy("/v2/items", "example.com")).isEqualTo("other");
        assertThat(servedBy("/v10/items/?page=2", "example.com")).isEqualTo("other");
        assertThat(servedBy("/v2/../v3/items", "example.com")).isEqualTo("other");
        assertThat(servedBy("/vx/items", "example.com")).isEqualTo("web");
        assertThat(servedBy("/v2/items/more", "example.com")).isEqualTo("web");
    }

    @Test
    void aHeaderRegexMatchesAnyOfItsValues() throws IOException {
        assertThat(servedBy("/", "example.com", "X-Version: 2.7")).isEqualTo("other");
        assertThat(servedBy("/", "example.com", "x-version: 3")).isEqualTo("other");
        assertThat(servedBy("/", "example.com", "X-Version: 2.x")).isEqualTo("web");
        assertThat(servedBy("/", "example.com", "X-Version: 33")).isEqualTo("web");
        assertThat(servedBy("/", "example.com")).isEqualTo("web");
    }
}
