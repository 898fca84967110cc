package dev.weft.controlplane.xds.translate;

import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Locality;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * EDS: the ClusterLoadAssignment of a cluster from the registry's endpoints of its service. A
 * subset cluster takes only the endpoints carrying the subset's labels. Each endpoint's port is its
 * own number for the service port's name (the service port's number when it has none); endpoints are
 * grouped by locality, with their health and weight.
 */
final class EndpointBuilder {
  private EndpointBuilder() {}

  static ClusterLoadAssignment build(String clusterName, ServicePort port, Map<String, String> subsetLabels,
      List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> byLocality = new TreeMap<>();
    for (Endpoint e : endpoints) {
      if (e.labels().entrySet().containsAll(subsetLabels.entrySet())) {
        byLocality.computeIfAbsent(e.locality().toString(), k -> new ArrayList<>()).add(e);
      }
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    byLocality.forEach((locality, list) -> {
      List<Endpoint> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparing(Endpoint::address).thenComparingInt(e -> portOf(e, port)));
      LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder();
      Locality l = sorted.getFirst().locality();
      if (!locality.isEmpty()) {
        group.setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
            .setRegion(l.region()).setZone(l.zone()).setSubZone(l.subzone()));
      }
      long total = 0;
      for (Endpoint e : sorted) {
        int weight = Math.max(1, e.weight());
        total += weight;
        group.addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                .setAddress(Protos.socket(e.address(), portOf(e, port))))
            .setHealthStatus(health(e))
            .setLoadBalancingWeight(Protos.u32(weight)));
      }
      group.setLoadBalancingWeight(Protos.u32(total));
      cla.addEndpoints(group);
    });
    return cla.build();
  }

  static int portOf(Endpoint e, ServicePort port) {
    Integer p = e.ports().get(port.name());
    return p != null ? p : port.number();
  }

  private static HealthStatus health(Endpoint e) {
    return switch (e.health()) {
      case HEALTHY -> HealthStatus.HEALTHY;
      case UNHEALTHY -> HealthStatus.UNHEALTHY;
      case DRAINING -> HealthStatus.DRAINING;
    };
  }
}
