package io.headroom.proxy.accesslog;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of a load balancer's log files (its access log, its connection log), written off the event loop:
 *
 * <pre>
 *  event loop ─ log(entry) ─▶ bounded queue ─▶ writer thread: format ─▶ buffered file ─▶ rotate at maxBytes
 *                  └─ queue full: count the entry as dropped (a WARN every 10 s says how many); never blocks
 * </pre>
 *
 * Rotation is by size: when the next line would take the file past {@code maxBytes}, {@code access.log} becomes
 * {@code access.log.1}, {@code .1} becomes {@code .2} and so on; files beyond {@code maxFiles} rotated ones are
 * deleted. The writer flushes whenever the queue runs empty, so a line reaches the file within moments of the
 * event. A write error is logged (once per minute at most) and the entries it concerned are dropped; the load
 * balancer keeps serving.
 *
 * @param <E> the entries: raw values captured on the event loop, turned into a line by the {@link LineFormat} on
 *            the writer thread
 */
public final class LogFile<E> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogFile.class);
    /** Entries waiting for the writer; beyond this they are dropped. */
    public static final int DEFAULT_QUEUE = 16_384;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** How an entry becomes one line (without the line break); called on the writer thread only. */
    @FunctionalInterface
    public interface LineFormat<E> {
        void format(E entry, StringBuilder out);
    }

    private final String loadBalancer;
    /** What the file is, for messages: "access log", "connection log". */
    private final String kind;
    private final Path file;
    private final LineFormat<E> format;
    private final long maxBytes;
    private final int maxFiles;
    private final BlockingQueue<E> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    /** Test hook: while set, the writer waits on it before taking the next entry (a stalled disk). */
    volatile CountDownLatch stall;

    private OutputStream out;
    private long size;
    private long reportedDrops;
    private long lastWarnNanos;
    private long lastErrorNanos;

    private LogFile(String loadBalancer, String kind, Path file, LineFormat<E> format, long maxBytes, int maxFiles,
                    int queueCapacity) throws IOException {
        this.loadBalancer = loadBalancer;
        this.kind = kind;
        this.file = file;
        this.format = format;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        openFile();
        writer = new Thread(this::run, kind.replace(' ', '-') + "-" + loadBalancer);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (appends to) {@code file} and starts its writer thread.
     *
     * @param kind     what the file is, for messages and the thread's name: "access log", "connection log"
     * @param maxBytes size at which the file is rotated (&gt; 0)
     * @param maxFiles rotated files kept besides the current one (&ge; 1)
     * @throws IOException when the file or its directory cannot be created or opened for writing
     */
    public static <E> LogFile<E> open(String loadBalancer, String kind, Path file, LineFormat<E> format,
                                      long maxBytes, int maxFiles, int queueCapacity) throws IOException {
        if (maxBytes <= 0 || maxFiles < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException(kind + " " + file + ": maxBytes " + maxBytes + ", maxFiles "
                    + maxFiles + ", queue " + queueCapacity + " (expected: all > 0)");
        }
        return new LogFile<>(Objects.requireNonNull(loadBalancer), Objects.requireNonNull(kind),
                Objects.requireNonNull(file),
                Objects.requireNonNull(format), maxBytes, maxFiles, queueCapacity);
    }

    public Path file() {
        return file;
    }

    /**
     * Hands one entry to the writer. Never blocks: when the queue is full (or the log is closed) the entry is
     * dropped and counted.
     *
     * @return false when the entry was dropped
     */
    public boolean log(E entry) {
        if (!closed && queue.offer(entry)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** Entries dropped so far (queue full, closed, or a write error). */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    /** Writes what is queued (for up to 2.5 s), closes the file and ends the writer thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.join(2500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        StringBuilder line = new StringBuilder(512);
        try {
            while (true) {
                E e = queue.poll();
                if (e == null) {
                    flush();
                    if (closed) {
                        break;
                    }
                    e = take();
                    if (e == null) {
                        warnDrops(false);
                        continue;
                    }
                }
                awaitStall();
                line.setLength(0);
                format.format(e, line);
                line.append('\n');
                write(line.toString().getBytes(StandardCharsets.UTF_8));
                warnDrops(false);
            }
        } finally {
            warnDrops(true);
            closeFile();
        }
    }

    /** The next entry, or null after a short wait (so that close() is noticed without interrupting file I/O). */
    private E take() {
        try {
            return queue.poll(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            return null;
        }
    }

    private void awaitStall() {
        CountDownLatch s = stall;
        while (s != null && !closed) {
            try {
                if (s.await(200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException ie) {
                return;
            }
            s = stall;
        }
    }

    private void write(byte[] bytes) {
        try {
            if (out == null) {
                openFile();
            }
            if (size > 0 && size + bytes.length > maxBytes) {
                rotate();
            }
            out.write(bytes);
            size += bytes.length;
            written.incrementAndGet();
        } catch (IOException ex) {
            dropped.incrementAndGet();
            closeFile();
            long now = System.nanoTime();
            if (lastErrorNanos == 0 || now - lastErrorNanos > TimeUnit.MINUTES.toNanos(1)) {
                lastErrorNanos = now;
                log.error("load balancer '{}': {} {} cannot be written: {}; lines are dropped until it can",
                        loadBalancer, kind, file, ex.toString());
            }
        }
    }

    private void rotate() throws IOException {
        closeFile();
        Files.deleteIfExists(rotated(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path from = rotated(i);
            if (Files.exists(from)) {
                Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        openFile();
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void openFile() throws IOException {
        // A FileOutputStream, not an interruptible channel: an interrupt must never close the log.
        out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 64 * 1024);
        size = Files.size(file);
    }

    private void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException ex) {
                closeFile();
                log.error("load balancer '{}': {} {} cannot be written: {}", loadBalancer, kind, file, ex.toString());
            }
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing more to do: the next write reopens
            }
            out = null;
        }
    }

    private void warnDrops(boolean force) {
        long d = dropped.get();
        long now = System.nanoTime();
        if (d > reportedDrops && (force || now - lastWarnNanos >= WARN_EVERY_NANOS)) {
            log.warn("load balancer '{}': {} {} lines dropped (the writer of {} could not keep up)",
                    loadBalancer, d - reportedDrops, kind, file);
            reportedDrops = d;
            lastWarnNanos = now;
        }
    }
}
