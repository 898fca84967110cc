package dev.weft.controlplane.registry;

import dev.weft.config.model.Hosts;
import dev.weft.config.model.Protocol;
import dev.weft.config.validate.HostRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workload that registers itself with the control plane (a VM, a process outside Kubernetes).
 *
 * @param service the service it serves, by short name; when null, its {@code app} label, else its name
 * @param locality {@code region/zone/subzone}, may be empty
 * @param weight 0 means the default, 1
 */
public record Workload(String name, String namespace, String service, String serviceAccount, Map<String, String> labels,
    String address, List<WorkloadPort> ports, Health health, Locality locality, int weight) {

  public Workload {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    ports = ports == null ? List.of() : List.copyOf(ports);
    health = health == null ? Health.HEALTHY : health;
    locality = locality == null ? Locality.UNKNOWN : locality;
    serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
  }

  /** A port the workload listens on; {@code protocol} null means: from the name, as Istio does. */
  public record WorkloadPort(String name, int number, Protocol protocol) {}

  public String id() {
    return namespace + "/" + name;
  }

  public String serviceName() {
    if (service != null && !service.isEmpty()) {
      return service;
    }
    return labels.getOrDefault("app", name);
  }

  public String hostname() {
    return Hosts.resolve(serviceName(), namespace);
  }

  /** What is wrong with a registration, in the API's words; empty when it can be accepted. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (name == null || !HostRules.isDns1123Subdomain(name)) {
      out.add("name: \"" + name + "\" is not a valid name: lower case letters, digits, '-' and '.'");
    }
    if (namespace == null || !HostRules.isDns1123Label(namespace)) {
      out.add("namespace: \"" + namespace + "\" is not a valid namespace: lower case letters, digits and '-', at most 63");
    }
    if (service != null && !service.isEmpty() && !HostRules.isDns1123Label(service)) {
      out.add("service: \"" + service + "\" is not a valid service name");
    }
    if (address == null || address.isBlank()) {
      out.add("address: required");
    } else if (!isIp(address) && (address.matches("[0-9.]+") || !HostRules.isDns1123Subdomain(address))) {
      out.add("address: \"" + address + "\" is neither an IP address nor a host name");
    }
    if (ports.isEmpty()) {
      out.add("ports: at least one port is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      WorkloadPort p = ports.get(i);
      if (p == null) {
        out.add("ports[" + i + "]: required");
        continue;
      }
      if (p.name() == null || p.name().isEmpty()) {
        out.add("ports[" + i + "].name: required");
      } else if (!names.add(p.name())) {
        out.add("ports[" + i + "].name: \"" + p.name() + "\" is used twice");
      }
      if (p.number() < 1 || p.number() > 65535) {
        out.add("ports[" + i + "].number: port must be 1..65535, got " + p.number());
      }
    }
    if (weight < 0) {
      out.add("weight: must not be negative, got " + weight);
    }
    return out;
  }

  /** The protocol of a port: as declared, else from its name ("http-web" is HTTP), as Istio does. */
  static Protocol protocolOf(WorkloadPort p) {
    return p.protocol() != null ? p.protocol() : Protocol.fromPortName(p.name());
  }

  private static boolean isIp(String s) {
    if (s.indexOf(':') >= 0) {
      return s.matches("[0-9a-fA-F:.]+");
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
