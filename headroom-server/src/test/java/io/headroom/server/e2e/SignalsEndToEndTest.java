package io.headroom.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.server.demo.DemoApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code headroom up} as a real process: SIGHUP reload keeps connections, bad files are rejected, SIGTERM drains. */
class SignalsEndToEndTest {
    @TempDir
    Path dir;

    private DemoApp blue;
    private DemoApp green;
    private int port;

    @BeforeEach
    void backends() throws Exception {
        blue = DemoApp.start("127.0.0.1", 0, "blue", 8);
        green = DemoApp.start("127.0.0.1", 0, "green", 8);
        port = Support.freePort();
    }

    @AfterEach
    void stop() {
        blue.close();
        green.close();
    }

    private String config(String defaultGroup) {
        return """
                admin: { listen: "127.0.0.1:0" }
                stateDir: state
                loadBalancers:
                  - name: web
                    listeners:
                      - port: %d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: %s } }
                targetGroups:
                  - name: blue
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2 }
                    targets: [{ host: 127.0.0.1, port: %d }]
                  - name: green
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2 }
                    targets: [{ host: 127.0.0.1, port: %d }]
                """.formatted(port, defaultGroup, blue.port(), green.port());
    }

    /** One request on an open keep-alive connection; returns the body's first line. */
    private static String request(Socket s, BufferedReader in, String path) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = in.readLine();
        int length = -1;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return status + " " + new String(body).trim();
    }

    @Test
    void sighupReloadsKeepsOpenConnectionsAndRejectsABadFile() throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, config("blue"));
        try (HeadroomProcess h = HeadroomProcess.up(dir, file);
             Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            assertThat(request(s, in, "/")).startsWith("HTTP/1.1 200").contains("hello from blue");

            Files.writeString(file, config("green"));
            h.signal("HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> request(s, in, "/").contains("hello from green"));

            // An invalid file: rejected with its path-named error; the same connection keeps being served.
            Files.writeString(file, config("green").replace("intervalSeconds: 5", "intervalSeconds: 0"));
            h.signal("HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> h.output().contains("reload rejected"));
            assertThat(h.output()).contains("targetGroups[0].healthCheck.intervalSeconds: 0");
            assertThat(request(s, in, "/")).contains("hello from green");
            assertThat(h.process.isAlive()).isTrue();
        }
    }

    @Test
    void sigtermLetsTheRequestInFlightFinishAndExitsZero() throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, config("blue"));
        try (HeadroomProcess h = HeadroomProcess.up(dir, file)) {
            await().atMost(Duration.ofSeconds(15)).until(
                    () -> Support.get("http://127.0.0.1:" + port + "/").statusCode() == 200);
            CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return Support.get("http://127.0.0.1:" + port + "/sleep?ms=1500").statusCode();
                } catch (Exception e) {
                    return -1;
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> blue.inFlight() >= 1);
            h.signal("TERM");
            assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(h.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(h.process.exitValue()).isZero();
        }
    }
}
