package io.headroom.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small helpers shared by the end-to-end tests (and the admin API tests). */
public final class Support {
    private Support() {}

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A port free right now on 127.0.0.1 (bound then released; good enough for tests on one machine). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The java binary running this test, to start demo-app instances and Headroom processes with. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The launch template command of a demo-app instance, as YAML flow sequence. */
    public static String demoAppCommand() {
        return "[\"" + java() + "\", \"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-Xmx48m\", \"-Xss512k\", "
                + "\"-cp\", \"${HEADROOM_CLASSPATH}\", \"io.headroom.server.Main\", \"demo-app\", \"--port\", \"${PORT}\"]";
    }
}
