package io.headroom.proxy.tcp;

import io.headroom.core.target.AddressHash;
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
        h = AddressHash.mix(h ^ AddressHash.of(source.getAddress()));
        h = AddressHash.mix(h ^ source.getPort());
        h = AddressHash.mix(h ^ AddressHash.of(destination.getAddress()));
        h = AddressHash.mix(h ^ destination.getPort());
        return (int) (h ^ (h >>> 32));
    }
}
