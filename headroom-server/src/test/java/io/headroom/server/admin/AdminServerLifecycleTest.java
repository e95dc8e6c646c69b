package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin server without a token on loopback, readiness while draining, and a port already taken. */
class AdminServerLifecycleTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HeadroomServer start(String listen) throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin: { listen: "%s" }
                stateDir: %s
                targetGroups:
                  - name: web
                """.formatted(listen, dir.resolve("state")));
        return HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onLoopbackWithoutATokenNoAuthorizationIsNeeded() throws Exception {
        HeadroomServer s = start("127.0.0.1:0");
        try {
            int port = s.admin().port();
            assertThat(port).isPositive();
            HttpResponse<String> r = get(port, "/api/v1/target-groups/web");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode tg = AdminFixture.JSON.readTree(r.body());
            assertThat(tg.path("name").asText()).isEqualTo("web");
            assertThat(tg.path("totalCount").asInt()).isZero();
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        } finally {
            s.shutdown(Duration.ZERO);
        }
    }

    @Test
    void readyzSays503OnceDrainingAndTheServerStopsListening() throws Exception {
        HeadroomServer s = start("127.0.0.1:0");
        int port = s.admin().port();
        try {
            assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
            s.admin().draining(); // what shutdown() does first
            HttpResponse<String> r = get(port, "/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("\"draining\"");
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        } finally {
            s.shutdown(Duration.ZERO);
        }
        assertThatThrownBy(() -> get(port, "/healthz")).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aReloadTakesANewTokenAtOnce() throws Exception {
        HeadroomServer s = start("127.0.0.1:0\", token: \"first-token");
        try {
            int port = s.admin().port();
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(401);
            assertThat(send(port, "GET", "/healthz", "first-token").statusCode()).isEqualTo(200);
            Path file = dir.resolve("headroom.yaml");
            Files.writeString(file, Files.readString(file).replace("first-token", "second-token"));
            assertThat(send(port, "POST", "/api/v1/reload", "first-token").statusCode()).isEqualTo(200);
            assertThat(send(port, "GET", "/healthz", "first-token").statusCode()).isEqualTo(401);
            assertThat(send(port, "GET", "/healthz", "second-token").statusCode()).isEqualTo(200);
        } finally {
            s.shutdown(Duration.ZERO);
        }
    }

    private static HttpResponse<String> send(int port, String method, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminPortInUseFailsTheStartNamingAdminListen() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> start("127.0.0.1:" + taken.getLocalPort()))
                    .hasMessageContaining("admin.listen 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
