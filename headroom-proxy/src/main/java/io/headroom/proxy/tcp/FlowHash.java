package io.headroom.proxy.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The flow hash of a network load balancer: a hash of a TCP connection's 5-tuple (source address and port,
 * destination address and port, protocol), as NLB picks a target. The same tuple always gives the same hash;
 * tuples that differ in any field (typically the client's ephemeral port) spread evenly.
 */
public final class FlowHash {
    /** IANA protocol number of TCP, the fifth element of the tuple. */
    static final int TCP = 6;

    private FlowHash() {
    }

    /** The hash of a TCP flow from {@code source} (the client) to {@code destination} (the listener). */
    public static int of(InetSocketAddress source, InetSocketAddress destination) {
        long h = TCP;
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
