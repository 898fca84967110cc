package dev.weft.controlplane.registry;

import dev.weft.controlplane.Subscription;
import java.util.List;
import java.util.Optional;

/**
 * Where services and their endpoints come from. Translation to xDS reads only this interface, so a
 * new source (Kubernetes, Consul) is a new implementation and nothing else changes.
 */
public interface ServiceRegistry {

  /** A short name for messages: "workloads", "config", "kubernetes". */
  String name();

  /** Every service, sorted by hostname. */
  List<Service> services();

  default Optional<Service> service(String hostname) {
    return services().stream().filter(s -> s.hostname().equals(hostname)).findFirst();
  }

  /** The endpoints of a service (empty if it has none or is unknown). */
  List<Endpoint> endpoints(String hostname);

  Subscription addListener(RegistryListener listener);
}
