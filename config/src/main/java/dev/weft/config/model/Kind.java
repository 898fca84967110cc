package dev.weft.config.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds Weft reads, with the API group and versions it accepts for each.
 *
 * <p>Istio kinds are Weft's configuration; the Kubernetes kinds are read as the registry that
 * analysis (and later the Kubernetes registry) works against.
 */
public enum Kind {
  VIRTUAL_SERVICE("networking.istio.io", "VirtualService", Versions.NETWORKING),
  DESTINATION_RULE("networking.istio.io", "DestinationRule", Versions.NETWORKING),
  GATEWAY("networking.istio.io", "Gateway", Versions.NETWORKING),
  SERVICE_ENTRY("networking.istio.io", "ServiceEntry", Versions.NETWORKING),
  WORKLOAD_ENTRY("networking.istio.io", "WorkloadEntry", Versions.NETWORKING),
  WORKLOAD_GROUP("networking.istio.io", "WorkloadGroup", Versions.NETWORKING),
  SIDECAR("networking.istio.io", "Sidecar", Versions.NETWORKING),
  PEER_AUTHENTICATION("security.istio.io", "PeerAuthentication", Versions.SECURITY),
  REQUEST_AUTHENTICATION("security.istio.io", "RequestAuthentication", Versions.SECURITY),
  AUTHORIZATION_POLICY("security.istio.io", "AuthorizationPolicy", Versions.SECURITY),
  SERVICE("", "Service", List.of("v1")),
  POD("", "Pod", List.of("v1")),
  NAMESPACE("", "Namespace", List.of("v1"), false),
  NODE("", "Node", List.of("v1"), false),
  SECRET("", "Secret", List.of("v1")),
  CONFIG_MAP("", "ConfigMap", List.of("v1")),
  DEPLOYMENT("apps", "Deployment", List.of("v1"));

  private final String group;
  private final String kindName;
  private final List<String> versions;
  private final boolean namespaced;

  Kind(String group, String kindName, List<String> versions) {
    this(group, kindName, versions, true);
  }

  Kind(String group, String kindName, List<String> versions, boolean namespaced) {
    this.group = group;
    this.kindName = kindName;
    this.versions = versions;
    this.namespaced = namespaced;
  }

  public String group() {
    return group;
  }

  /** The name as YAML writes it: "VirtualService". */
  public String kindName() {
    return kindName;
  }

  public List<String> versions() {
    return versions;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public boolean isIstio() {
    return group.endsWith(".istio.io");
  }

  /** The apiVersion Weft writes when it writes this kind back: the first, newest, version. */
  public String preferredApiVersion() {
    return group.isEmpty() ? versions.getFirst() : group + "/" + versions.getFirst();
  }

  public static Optional<Kind> byGroupAndName(String group, String kindName) {
    return Arrays.stream(values()).filter(k -> k.group.equals(group) && k.kindName.equals(kindName)).findFirst();
  }

  /** Lookup for the command line: "virtualservice", "VirtualService", "vs", "virtualservices". */
  public static Optional<Kind> byUserName(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    for (Kind k : values()) {
      String lower = k.kindName.toLowerCase(java.util.Locale.ROOT);
      if (n.equals(lower) || n.equals(lower + "s") || n.equals(lower + "es") || n.equals(k.shortName())) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** kubectl's short names. */
  public String shortName() {
    return switch (this) {
      case VIRTUAL_SERVICE -> "vs";
      case DESTINATION_RULE -> "dr";
      case GATEWAY -> "gw";
      case SERVICE_ENTRY -> "se";
      case WORKLOAD_ENTRY -> "we";
      case WORKLOAD_GROUP -> "wg";
      case PEER_AUTHENTICATION -> "pa";
      case REQUEST_AUTHENTICATION -> "ra";
      case AUTHORIZATION_POLICY -> "ap";
      case SERVICE -> "svc";
      case POD -> "po";
      case NAMESPACE -> "ns";
      case NODE -> "no";
      case CONFIG_MAP -> "cm";
      case DEPLOYMENT -> "deploy";
      case SIDECAR, SECRET -> kindName.toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static final class Versions {
    static final List<String> NETWORKING = List.of("v1", "v1beta1", "v1alpha3");
    static final List<String> SECURITY = List.of("v1", "v1beta1");
  }
}
