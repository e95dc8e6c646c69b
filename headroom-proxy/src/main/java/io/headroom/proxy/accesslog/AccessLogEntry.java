package io.headroom.proxy.accesslog;

import io.headroom.core.target.TargetAddress;

/**
 * One request as the access log records it: raw values captured on the event loop (no formatting there), turned
 * into a line on the log's writer thread. Field names follow ALB's access log entry; a null string, a negative
 * number or a null target means "no value" ({@code -} in the alb format, {@code null} in json).
 *
 * @param type                   {@code http}, {@code https}, {@code ws} or {@code wss}
 * @param timeMicros             when the response was sent to the client (epoch microseconds)
 * @param elb                    the load balancer's name
 * @param clientIp               the client's address
 * @param clientPort             the client's port
 * @param target                 the target that processed the request, null when none was chosen
 * @param requestProcessingNanos from receiving the request to sending it to the target; -1 if never sent
 * @param targetProcessingNanos  from sending the request to the target's response headers; -1 if none came
 * @param responseProcessingNanos from the target's response headers to sending them to the client; -1 if none
 * @param elbStatus              the status sent to the client; -1 if none was sent
 * @param targetStatus           the target's status; -1 if the target did not answer
 * @param receivedBytes          bytes received from the client for this request (head and body)
 * @param sentBytes              bytes sent to the client for this response (head and body)
 * @param method                 the request method, null when the request could not be parsed
 * @param scheme                 {@code http} or {@code https}
 * @param host                   the Host header (may carry a port), null when absent
 * @param port                   the listener's port
 * @param uri                    the request target as sent by the client
 * @param httpVersion            e.g. {@code HTTP/1.1}
 * @param userAgent              the User-Agent header, or null
 * @param referer                the Referer header, or null (combined format)
 * @param sslCipher              the TLS cipher suite on HTTPS listeners, else null
 * @param sslProtocol            the TLS protocol on HTTPS listeners, else null
 * @param targetGroup            the target group's name (ALB logs its ARN), or null
 * @param traceId                the X-Amzn-Trace-Id the request was forwarded with (or came with), or null
 * @param domainName             the SNI host name on HTTPS listeners, else null
 * @param rulePriority           the matched rule's priority, 0 for the default action, -1 when not known
 * @param requestCreationMicros  when the request was received (epoch microseconds)
 * @param actionsExecuted        e.g. {@code forward}, {@code redirect}, {@code fixed-response}; null for none
 * @param redirectUrl            the Location of a redirect, or null
 * @param errorReason            an error reason code, or null
 * @param classification         desync mitigation classification, or null when compliant
 * @param classificationReason   its reason, or null
 * @param connTraceId            the client connection's id
 */
public record AccessLogEntry(
        String type, long timeMicros, String elb, String clientIp, int clientPort, TargetAddress target,
        long requestProcessingNanos, long targetProcessingNanos, long responseProcessingNanos,
        int elbStatus, int targetStatus, long receivedBytes, long sentBytes,
        String method, String scheme, String host, int port, String uri, String httpVersion,
        String userAgent, String referer, String sslCipher, String sslProtocol, String targetGroup,
        String traceId, String domainName, int rulePriority, long requestCreationMicros,
        String actionsExecuted, String redirectUrl, String errorReason, String classification,
        String classificationReason, String connTraceId) {

    /** ALB's request field: {@code METHOD scheme://host:port/uri VERSION}, or {@code - - -} when unparsed. */
    String requestLine() {
        if (method == null) {
            return "- - -";
        }
        return method + " " + absoluteUri() + " " + httpVersion;
    }

    /** The request target as an absolute URI with the listener's scheme and port, as ALB logs it. */
    String absoluteUri() {
        if (!uri.startsWith("/") && uri.contains("://")) {
            return uri; // absolute-form already
        }
        String h = host == null || host.isEmpty() ? "-" : host;
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        return scheme + "://" + h + ":" + port + uri;
    }
}
