package dev.weft.controlplane.registry;

import dev.weft.controlplane.Log;
import dev.weft.controlplane.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry's listeners; one that throws is logged and the others still hear. */
final class Listeners {
  private final List<RegistryListener> list = new CopyOnWriteArrayList<>();

  Subscription add(RegistryListener l) {
    list.add(l);
    return () -> list.remove(l);
  }

  void fire(RegistryChange change) {
    if (change.hostnames().isEmpty()) {
      return;
    }
    for (RegistryListener l : list) {
      try {
        l.onRegistryChange(change);
      } catch (RuntimeException e) {
        Log.warn("registry listener " + l + " failed: " + e);
      }
    }
  }
}
