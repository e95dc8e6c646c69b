import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens N keep-alive connections to a proxy on loopback, sends one small GET on each, reads every answer, then
 * holds all connections open and idle so that {@code bench/run.sh} can read the proxy's resident memory.
 *
 * <pre>
 *   java bench/HoldConnections.java HOST PORT PATH N HOLD_SECONDS
 * </pre>
 *
 * Prints {@code READY opened=N ok=K failed=F} once every answer is in (a 200 counts as ok; a refused connection,
 * a timeout or another status as failed), holds the connections for HOLD_SECONDS (the caller usually kills it
 * sooner), then prints {@code DONE still-open=K closed-by-peer=C} and exits. Exit status 0 when nothing failed.
 * Runs with the JDK's single-file source launcher: no build step, no dependencies.
 */
public final class HoldConnections {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: java HoldConnections.java HOST PORT PATH N HOLD_SECONDS");
            System.exit(2);
        }
        InetAddress host = InetAddress.getByName(args[0]);
        if (!host.isLoopbackAddress()) {
            // A benchmark aims at this machine only.
            System.err.println("HoldConnections: " + args[0] + " is not a loopback address (expected 127.0.0.0/8 or ::1)");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int n = Integer.parseInt(args[3]);
        int holdSeconds = Integer.parseInt(args[4]);
        if (n < 1 || n > 100_000 || holdSeconds < 0 || holdSeconds > 3600) {
            System.err.println("HoldConnections: N " + n + " (expected 1..100000), HOLD_SECONDS " + holdSeconds
                    + " (expected 0..3600)");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: bench\r\nUser-Agent: headroom-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        // Connect and send on all first, then read: the answers wait in socket buffers meanwhile, which keeps
        // 10,000 connections to a few seconds.
        List<Socket> sockets = new ArrayList<>(n);
        int failed = 0;
        String firstError = null;
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            try {
                s.connect(address, 5_000);
                s.setSoTimeout(15_000);
                s.getOutputStream().write(request);
                sockets.add(s);
            } catch (IOException e) {
                failed++;
                firstError = firstError != null ? firstError : "connection " + i + ": " + e;
                s.close();
            }
        }
        int ok = 0;
        byte[] buf = new byte[16 * 1024];
        for (int i = 0; i < sockets.size(); i++) {
            String error = readResponse(sockets.get(i), buf);
            if (error == null) {
                ok++;
            } else {
                failed++;
                firstError = firstError != null ? firstError : "connection " + i + ": " + error;
            }
        }
        System.out.println("READY opened=" + sockets.size() + " ok=" + ok + " failed=" + failed);
        if (firstError != null) {
            System.out.println("first error: " + firstError);
        }
        System.out.flush();

        long end = System.nanoTime() + holdSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        int open = 0;
        int closed = 0;
        for (Socket s : sockets) {
            try {
                s.setSoTimeout(1);
                if (s.getInputStream().read() < 0) {
                    closed++;
                } else {
                    open++; // unexpected bytes, but the connection is open
                }
            } catch (SocketTimeoutException e) {
                open++;
            } catch (IOException e) {
                closed++;
            }
            s.close();
        }
        System.out.println("DONE still-open=" + open + " closed-by-peer=" + closed);
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked); null when it is a 200, else what went wrong. */
    private static String readResponse(Socket s, byte[] buf) {
        try {
            InputStream in = s.getInputStream();
            int len = 0;
            int headerEnd = -1;
            while (headerEnd < 0) {
                if (len == buf.length) {
                    return "response header larger than " + buf.length + " bytes";
                }
                int r = in.read(buf, len, buf.length - len);
                if (r < 0) {
                    return "connection closed before a response";
                }
                len += r;
                headerEnd = indexOf(buf, len, "\r\n\r\n");
            }
            String head = new String(buf, 0, headerEnd, StandardCharsets.ISO_8859_1);
            String statusLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
            String[] parts = statusLine.split(" ");
            if (parts.length < 2 || !parts[1].equals("200")) {
                return "status line '" + statusLine + "'";
            }
            String lower = head.toLowerCase(Locale.ROOT);
            int body = headerEnd + 4;
            int cl = lower.indexOf("\r\ncontent-length:");
            if (cl >= 0) {
                int eol = lower.indexOf("\r\n", cl + 2);
                long want = Long.parseLong(lower.substring(cl + 17, eol < 0 ? lower.length() : eol).trim());
                long have = len - body;
                while (have < want) {
                    int r = in.read(buf, 0, buf.length);
                    if (r < 0) {
                        return "connection closed in the body";
                    }
                    have += r;
                }
                return null;
            }
            if (lower.contains("\r\ntransfer-encoding: chunked")) {
                // The small answers used here arrive whole; scan for the last chunk.
                byte[] rest = new byte[64 * 1024];
                int rl = len - body;
                System.arraycopy(buf, body, rest, 0, rl);
                while (indexOf(rest, rl, "0\r\n\r\n") < 0) {
                    int r = in.read(rest, rl, rest.length - rl);
                    if (r < 0) {
                        return "connection closed in a chunked body";
                    }
                    rl += r;
                }
                return null;
            }
            return "response without Content-Length or chunked body";
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static int indexOf(byte[] b, int len, String needle) {
        outer:
        for (int i = 0; i + needle.length() <= len; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (b[i + j] != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
