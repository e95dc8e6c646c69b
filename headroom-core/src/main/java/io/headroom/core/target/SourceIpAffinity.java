package io.headroom.core.target;

import java.net.InetAddress;

/**
 * NLB's {@code source_ip} stickiness as a pure function: rendezvous (highest random weight) hashing of the client's
 * IP address over the candidate targets. A client always gets the same target while that target stays a candidate
 * (healthy, or in routing failover available), whatever its source port; when its target drops out, only its clients
 * move, each to its next-best target, and a target joining takes over about 1/n of the clients (AWS: stickiness "might
 * reset" when targets' health or registration change).
 */
public final class SourceIpAffinity {
    private SourceIpAffinity() {
    }

    /** A target's fixed key, computed once per target. */
    public static long targetKey(TargetAddress address) {
        return AddressHash.mix(address.host().hashCode() * 31L + address.port());
    }

    /** The key of a client's IP address (its port plays no part). */
    public static long clientKey(InetAddress client) {
        return AddressHash.mix(AddressHash.of(client));
    }

    /** The index of the candidate the client sticks to: the highest score; -1 when there is none. */
    public static int pick(long clientKey, long[] targetKeys) {
        int best = -1;
        long bestScore = 0;
        for (int i = 0; i < targetKeys.length; i++) {
            long score = AddressHash.mix(clientKey ^ targetKeys[i]);
            if (best < 0 || Long.compareUnsigned(score, bestScore) > 0) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
