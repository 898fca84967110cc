package dev.weft.proxy.config;

import java.util.List;

/** A ClusterLoadAssignment: the endpoints of a cluster, flattened over localities and priorities. */
public record EndpointsConfig(String clusterName, List<EndpointConfig> endpoints) {

    public EndpointsConfig {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One endpoint.
     *
     * @param weight   {@code load_balancing_weight} (1 when unset)
     * @param health   Envoy's {@code health_status}
     * @param priority the locality's priority (0 is used first)
     */
    public record EndpointConfig(String host, int port, int weight, Health health, int priority, String locality) {

        /** Envoy's HealthStatus; HEALTHY and UNKNOWN receive traffic, DEGRADED only if nothing else. */
        public enum Health {
            UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED;

            public boolean routable() {
                return this == UNKNOWN || this == HEALTHY;
            }
        }

        public String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
