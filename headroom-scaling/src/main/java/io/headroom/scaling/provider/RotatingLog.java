package io.headroom.scaling.provider;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A size-capped log file: when {@code file} would grow past {@code maxBytes} it is renamed to
 * {@code file.1} (replacing the previous one) and a new {@code file} is started. Disk use is thus at most
 * twice the cap. Not thread-safe: one pump thread owns it.
 */
final class RotatingLog implements Closeable {
    private final Path file;
    private final Path old;
    private final long maxBytes;
    private OutputStream out;
    private long size;

    RotatingLog(Path file, long maxBytes) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        this.file = file;
        this.old = file.resolveSibling(file.getFileName() + ".1");
        this.maxBytes = maxBytes;
        Files.createDirectories(file.getParent());
        open();
    }

    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (size >= maxBytes) {
                rotate();
            }
            int n = (int) Math.min(len, maxBytes - size);
            out.write(b, off, n);
            size += n;
            off += n;
            len -= n;
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.move(file, old, StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        size = 0;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
