package io.headroom.core.routing;

import java.net.InetAddress;
import java.util.List;

/**
 * The request as the {@link Router} sees it. The proxy implements it over its HTTP request object; the router only
 * reads, and reads each part at most a few times per request.
 */
public interface RequestView {

    /** The request method as sent, e.g. {@code "GET"}. */
    String method();

    /** The path as sent, without the query (e.g. {@code "/a/../b"}); never null, at least {@code "/"}. */
    String rawPath();

    /** The query as sent, without the {@code "?"}; null when absent. */
    String rawQuery();

    /** The Host header value as sent (may contain {@code ":port"}); null when absent. */
    String host();

    /** The first value of the header, matched case-insensitively by name; null when absent. */
    String header(String name);

    /** All values of the header (empty when absent), matched case-insensitively by name. */
    List<String> headers(String name);

    /** The real peer address of the connection (not X-Forwarded-For). */
    InetAddress sourceAddress();

    /** The listener protocol in lower case: {@code "http"} or {@code "https"}. */
    String protocol();

    /** The port of the listener that accepted the request. */
    int listenerPort();
}
