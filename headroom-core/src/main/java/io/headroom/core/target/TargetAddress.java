package io.headroom.core.target;

/** Where a target listens: host (an IP literal or name) and port. */
public record TargetAddress(String host, int port) {
    public TargetAddress {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
