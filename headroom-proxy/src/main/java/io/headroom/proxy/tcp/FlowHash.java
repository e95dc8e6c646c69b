package io.headroom.proxy.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The flow hash of a network load balancer: a hash of a flow's 5-tuple (source address and port, destination
 * address and port, protocol: a TCP connection, or the UDP datagrams of one client address and port to one
 * listener), as NLB picks a target. The same tuple always gives the same hash;
 * tuples that differ in any field (typically the client's ephemeral port) spread evenly.
 */
public final class FlowHash {
    /** IANA protocol number of TCP, the fifth element of the tuple. */
    static final int TCP = 6;
    /** IANA protocol number of UDP. */
    static final int UDP = 17;

    private FlowHash() {
    }

    /** The hash of a TCP flow from {@code source} (the client) to {@code destination} (the listener). */
    public static int of(InetSocketAddress source, InetSocketAddress destination) {
        return of(source, destination, TCP);
    }

    /** The hash of a flow of {@code protocol} ({@link #TCP} or {@link #UDP}) from {@code source} to {@code destination}. */
    static int of(InetSocketAddress source, InetSocketAddress destination, int protocol) {
        long h = protocol;
        h = mix(h ^ address(source.getAddress()));
        h = mix(h ^ source.getPort());
        h = mix(h ^ address(destination.getAddress()));
        h = mix(h ^ destination.getPort());
        return (int) (h ^ (h >>> 32));
    }

    private static long address(InetAddress a) {
        long h = 0;
        for (byte b : a.getAddress()) {
            h = h * 31 + (b & 0xff);
        }
        return h;
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
