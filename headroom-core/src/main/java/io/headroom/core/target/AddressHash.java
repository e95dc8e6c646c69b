package io.headroom.core.target;

import java.net.InetAddress;

/** The hashing that a network load balancer's target choice is built from (flow hash, source IP stickiness). */
public final class AddressHash {
    private AddressHash() {
    }

    /** A hash of an IP address's bytes (not yet mixed). */
    public static long of(InetAddress a) {
        long h = 0;
        for (byte b : a.getAddress()) {
            h = h * 31 + (b & 0xff);
        }
        return h;
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
