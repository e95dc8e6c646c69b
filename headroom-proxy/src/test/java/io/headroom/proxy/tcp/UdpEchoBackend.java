package io.headroom.proxy.tcp;

import io.headroom.core.target.TargetAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP echo server on 127.0.0.1 for tests: answers each datagram with {@code name:payload}, so a client knows which
 * target it reached, and remembers the source ports it saw (one per flow: the load balancer's upstream sockets).
 * On the same port number it serves TCP too (an {@link EchoBackend}), for health checks on the traffic port and
 * TCP_UDP listeners: each connection is greeted with the name and a newline, then echoed. {@link #stopTcp()} closes
 * the TCP side (health checks fail from then on). A datagram whose answer would be too big for UDP gets none.
 */
final class UdpEchoBackend implements AutoCloseable {
    private final DatagramSocket udp;
    private final EchoBackend tcp;
    private final Thread echo;
    private final Set<Integer> sourcePorts = ConcurrentHashMap.newKeySet();
    private final List<Integer> lengths = new CopyOnWriteArrayList<>();

    UdpEchoBackend(String name) throws IOException {
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int i = 0; i < 20 && t == null; i++) {
            u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            try {
                t = new ServerSocket(u.getLocalPort(), 50, InetAddress.getLoopbackAddress());
            } catch (SocketException taken) {
                u.close(); // that TCP port is in use: another pair
            }
        }
        if (t == null) {
            throw new IOException("no port free for both UDP and TCP");
        }
        udp = u;
        tcp = new EchoBackend(name, t);
        echo = new Thread(() -> echoDatagrams(name), "udp-echo-" + name);
        echo.setDaemon(true);
        echo.start();
    }

    private void echoDatagrams(String name) {
        byte[] buf = new byte[65_536];
        byte[] prefix = (name + ":").getBytes(StandardCharsets.US_ASCII);
        while (!udp.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                udp.receive(in);
                sourcePorts.add(in.getPort());
                lengths.add(in.getLength());
                byte[] out = new byte[prefix.length + in.getLength()];
                if (out.length > UdpListener.MAX_DATAGRAM) {
                    continue;
                }
                System.arraycopy(prefix, 0, out, 0, prefix.length);
                System.arraycopy(buf, 0, out, prefix.length, in.getLength());
                udp.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    int port() {
        return udp.getLocalPort();
    }

    TargetAddress address() {
        return new TargetAddress("127.0.0.1", port());
    }

    /** The source ports datagrams came from: one per flow the load balancer opened to this target. */
    Set<Integer> sourcePorts() {
        return Set.copyOf(sourcePorts);
    }

    /** The payload length of every datagram received, in order. */
    List<Integer> lengths() {
        return List.copyOf(lengths);
    }

    /** Closes the TCP side: TCP health checks on the traffic port fail from now on. */
    void stopTcp() throws IOException {
        tcp.close();
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        try {
            echo.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A client socket on 127.0.0.1 that gives up a receive after 5 s. */
    static DatagramSocket client() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(5000);
        return s;
    }

    /**
     * Sends {@code text} to 127.0.0.1:{@code port} and returns the reply's text; the reply must come from that
     * address and port (the listener's).
     */
    static String ask(DatagramSocket s, int port, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        s.send(new DatagramPacket(bytes, bytes.length, to));
        byte[] buf = new byte[65_536];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        s.receive(in);
        if (!to.equals(in.getSocketAddress())) {
            throw new IOException("reply from " + in.getSocketAddress() + ", not from the listener " + to);
        }
        return new String(buf, 0, in.getLength(), StandardCharsets.US_ASCII);
    }

    /** Which target answered {@code ask}: the name before the colon. */
    static String target(String reply) {
        return reply.substring(0, reply.indexOf(':'));
    }
}
