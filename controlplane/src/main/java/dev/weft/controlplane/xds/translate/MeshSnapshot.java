package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.ConfigSet;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Service;
import java.util.List;
import java.util.Map;

/**
 * Everything translation reads, at one point in time: the config store's snapshot and the
 * registry's services and endpoints. Immutable, so one proxy's LDS/RDS/CDS/EDS are computed from
 * the same state and translation stays a pure function of (snapshot, proxy).
 *
 * @param version increases with every change of config or registry (for caching and debugging)
 * @param endpoints by service hostname; a service with none maps to an empty list or is absent
 */
public record MeshSnapshot(long version, ConfigSet config, List<Service> services, Map<String, List<Endpoint>> endpoints,
    MeshSettings mesh) {
  public MeshSnapshot {
    services = List.copyOf(services);
    endpoints = Map.copyOf(endpoints);
  }

  public List<Endpoint> endpointsOf(String hostname) {
    return endpoints.getOrDefault(hostname, List.of());
  }
}
