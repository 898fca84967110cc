package dev.weft.controlplane.registry;

import java.util.Set;

/** Services whose definition or endpoints changed in a registry. */
public record RegistryChange(String registry, Set<String> hostnames) {
  public RegistryChange {
    hostnames = Set.copyOf(hostnames);
  }
}
