package dev.weft.controlplane.registry;

/** Told after a registry changed; it reads the registry again for the new state. Keep it short. */
@FunctionalInterface
public interface RegistryListener {
  void onRegistryChange(RegistryChange change);
}
