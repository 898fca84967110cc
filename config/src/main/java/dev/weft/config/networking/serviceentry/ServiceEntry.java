package dev.weft.config.networking.serviceentry;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.workloadentry.WorkloadEntry;
import java.util.List;

/**
 * networking.istio.io ServiceEntry: adds a service to the mesh's registry: an external API, or
 * workloads Kubernetes does not know about (VMs), with its hosts, ports and how its endpoints are
 * found.
 *
 * @param location MESH_EXTERNAL when not written
 * @param resolution NONE when not written
 * @param workloadSelector null when absent; selects WorkloadEntries and pods as endpoints instead of {@code endpoints}
 * @param allocatedAddresses {@code status.addresses[].value}: the addresses Istio allocated to the hosts
 *     (written by the control plane, not the user; empty when none)
 */
public record ServiceEntry(
    List<String> hosts,
    List<String> addresses,
    List<Port> ports,
    Location location,
    Resolution resolution,
    List<WorkloadEntry> endpoints,
    WorkloadSelector workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames,
    List<String> allocatedAddresses) {

  public ServiceEntry {
    hosts = List.copyOf(hosts);
    addresses = List.copyOf(addresses);
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
    exportTo = List.copyOf(exportTo);
    subjectAltNames = List.copyOf(subjectAltNames);
    allocatedAddresses = List.copyOf(allocatedAddresses);
  }

  /**
   * A port of the service (ServicePort).
   *
   * @param protocol as written, null for sniffing (see {@code Protocol.parse})
   * @param targetPort the endpoints' port when it differs, null when absent
   */
  public record Port(Integer number, String protocol, String name, Integer targetPort) {}

  /** Whether the service is part of the mesh (mTLS, sidecars) or outside it. */
  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  /** How the proxy finds the service's endpoints. */
  public enum Resolution {
    NONE,
    STATIC,
    DNS,
    DNS_ROUND_ROBIN
  }
}
