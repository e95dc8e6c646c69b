package io.headroom.proxy.http;

import io.headroom.core.metrics.Counter;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer's instruments, resolved once per routing snapshot ({LoadBalancer=name}); the data plane
 * only calls {@code increment()} / {@code add()} on them.
 */
public final class LoadBalancerMetrics {
    final Counter requestCount;
    final Counter newConnectionCount;
    final Counter processedBytes;
    final Counter elb4xx;
    final Counter elb5xx;
    final Counter elb502;
    final Counter elb503;
    final Counter elb504;
    final Counter nonCompliant;
    final Counter rejectedConnections;
    /** HTTPS listeners: client connections whose TLS handshake failed (ClientTLSNegotiationErrorCount). */
    final Counter clientTlsErrors;
    /** Open client connections (the ActiveConnectionCount gauge); shared by all snapshots of the load balancer. */
    final AtomicInteger activeConnections;
    private final MetricRegistry registry;
    private final Dimensions dimensions;
    private AuthMetrics auth;

    /**
     * AWS's authenticate-oidc metrics: logins completed (ELBAuthSuccess), refused by the IdP or for a wrong callback
     * (ELBAuthFailure), failed at the IdP or inside (ELBAuthError), user claims too large
     * (ELBAuthUserClaimsSizeExceeded), and the milliseconds the IdP took (ELBAuthLatency).
     */
    static final class AuthMetrics {
        final Counter success;
        final Counter failure;
        final Counter error;
        final Counter claimsSizeExceeded;
        final io.headroom.core.metrics.Distribution latencyMillis;

        private AuthMetrics(MetricRegistry registry, Dimensions d) {
            success = registry.counter(MetricKey.of("ELBAuthSuccess", d));
            failure = registry.counter(MetricKey.of("ELBAuthFailure", d));
            error = registry.counter(MetricKey.of("ELBAuthError", d));
            claimsSizeExceeded = registry.counter(MetricKey.of("ELBAuthUserClaimsSizeExceeded", d));
            latencyMillis = registry.distribution(MetricKey.of("ELBAuthLatency", d));
        }
    }

    /** The authenticate-oidc metrics, registered with the first listener that has the action. */
    synchronized AuthMetrics auth() {
        if (auth == null) {
            auth = new AuthMetrics(registry, dimensions);
        }
        return auth;
    }

    public LoadBalancerMetrics(MetricRegistry registry, String loadBalancer, AtomicInteger activeConnections) {
        Dimensions d = Dimensions.of("LoadBalancer", loadBalancer);
        this.registry = registry;
        this.dimensions = d;
        requestCount = registry.counter(MetricKey.of("RequestCount", d));
        newConnectionCount = registry.counter(MetricKey.of("NewConnectionCount", d));
        processedBytes = registry.counter(MetricKey.of("ProcessedBytes", d));
        elb4xx = registry.counter(MetricKey.of("HTTPCode_ELB_4XX_Count", d));
        elb5xx = registry.counter(MetricKey.of("HTTPCode_ELB_5XX_Count", d));
        elb502 = registry.counter(MetricKey.of("HTTPCode_ELB_502_Count", d));
        elb503 = registry.counter(MetricKey.of("HTTPCode_ELB_503_Count", d));
        elb504 = registry.counter(MetricKey.of("HTTPCode_ELB_504_Count", d));
        nonCompliant = registry.counter(MetricKey.of("DesyncMitigationMode_NonCompliant_Request_Count", d));
        rejectedConnections = registry.counter(MetricKey.of("RejectedConnectionCount", d));
        clientTlsErrors = registry.counter(MetricKey.of("ClientTLSNegotiationErrorCount", d));
        this.activeConnections = activeConnections;
        registry.gauge(MetricKey.of("ActiveConnectionCount", d), activeConnections::get);
    }

    /** Counts a response the load balancer made itself. */
    void elbStatus(int code) {
        if (code >= 500) {
            elb5xx.increment();
            if (code == 502) {
                elb502.increment();
            } else if (code == 503) {
                elb503.increment();
            } else if (code == 504) {
                elb504.increment();
            }
        } else if (code >= 400) {
            elb4xx.increment();
        }
    }
}
