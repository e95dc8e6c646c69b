package io.headroom.proxy.tcp;

import io.headroom.core.metrics.Counter;
import io.headroom.proxy.target.TargetGroup;

/**
 * What a TCP listener's new connections use, resolved once per config load and swapped as a unit on reload
 * (connections keep the route they started with).
 *
 * @param loadBalancer      the load balancer's name (for logs)
 * @param group             the target group of the listener's forward action
 * @param idleTimeoutNanos  a connection with no bytes either way for this long is closed
 * @param metrics           the load balancer's instruments
 * @param connectionErrors  TargetConnectionErrorCount of the group
 */
record TcpRoute(String loadBalancer, TargetGroup group, long idleTimeoutNanos, NlbMetrics metrics,
                Counter connectionErrors) {
}
