package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access log lines written by a real proxy for real requests, parsed back field by field in each format. */
class AccessLogFormatsTest {
    static final List<String> ALB_FIELDS = List.of("type", "time", "elb", "client:port", "target:port",
            "request_processing_time", "target_processing_time", "response_processing_time", "elb_status_code",
            "target_status_code", "received_bytes", "sent_bytes", "request", "user_agent", "ssl_cipher",
            "ssl_protocol", "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn", "matched_rule_priority",
            "request_creation_time", "actions_executed", "redirect_url", "error_reason", "target:port_list",
            "target_status_code_list", "classification", "classification_reason", "conn_trace_id");
    static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @TempDir
    Path stateDir;

    private String config(String format, int backendPort) {
        return """
                stateDir: %s
                loadBalancers:
                  - name: web
                    accessLog: { enabled: true, format: %s, path: logs/access.log }
                    listeners:
                      - port: ${PORT}
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                        rules:
                          - priority: 5
                            conditions: { pathPattern: ["/fixed"] }
                            action: { fixedResponse: { statusCode: 403, contentType: text/plain, messageBody: "no" } }
                          - priority: 6
                            conditions: { pathPattern: ["/old"] }
                            action: { redirect: { path: "/new", statusCode: HTTP_301 } }
                          - priority: 7
                            conditions: { pathPattern: ["/api/*"] }
                            action: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    protocol: HTTP
                    healthCheck: { path: /health }
                    targets: [{ host: 127.0.0.1, port: %d }]
                """.formatted(stateDir.toString().replace("\\", "/"), format, backendPort);
    }

    /** The four requests every format test sends; returns the raw exchange of the first. */
    private static String[] traffic(ProxyHarness h) throws Exception {
        String request = "GET /hello?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test \"quoted\" agent\r\n"
                + "Referer: http://from.example/\r\nX-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793\r\nConnection: close\r\n\r\n";
        String response = h.raw(request);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(h.get("/api/items").statusCode()).isEqualTo(200);
        assertThat(h.get("/fixed").statusCode()).isEqualTo(403);
        HttpResponse<String> redirect = h.client.send(HttpRequest.newBuilder(h.uri("/old")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(301);
        return new String[] {request, response};
    }

    private List<String> lines(int n) throws Exception {
        Path file = stateDir.resolve("logs/access.log");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(file) && Files.readAllLines(file).size() >= n);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(n);
        return lines;
    }

    /** Splits an alb line on spaces, keeping quoted fields whole (and unescaping \" and \\ in them). */
    static List<String> splitAlb(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            StringBuilder f = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\') {
                        i++;
                    }
                    f.append(line.charAt(i++));
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    f.append(line.charAt(i++));
                }
            }
            out.add(f.toString());
            assertThat(i == line.length() || line.charAt(i) == ' ').as("fields separated by one space").isTrue();
            i++;
        }
        return out;
    }

    @Test
    void aRewrittenRequestIsLoggedAsTheClientSentItAndAFailedTransformHasItsReason() throws Exception {
        String rules = """
                          - priority: 7
                            conditions: { pathPattern: ["/api/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/api/(.*)$", replace: "/$1" }] }
                              - type: host-header-rewrite
                                hostHeaderRewriteConfig: { rewrites: [{ regex: "^.*$", replace: "internal" }] }
                          - priority: 8
                            conditions: { pathPattern: ["/bad/*"] }
                            action: { forward: { targetGroup: web } }
                            transforms:
                              - type: url-rewrite
                                urlRewriteConfig: { rewrites: [{ regex: "^/bad/", replace: "bad" }] }
                """;
        try (TestBackend backend = new TestBackend("a");
             ProxyHarness h = ProxyHarness.start(config("alb", backend.port()).replace("""
                          - priority: 7
                            conditions: { pathPattern: ["/api/*"] }
                            action: { forward: { targetGroup: web } }
                """, rules))) {
            assertThat(h.raw("GET /api/items?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(h.raw("GET /bad/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 500");
            List<String> lines = lines(2);
            assertThat(backend.requests()).singleElement().satisfies(r -> {
                assertThat(r.target()).isEqualTo("/items?x=1");
                assertThat(r.header("host")).isEqualTo("internal");
            });
            List<String> ok = splitAlb(lines.get(0));
            assertThat(ok.get(12)).isEqualTo("GET http://example.com:" + h.port + "/api/items?x=1 HTTP/1.1");
            assertThat(ok.get(20)).isEqualTo("7");
            assertThat(ok.get(ALB_FIELDS.indexOf("error_reason"))).isEqualTo("-");
            List<String> failed = splitAlb(lines.get(1));
            assertThat(failed.get(8)).isEqualTo("500");
            assertThat(failed.get(12)).isEqualTo("GET http://example.com:" + h.port + "/bad/x HTTP/1.1");
            assertThat(failed.get(ALB_FIELDS.indexOf("error_reason"))).isEqualTo("TransformFailed");
        }
    }

    @Test
    void albFormatHasAlbsFieldsInAlbsOrder() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(config("alb", backend.port()))) {
            String[] exchange = traffic(h);
            List<String> lines = lines(4);

            List<String> f = splitAlb(lines.get(0));
            assertThat(f).hasSize(ALB_FIELDS.size());
            assertThat(f.get(0)).isEqualTo("http");
            assertThat(f.get(1)).matches(ISO);
            assertThat(f.get(2)).isEqualTo("web");
            assertThat(f.get(3)).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(f.get(4)).isEqualTo("127.0.0.1:" + backend.port());
            for (int t = 5; t <= 7; t++) {
                assertThat(Double.parseDouble(f.get(t))).as(ALB_FIELDS.get(t)).isBetween(0.0, 10.0);
                assertThat(f.get(t)).matches("\\d+\\.\\d{3}");
            }
            assertThat(f.get(8)).isEqualTo("200");
            assertThat(f.get(9)).isEqualTo("200");
            assertThat(Long.parseLong(f.get(10))).as("received_bytes").isEqualTo(exchange[0].length());
            assertThat(Long.parseLong(f.get(11))).as("sent_bytes").isEqualTo(exchange[1].length());
            assertThat(f.get(12)).isEqualTo("GET http://example.com:" + h.port + "/hello?x=1 HTTP/1.1");
            assertThat(f.get(13)).isEqualTo("test \"quoted\" agent");
            assertThat(f.subList(14, 16)).containsOnly("-");
            assertThat(f.get(16)).isEqualTo("web");
            assertThat(f.get(17)).as("the client's Root, with the load balancer's Self (ALB's request tracing)")
                    .matches("Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793");
            assertThat(f.subList(18, 20)).containsOnly("-");
            assertThat(f.get(20)).as("default action").isEqualTo("0");
            assertThat(f.get(21)).matches(ISO).isLessThanOrEqualTo(f.get(1));
            assertThat(f.get(22)).isEqualTo("forward");
            assertThat(f.subList(23, 25)).containsOnly("-");
            assertThat(f.get(25)).isEqualTo("127.0.0.1:" + backend.port());
            assertThat(f.get(26)).isEqualTo("200");
            assertThat(f.subList(27, 29)).containsOnly("-");
            assertThat(f.get(29)).matches("TID_[0-9a-f]+");
            assertThat(lines.get(0)).contains(" \"test \\\"quoted\\\" agent\" ");

            List<String> api = splitAlb(lines.get(1));
            assertThat(api.get(12)).isEqualTo("GET http://127.0.0.1:" + h.port + "/api/items HTTP/1.1");
            assertThat(api.get(17)).as("the trace id Headroom added").matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24}");
            assertThat(api.get(20)).isEqualTo("7");

            List<String> fixed = splitAlb(lines.get(2));
            assertThat(fixed.get(4)).isEqualTo("-");
            assertThat(fixed.subList(5, 8)).containsOnly("-1");
            assertThat(fixed.get(8)).isEqualTo("403");
            assertThat(fixed.get(9)).isEqualTo("-");
            assertThat(fixed.get(16)).isEqualTo("-");
            assertThat(fixed.get(22)).isEqualTo("fixed-response");
            assertThat(fixed.get(25)).isEqualTo("-");

            List<String> redirect = splitAlb(lines.get(3));
            assertThat(redirect.get(8)).isEqualTo("301");
            assertThat(redirect.get(22)).isEqualTo("redirect");
            assertThat(redirect.get(23)).isEqualTo("http://127.0.0.1:" + h.port + "/new");
            assertThat(redirect.get(29)).as("same client connection as /api and /fixed").isEqualTo(api.get(29));
        }
    }

    @Test
    void jsonFormatIsOneObjectPerLineWithAlbsFieldNames() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(config("json", backend.port()))) {
            String[] exchange = traffic(h);
            List<String> lines = lines(4);
            ObjectMapper json = new ObjectMapper();
            JsonNode first = json.readTree(lines.get(0));
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            assertThat(names).containsExactlyElementsOf(ALB_FIELDS);
            assertThat(first.get("type").asText()).isEqualTo("http");
            assertThat(first.get("time").asText()).matches(ISO);
            assertThat(first.get("target:port").asText()).isEqualTo("127.0.0.1:" + backend.port());
            assertThat(first.get("target_processing_time").isNumber()).isTrue();
            assertThat(first.get("elb_status_code").asInt()).isEqualTo(200);
            assertThat(first.get("received_bytes").asLong()).isEqualTo(exchange[0].length());
            assertThat(first.get("sent_bytes").asLong()).isEqualTo(exchange[1].length());
            assertThat(first.get("request").asText()).isEqualTo("GET http://example.com:" + h.port + "/hello?x=1 HTTP/1.1");
            assertThat(first.get("user_agent").asText()).isEqualTo("test \"quoted\" agent");
            assertThat(first.get("ssl_cipher").isNull()).isTrue();
            assertThat(first.get("target_group_arn").asText()).isEqualTo("web");
            assertThat(first.get("matched_rule_priority").asInt()).isZero();
            assertThat(first.get("actions_executed").asText()).isEqualTo("forward");

            JsonNode fixed = json.readTree(lines.get(2));
            assertThat(fixed.get("target:port").isNull()).isTrue();
            assertThat(fixed.get("target_status_code").isNull()).isTrue();
            assertThat(fixed.get("request_processing_time").asInt()).isEqualTo(-1);
            assertThat(fixed.get("elb_status_code").asInt()).isEqualTo(403);
            JsonNode redirect = json.readTree(lines.get(3));
            assertThat(redirect.get("redirect_url").asText()).isEqualTo("http://127.0.0.1:" + h.port + "/new");
        }
    }

    @Test
    void combinedFormatIsApacheCombined() throws Exception {
        Pattern combined = Pattern.compile(
                "^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] \"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3}) (\\d+|-) "
                        + "\"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"$");
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(config("combined", backend.port()))) {
            String[] exchange = traffic(h);
            List<String> lines = lines(4);
            Matcher m = combined.matcher(lines.get(0));
            assertThat(m.matches()).as(lines.get(0)).isTrue();
            assertThat(m.group(1)).isEqualTo("127.0.0.1");
            assertThat(m.group(2)).isEqualTo("-");
            assertThat(m.group(3)).isEqualTo("-");
            assertThat(m.group(4)).matches("\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
            assertThat(m.group(5)).isEqualTo("GET /hello?x=1 HTTP/1.1");
            assertThat(m.group(6)).isEqualTo("200");
            assertThat(Long.parseLong(m.group(7))).isEqualTo(exchange[1].length());
            assertThat(m.group(8)).isEqualTo("http://from.example/");
            assertThat(m.group(9)).isEqualTo("test \\\"quoted\\\" agent");
            Matcher fixed = combined.matcher(lines.get(2));
            assertThat(fixed.matches()).isTrue();
            assertThat(fixed.group(5)).isEqualTo("GET /fixed HTTP/1.1");
            assertThat(fixed.group(6)).isEqualTo("403");
            assertThat(fixed.group(8)).isEqualTo("-");
        }
    }
}
