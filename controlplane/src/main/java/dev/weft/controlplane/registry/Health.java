package dev.weft.controlplane.registry;

/** An endpoint's health as the proxy is told it (Envoy's core.v3.HealthStatus subset). */
public enum Health {
  HEALTHY,
  UNHEALTHY,
  /** Finishing its requests: no new ones. */
  DRAINING
}
