package io.headroom.proxy.tcp;

import io.headroom.core.metrics.Counter;
import io.headroom.proxy.target.TargetGroup;
import io.headroom.proxy.tls.ServerTls;

/**
 * What a TCP listener's new connections use, resolved once per config load and swapped as a unit on reload
 * (connections keep the route they started with).
 *
 * @param loadBalancer      the load balancer's name (for logs)
 * @param group             the target group of the listener's forward action
 * @param idleTimeoutNanos  a connection with no bytes either way for this long is closed
 * @param metrics           the load balancer's instruments
 * @param connectionErrors  TargetConnectionErrorCount of the group
 * @param unhealthyRouting  UnhealthyRoutingFlowCount of the group: connections routed in routing failover
 * @param tls               a TLS listener's certificates and policy (TLS is terminated, plain TCP goes to the
 *                          target); null for a TCP listener
 */
record TcpRoute(String loadBalancer, TargetGroup group, long idleTimeoutNanos, NlbMetrics metrics,
                Counter connectionErrors, Counter unhealthyRouting, ServerTls tls) {
}
