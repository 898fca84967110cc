package dev.weft.controlplane.registry;

/** How a service's endpoints are found: Istio's ServiceEntry.Resolution names. */
public enum Resolution {
  /** Pass through to the address the client asked for. */
  NONE,
  /** The endpoints listed (registered workloads, WorkloadEntries, ServiceEntry endpoints). */
  STATIC,
  /** DNS names resolved by the proxy, all addresses used. */
  DNS,
  /** DNS names resolved by the proxy, one address used at a time. */
  DNS_ROUND_ROBIN
}
