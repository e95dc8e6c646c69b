package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client of the admin API for the CLI (and the demo app, which completes its lifecycle hook with it). Every failure is an {@link AdminException} whose message is what
 * the user should read: "headroom is not running at ..." when nothing answers, or the API's own error message.
 */
public final class AdminClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A failure the CLI prints as one line and exits 1 with. */
    public static final class AdminException extends Exception {
        AdminException(String message) {
            super(message, null, false, false);
        }
    }

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public AdminClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token == null || token.isBlank() ? null : token;
    }

    JsonNode get(String path) throws AdminException {
        return send("GET", path, null);
    }

    JsonNode put(String path, Object body) throws AdminException {
        return send("PUT", path, body);
    }

    public JsonNode post(String path, Object body) throws AdminException {
        return send("POST", path, body);
    }

    JsonNode delete(String path) throws AdminException {
        return send("DELETE", path, null);
    }

    public static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, Object body) throws AdminException {
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new AdminException("--admin: '" + base + "' is not a URL (expected e.g. http://127.0.0.1:9900)");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new AdminException("--admin: '" + base + "' is not an http:// URL (expected e.g. http://127.0.0.1:9900)");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isBlank() ? MAPPER.createObjectNode() : parse(r);
            if (r.statusCode() >= 400) {
                String message = json.path("message").asText("");
                if (r.statusCode() == 401) {
                    message += " (pass --token or set HEADROOM_ADMIN_TOKEN)";
                }
                throw new AdminException(message.isEmpty() ? "HTTP " + r.statusCode() + " from " + uri : message);
            }
            return json;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            String why = e instanceof HttpConnectTimeoutException ? "connection timed out" : "connection refused";
            throw new AdminException("headroom is not running at " + base + " (" + why + "); start it with ./headroom up");
        } catch (HttpTimeoutException e) {
            throw new AdminException("headroom at " + base + " did not answer within 30 s");
        } catch (IOException e) {
            throw new AdminException("headroom at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    private static JsonNode parse(HttpResponse<String> r) throws AdminException {
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AdminException("HTTP " + r.statusCode() + " from " + r.uri() + " is not JSON; is that a Headroom admin address?");
        }
    }
}
