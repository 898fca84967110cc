package dev.weft.config.networking.virtualservice;

import dev.weft.config.model.Hosts;
import dev.weft.config.networking.PortSelector;

/**
 * Where a route sends traffic: a host of the service registry, optionally a subset (declared in a
 * DestinationRule) and a port (needed when the service has more than one).
 */
public record Destination(String host, String subset, PortSelector port) {

  /** The host as a FQDN, resolved against the namespace of the rule that names it. */
  public String fqdn(String namespace) {
    return host == null ? null : Hosts.resolve(host, namespace);
  }
}
