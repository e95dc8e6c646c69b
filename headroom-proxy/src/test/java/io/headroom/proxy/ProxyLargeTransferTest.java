package io.headroom.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 1 GiB each way through the proxy, in a test JVM with a 1 GiB heap (surefire's -Xmx1g): the transfer could not
 * complete if the proxy aggregated bodies; the sampled heap also stays far below the body size.
 */
class ProxyLargeTransferTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final AtomicLong maxHeap = new AtomicLong();
    private Thread sampler;

    @BeforeEach
    void startSampler() {
        sampler = new Thread(() -> {
            Runtime rt = Runtime.getRuntime();
            while (sampling.get()) {
                maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(20); // sampling period, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    @AfterEach
    void stopSampler() throws InterruptedException {
        sampling.set(false);
        sampler.join(1000);
    }

    /** The test backend's byte pattern as a stream of {@code n} bytes. */
    static InputStream pattern(long n) {
        return new InputStream() {
            long i;

            @Override
            public int read() {
                return i < n ? TestBackend.patternByte(i++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= n) {
                    return -1;
                }
                int k = (int) Math.min(len, n - i);
                for (int j = 0; j < k; j++) {
                    b[off + j] = TestBackend.patternByte(i + j);
                }
                i += k;
                return k;
            }
        };
    }

    static long crc(InputStream in, long[] count) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        for (int r; (r = in.read(buf)) > 0; ) {
            crc.update(buf, 0, r);
            count[0] += r;
        }
        return crc.getValue();
    }

    @Test
    void oneGibDownload() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            long[] expectedCount = {0};
            long expected = crc(pattern(GIB), expectedCount);
            HttpResponse<InputStream> r = h.client.send(HttpRequest.newBuilder(h.uri("/stream?n=" + GIB))
                    .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            long[] count = {0};
            long got;
            try (InputStream in = r.body()) {
                got = crc(in, count);
            }
            assertThat(count[0]).isEqualTo(GIB);
            assertThat(got).isEqualTo(expected);
            assertBounded();
        }
    }

    @Test
    void oneGibChunkedUpload() throws Exception {
        try (TestBackend backend = new TestBackend("a"); ProxyHarness h = ProxyHarness.start(ProxyHarness.simple(backend.port()))) {
            long[] expectedCount = {0};
            long expected = crc(pattern(GIB), expectedCount);
            // unknown length: the client sends chunked; the proxy streams the chunks on
            HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(h.uri("/upload"))
                    .timeout(Duration.ofMinutes(3))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> pattern(GIB))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(GIB + " " + expected);
            assertBounded();
        }
    }

    private void assertBounded() {
        System.out.printf("max heap used during the transfer: %d MiB%n", maxHeap.get() / MIB);
        assertThat(maxHeap.get()).as("heap used during the transfer").isLessThan(700 * MIB);
    }
}
