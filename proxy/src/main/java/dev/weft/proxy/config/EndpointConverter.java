package dev.weft.proxy.config;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import java.util.ArrayList;
import java.util.List;

/** EDS ClusterLoadAssignment (or a cluster's load_assignment) to {@link EndpointsConfig}. */
public final class EndpointConverter {

    private EndpointConverter() {
    }

    public static EndpointsConfig convert(ClusterLoadAssignment assignment) throws ConversionException {
        List<EndpointConfig> endpoints = new ArrayList<>();
        for (int l = 0; l < assignment.getEndpointsCount(); l++) {
            var locality = assignment.getEndpoints(l);
            String localityName = String.join("/", locality.getLocality().getRegion(),
                    locality.getLocality().getZone(), locality.getLocality().getSubZone());
            for (int e = 0; e < locality.getLbEndpointsCount(); e++) {
                String field = "endpoints[" + l + "].lb_endpoints[" + e + "]";
                LbEndpoint lbEndpoint = locality.getLbEndpoints(e);
                if (!lbEndpoint.hasEndpoint()) {
                    throw new ConversionException(field + ".endpoint: required (named endpoints are not supported)");
                }
                var address = lbEndpoint.getEndpoint().getAddress();
                if (!address.hasSocketAddress() || address.getSocketAddress().getAddress().isEmpty()) {
                    throw new ConversionException(field + ".endpoint.address.socket_address: required");
                }
                var socket = address.getSocketAddress();
                if (socket.getPortValue() == 0 || socket.getPortValue() > 65535) {
                    throw new ConversionException(field + ".endpoint.address.socket_address.port_value: must be "
                            + "1-65535, not " + socket.getPortValue());
                }
                int weight = lbEndpoint.hasLoadBalancingWeight() ? lbEndpoint.getLoadBalancingWeight().getValue() : 1;
                if (weight < 1) {
                    throw new ConversionException(field + ".load_balancing_weight: must be at least 1");
                }
                EndpointConfig.Health health = switch (lbEndpoint.getHealthStatus()) {
                    case HEALTHY -> EndpointConfig.Health.HEALTHY;
                    case UNHEALTHY -> EndpointConfig.Health.UNHEALTHY;
                    case DRAINING -> EndpointConfig.Health.DRAINING;
                    case TIMEOUT -> EndpointConfig.Health.TIMEOUT;
                    case DEGRADED -> EndpointConfig.Health.DEGRADED;
                    default -> EndpointConfig.Health.UNKNOWN;
                };
                endpoints.add(new EndpointConfig(socket.getAddress(), socket.getPortValue(), weight, health,
                        locality.getPriority(), localityName));
            }
        }
        return new EndpointsConfig(assignment.getClusterName(), endpoints);
    }
}
