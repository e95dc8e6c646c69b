package io.headroom.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection log on the shared {@link LogFile} writer: its line format, rotation, and an event loop never waits. */
class ConnectionLogWriterTest {
    @TempDir
    Path dir;

    static ConnectionLogEntry entry(int i) {
        return new ConnectionLogEntry(1_700_000_000_123_456L + i, "127.0.0.1", 40000 + i, 443, "TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 4_036_000_000L, null, ConnectionLogEntry.SUCCESS, "TID_" + i,
                null);
    }

    @Test
    void formatsAlbsFieldsInOrder() {
        StringBuilder sb = new StringBuilder();
        ConnectionLogFormat.ALB.format(entry(0), sb);
        assertThat(sb).hasToString("2023-11-14T22:13:20.123456Z 127.0.0.1 40000 443 TLSv1.2 "
                + "ECDHE-RSA-AES128-GCM-SHA256 4.036 \"-\" - - Success TID_0 -");
        sb.setLength(0);
        ConnectionLogFormat.ALB.format(new ConnectionLogEntry(0, "::1", 1, 8443, null, null, -1, null,
                ConnectionLogEntry.failed(ConnectionLogEntry.UNMAPPED), "TID_a", null), sb);
        assertThat(sb).hasToString("1970-01-01T00:00:00.000000Z ::1 1 8443 - - - \"-\" - - "
                + "Failed:UnmappedConnectionError TID_a -");
    }

    @Test
    void rotatesAtTheSizeLimit() throws Exception {
        Path file = dir.resolve("connection.log");
        StringBuilder sb = new StringBuilder();
        ConnectionLogFormat.ALB.format(entry(100), sb);
        long maxBytes = (sb.length() + 1) * 10L;
        try (LogFile<ConnectionLogEntry> log = LogFile.open("web", "connection log", file, ConnectionLogFormat.ALB,
                maxBytes, 1, 1000)) {
            for (int i = 100; i < 125; i++) {
                assertThat(log.log(entry(i))).isTrue();
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == 25);
        }
        assertThat(Files.readAllLines(file)).hasSize(5).first().asString().contains(" TID_120 ");
        assertThat(Files.readAllLines(dir.resolve("connection.log.1"))).hasSize(10);
        assertThat(dir.resolve("connection.log.2")).as("maxFiles: 1").doesNotExist();
    }

    @Test
    void anEventLoopHandsEntriesOverWithoutWaitingForTheDisk() throws Exception {
        Path file = dir.resolve("connection.log");
        EventLoop loop = new DefaultEventLoop();
        try (LogFile<ConnectionLogEntry> log = LogFile.open("web", "connection log", file, ConnectionLogFormat.ALB,
                1 << 20, 1, 100)) {
            CountDownLatch disk = new CountDownLatch(1);
            log.stall = disk; // the writer waits as on a stuck disk
            boolean handed = loop.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    log.log(entry(i));
                }
            }).await(2, TimeUnit.SECONDS);
            assertThat(handed).as("the event loop was not held up").isTrue();
            assertThat(log.written()).isZero();
            disk.countDown();
            log.stall = null;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() + log.dropped() == 150);
            assertThat(log.dropped()).as("beyond the queue: dropped, not waited for").isPositive();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
