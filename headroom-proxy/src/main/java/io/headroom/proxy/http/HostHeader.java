package io.headroom.proxy.http;

/**
 * The Host header a target gets when the load balancer does not preserve it (AWS's
 * {@code routing.http.preserve_host_header.enabled} false, the default): on the default ports, 80 and 443, any port
 * the client put in it is removed; on any other listener port, the listener's port is appended unless the client
 * gave one. Values that are not a host with an optional port ({@code host}, {@code host:port}, {@code [v6]},
 * {@code [v6]:port}) are left as they are.
 */
final class HostHeader {
    private HostHeader() {
    }

    /**
     * @param host         the request's Host value, or null
     * @param listenerPort the port the request came in on
     * @param portString   {@code listenerPort} as text
     * @return the value to send, {@code host} itself (the same instance) when nothing changes
     */
    static String forTarget(String host, int listenerPort, String portString) {
        if (host == null || host.isEmpty()) {
            return host;
        }
        int colon;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 0) {
                return host;
            }
            if (close == host.length() - 1) {
                colon = -1;
            } else if (host.charAt(close + 1) == ':') {
                colon = close + 1;
            } else {
                return host;
            }
        } else {
            colon = host.indexOf(':');
            if (colon >= 0 && host.indexOf(':', colon + 1) >= 0) {
                return host; // an IPv6 address without brackets: not a valid Host, leave it
            }
        }
        if (listenerPort == 80 || listenerPort == 443) {
            return colon < 0 ? host : host.substring(0, colon);
        }
        return colon >= 0 ? host : host + ':' + portString;
    }
}
