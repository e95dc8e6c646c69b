package io.headroom.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.target.TargetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogWriterTest {
    @TempDir
    Path dir;

    static AccessLogEntry entry(int i) {
        return new AccessLogEntry("http", 1_700_000_000_000_000L + i, "web", "127.0.0.1", 40000 + i,
                new TargetAddress("127.0.0.1", 9001), 1_000_000, 2_000_000, 0, 200, 200, 100, 200,
                "GET", "http", "example.com", 8080, "/item/" + i, "HTTP/1.1", "agent", null, null, null, "web",
                "id" + i, null, 0, 1_700_000_000_000_000L, "forward", null, null, null, null, "TID_1");
    }

    @Test
    void rotatesAtTheSizeLimitAndKeepsMaxFiles() throws Exception {
        Path file = dir.resolve("access.log");
        int lineLength;
        StringBuilder sb = new StringBuilder();
        AccessLogFormat.COMBINED.format(entry(100), sb);
        lineLength = sb.length() + 1;
        long maxBytes = lineLength * 10L; // ten lines per file
        try (LogFile<AccessLogEntry> log = LogFile.open("web", "access log", file,
                AccessLogFormat.COMBINED, maxBytes, 2, 1000)) {
            for (int i = 100; i < 145; i++) {
                assertThat(log.log(entry(i))).isTrue();
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == 45);
        }
        assertThat(Files.exists(dir.resolve("access.log.1"))).isTrue();
        assertThat(Files.exists(dir.resolve("access.log.2"))).isTrue();
        assertThat(Files.exists(dir.resolve("access.log.3"))).as("only maxFiles rotated files are kept").isFalse();
        for (String name : List.of("access.log", "access.log.1", "access.log.2")) {
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThanOrEqualTo(maxBytes);
        }
        List<String> current = Files.readAllLines(file);
        assertThat(current).hasSize(5);
        assertThat(current.get(4)).contains("/item/144 ");
        assertThat(Files.readAllLines(dir.resolve("access.log.1"))).hasSize(10).first().asString()
                .contains("/item/130 ");
        assertThat(Files.readAllLines(dir.resolve("access.log.2"))).hasSize(10).first().asString()
                .contains("/item/120 ");
    }

    @Test
    void aFullQueueDropsInsteadOfBlocking() throws Exception {
        Path file = dir.resolve("stalled.log");
        try (LogFile<AccessLogEntry> log = LogFile.open("web", "access log", file,
                AccessLogFormat.ALB, 1 << 20, 2, 50)) {
            CountDownLatch stalled = new CountDownLatch(1);
            log.stall = stalled;
            long start = System.nanoTime();
            int accepted = 0;
            for (int i = 0; i < 1000; i++) {
                if (log.log(entry(i))) {
                    accepted++;
                }
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).as("logging never waits for the stalled writer").isLessThan(1000);
            // The writer holds at most one entry while stalled; the queue holds 50.
            assertThat(accepted).isBetween(50, 51);
            assertThat(log.dropped()).isEqualTo(1000 - accepted);

            log.stall = null;
            stalled.countDown();
            int a = accepted;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == a);
            assertThat(log.log(entry(5000))).as("accepts again once the writer caught up").isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == a + 1);
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        assertThat(lines.get(lines.size() - 1)).contains("/item/5000 ");
    }

    @Test
    void closeWritesWhatIsQueued() throws Exception {
        Path file = dir.resolve("sub/dir/closing.log");
        LogFile<AccessLogEntry> log = LogFile.open("web", "access log", file,
                AccessLogFormat.JSON, 1 << 20, 1, 1000);
        for (int i = 0; i < 200; i++) {
            log.log(entry(i));
        }
        log.close();
        assertThat(Files.readAllLines(file)).hasSize(200);
        assertThat(log.log(entry(1))).as("closed: dropped").isFalse();
    }
}
