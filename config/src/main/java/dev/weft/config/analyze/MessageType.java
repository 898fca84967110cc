package dev.weft.config.analyze;

import dev.weft.config.diag.Level;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The analysis messages Weft reports: Istio's codes, names, levels and message templates
 * (pkg/config/analysis/msg/messages.yaml), so {@code weft analyze} output reads like istioctl's.
 * Templates use Go's fmt verbs; {@link GoFormat} renders them.
 */
public enum MessageType {
  REFERENCED_RESOURCE_NOT_FOUND("IST0101", "ReferencedResourceNotFound", Level.ERROR,
      "Referenced %s not found: %q"),
  CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS("IST0109", "ConflictingMeshGatewayVirtualServiceHosts", Level.ERROR,
      "The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior."
          + " This can be fixed by merging the conflicting VirtualServices into a single resource."),
  CONFLICTING_SIDECAR_WORKLOAD_SELECTORS("IST0110", "ConflictingSidecarWorkloadSelectors", Level.ERROR,
      "The Sidecars %v in namespace %q select the same workload pod %q, which can lead to undefined behavior."),
  MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS("IST0111", "MultipleSidecarsWithoutWorkloadSelectors", Level.ERROR,
      "The Sidecars %v in namespace %q have no workload selector, which can lead to undefined behavior."),
  VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED("IST0112", "VirtualServiceDestinationPortSelectorRequired", Level.ERROR,
      "This VirtualService routes to a service %q that exposes multiple ports %v."
          + " Specifying a port in the destination is required to disambiguate."),
  NO_MATCHING_WORKLOADS_FOUND("IST0127", "NoMatchingWorkloadsFound", Level.WARNING,
      "No matching workloads for this resource with the following labels: %s"),
  NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL("IST0128", "NoServerCertificateVerificationDestinationLevel", Level.WARNING,
      "DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s"),
  NO_SERVER_CERTIFICATE_VERIFICATION_PORT_LEVEL("IST0129", "NoServerCertificateVerificationPortLevel", Level.WARNING,
      "DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity"
          + " for host: %s at port %s"),
  VIRTUAL_SERVICE_UNREACHABLE_RULE("IST0130", "VirtualServiceUnreachableRule", Level.WARNING,
      "VirtualService rule %v not used (%s)."),
  VIRTUAL_SERVICE_INEFFECTIVE_MATCH("IST0131", "VirtualServiceIneffectiveMatch", Level.INFO,
      "VirtualService rule %v match %v is not used (duplicate/overlapping match in rule %v)."),
  VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY("IST0132", "VirtualServiceHostNotFoundInGateway", Level.WARNING,
      "one or more host %v defined in VirtualService %s not found in Gateway %s."),
  SERVICE_ENTRY_ADDRESSES_REQUIRED("IST0134", "ServiceEntryAddressesRequired", Level.WARNING,
      "ServiceEntry addresses are required for this protocol."),
  GATEWAY_DUPLICATE_CERTIFICATE("IST0138", "GatewayDuplicateCertificate", Level.WARNING,
      "Duplicate certificate in multiple gateways %v may cause 404s if clients re-use HTTP2 connections."),
  INGRESS_ROUTE_RULES_NOT_AFFECTED("IST0140", "IngressRouteRulesNotAffected", Level.WARNING,
      "Subset in virtual service %s has no effect on ingress gateway %s requests"),
  CONFLICTING_GATEWAYS("IST0145", "ConflictingGateways", Level.ERROR,
      "Conflict with gateways %s (workload selector %s, port %s, hosts %v)."),
  JWT_CLAIM_BASED_ROUTING_WITHOUT_REQUEST_AUTHN("IST0149", "JwtClaimBasedRoutingWithoutRequestAuthN", Level.ERROR,
      "The virtual service uses the JWT claim based routing (key: %s) but found no request authentication for the gateway (%s)"
          + " pod (%s). The request authentication must first be applied for the gateway pods to validate the JWT token and"
          + " make the claims available for routing."),
  INVALID_GATEWAY_CREDENTIAL("IST0161", "InvalidGatewayCredential", Level.ERROR,
      "The credential referenced by the Gateway %s in namespace %s is invalid, which can cause the traffic not to work as expected."),
  GATEWAY_PORT_NOT_DEFINED_ON_SERVICE("IST0162", "GatewayPortNotDefinedOnService", Level.WARNING,
      "The gateway is listening on a target port (port %d) that is not defined in the Service associated with its workload"
          + " instances (Pod selector %s). If you need to access the gateway port through the gateway Service, it will not be"
          + " available."),
  REFERENCED_INTERNAL_GATEWAY("IST0165", "ReferencedInternalGateway", Level.WARNING,
      "Gateway reference in VirtualService %s is to an implementation-generated internal Gateway: %s."),
  INEFFECTIVE_SELECTOR("IST0166", "IneffectiveSelector", Level.WARNING,
      "Ineffective selector on Kubernetes Gateway %s. Use the TargetRef field instead."),
  INEFFECTIVE_POLICY("IST0167", "IneffectivePolicy", Level.WARNING,
      "The policy has no impact: %s."),
  DESTINATION_RULE_SUBSET_NOT_SELECT_PODS("IST0173", "DestinationRuleSubsetNotSelectPods", Level.ERROR,
      "The Subset %s defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream)."),
  UNKNOWN_DESTINATION_RULE_HOST("IST0174", "UnknownDestinationRuleHost", Level.WARNING,
      "The host %s defined in the DestinationRule does not match any services in the mesh."),
  // The two templates below are reconstructed from istio.io's rendered examples (not from messages.yaml).
  GATEWAY_API_CRD_VERSION_BELOW_MINIMUM("IST0176", "GatewayAPICRDVersionBelowMinimum", Level.WARNING,
      "Gateway API CRD %q is at version %q but Istio requires at least %q; resources of this kind will not be processed."
          + " Upgrade the Gateway API CRDs to satisfy the minimum version."),
  CONFLICTING_SERVICE_ENTRY_PROTOCOL("IST0177", "ConflictingServiceEntryProtocol", Level.WARNING,
      "Multiple ServiceEntries (%s) define the same host %q and port %d with conflicting protocols (%s).");

  private final String code;
  private final String istioName;
  private final Level level;
  private final String template;

  MessageType(String code, String istioName, Level level, String template) {
    this.code = code;
    this.istioName = istioName;
    this.level = level;
    this.template = template;
  }

  public String code() {
    return code;
  }

  /** Istio's name for the message, e.g. "ReferencedResourceNotFound". */
  public String istioName() {
    return istioName;
  }

  public Level level() {
    return level;
  }

  public String template() {
    return template;
  }

  /** The istio.io page that explains the message. */
  public String documentationUrl() {
    return "https://istio.io/latest/docs/reference/config/analysis/" + code.toLowerCase(Locale.ROOT) + "/";
  }

  public static Optional<MessageType> byCode(String code) {
    return Arrays.stream(values()).filter(t -> t.code.equalsIgnoreCase(code)).findFirst();
  }
}
