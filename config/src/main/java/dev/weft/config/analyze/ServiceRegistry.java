package dev.weft.config.analyze;

import dev.weft.config.kube.Service;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The services analysis resolves hosts against, as Istio's analyzers build it
 * (util.InitServiceEntryHostMap, GetDestinationHost): every ServiceEntry host and every Kubernetes
 * Service ({@code name.ns.svc.<domain>}), keyed by the namespaces it is exported to ("*" = all).
 */
public final class ServiceRegistry {
  /** A service as analysis sees it: its ports and, for a ServiceEntry, its workload selector. */
  public record Entry(Resource<?> source, List<Integer> ports, Map<String, String> workloadSelector) {
    public Entry {
      ports = List.copyOf(ports);
      workloadSelector = Map.copyOf(workloadSelector);
    }
  }

  private final Map<String, Entry> byScopedHost = new HashMap<>();
  private final String domainSuffix;
  private final MeshConfig mesh;

  public ServiceRegistry(ConfigSet config, MeshConfig mesh) {
    this.domainSuffix = mesh.domainSuffix();
    this.mesh = mesh;
    for (Resource<ServiceEntry> r : config.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      ServiceEntry se = r.spec();
      List<Integer> ports = new ArrayList<>();
      se.ports().forEach(p -> ports.add(p.number() == null ? 0 : p.number()));
      Entry e = new Entry(r, ports, se.workloadSelector() == null ? Map.of() : se.workloadSelector().labels());
      for (String scope : Names.scopes(se.exportTo(), r.namespace())) {
        for (String h : se.hosts()) {
          byScopedHost.put(scope + "/" + fqdn(r.namespace(), h), e);
        }
      }
    }
    for (Resource<Service> r : config.all(Kind.SERVICE, Service.class)) {
      List<Integer> ports = new ArrayList<>();
      r.spec().ports().forEach(p -> ports.add(p.port() == null ? 0 : p.port()));
      Entry e = new Entry(r, ports, Map.of());
      String exportTo = r.meta().annotations().get("networking.istio.io/exportTo");
      List<String> exports = exportTo == null ? List.of() : List.of(exportTo.split(","));
      for (String scope : Names.scopes(exports.stream().map(String::strip).toList(), r.namespace())) {
        byScopedHost.put(scope + "/" + r.name() + "." + r.namespace() + ".svc." + domainSuffix, e);
      }
    }
  }

  /** Istio's ConvertHostToFQDN with the mesh's domain. */
  public String fqdn(String namespace, String host) {
    return Names.fqdn(namespace, host, mesh);
  }

  /**
   * The service {@code host} names, seen from {@code sourceNs} by a resource exported to
   * {@code exportTo}; null when there is none (Istio's GetDestinationHost).
   */
  public Entry lookup(String sourceNs, List<String> exportTo, String host) {
    String fqdn = fqdn(sourceNs, host);
    Entry e = byScopedHost.get("*/" + fqdn);
    if (e != null) {
      return e;
    }
    if (exportTo.isEmpty()) {
      e = byScopedHost.get(sourceNs + "/" + fqdn);
      if (e != null) {
        return e;
      }
    } else {
      for (String x : exportTo) {
        e = byScopedHost.get((x.equals(".") ? sourceNs : x) + "/" + fqdn);
        if (e != null) {
          return e;
        }
      }
    }
    String bare = host.startsWith("*") ? host.substring(1) : host;
    for (Map.Entry<String, Entry> kv : byScopedHost.entrySet()) {
      int slash = kv.getKey().indexOf('/');
      String scope = kv.getKey().substring(0, slash);
      String h = kv.getKey().substring(slash + 1);
      if (h.startsWith("*") && (scope.equals("*") || scope.equals(sourceNs)) && bare.endsWith(h.substring(1))) {
        return kv.getValue();
      }
    }
    return null;
  }
}
