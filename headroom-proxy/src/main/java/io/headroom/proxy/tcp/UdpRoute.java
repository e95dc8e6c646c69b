package io.headroom.proxy.tcp;

import io.headroom.core.metrics.Counter;
import io.headroom.proxy.target.TargetGroup;

/**
 * What a UDP listener's new flows use, resolved once per config load and swapped as a unit on reload (flows keep
 * the route, and the target, they started with).
 *
 * @param loadBalancer     the load balancer's name (for logs)
 * @param group            the target group of the listener's forward action
 * @param idleTimeoutNanos a flow with no datagram either way for this long ends
 * @param metrics          the load balancer's UDP instruments
 * @param unhealthyRouting UnhealthyRoutingFlowCount of the group: flows routed in routing failover
 */
record UdpRoute(String loadBalancer, TargetGroup group, long idleTimeoutNanos, NlbMetrics.Udp metrics,
                Counter unhealthyRouting) {
}
