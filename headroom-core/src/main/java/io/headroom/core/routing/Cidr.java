package io.headroom.core.routing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A parsed CIDR block, IPv4 or IPv6. An IPv4-mapped IPv6 peer ({@code ::ffff:a.b.c.d}) counts as IPv4. */
final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code "10.0.0.0/8"}, {@code "2001:db8::/32"} or a single address (a /32 or /128 block). Host bits set
     * below the prefix are ignored. Never resolves names.
     *
     * @throws IllegalArgumentException naming the value when it is not a CIDR block
     */
    static Cidr parse(String text) {
        String s = text == null ? "" : text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? parseIpv6(addr, text) : parseIpv4(addr, text);
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(text);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + text + "': prefix length " + prefix + " (expected: 0.." + max + ")");
            }
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes) && prefix >= 96) {
            // "::ffff:10.0.0.0/104" is an IPv4 block; peers arrive as IPv4 either way.
            bytes = Arrays.copyOfRange(bytes, 12, 16);
            prefix -= 96;
        }
        mask(bytes, prefix);
        return new Cidr(bytes, prefix, text);
    }

    /** True when {@code address} (4 or 16 bytes, as from {@link #bytesOf}) is inside this block. */
    boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (address[full] & m) == (network[full] & 0xff);
    }

    /** The peer address as 4 bytes (IPv4, including IPv4-mapped IPv6) or 16 bytes (IPv6); null for null. */
    static byte[] bytesOf(InetAddress address) {
        if (address == null) {
            return null;
        }
        byte[] b = address.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        return b;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static void mask(byte[] bytes, int prefix) {
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
    }

    private static byte[] parseIpv4(String addr, String text) {
        String[] parts = addr.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(text);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(text);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw invalid(text);
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parseIpv6(String addr, String text) {
        // Only hex digits, ':' and '.' (embedded IPv4): no zone ids, and nothing a resolver could look up.
        if (addr.isEmpty() || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw invalid(text);
        }
        try {
            InetAddress a = InetAddress.getByName(addr); // a literal containing ':' is parsed, never resolved
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                // The JDK turns "::ffff:a.b.c.d" into an IPv4 address; keep the 16-byte form for the prefix.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "'" + text + "' (expected: a CIDR block such as 10.0.0.0/8 or 2001:db8::/32)");
    }

    @Override
    public String toString() {
        return text;
    }
}
