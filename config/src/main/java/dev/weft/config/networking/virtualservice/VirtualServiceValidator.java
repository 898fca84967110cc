package dev.weft.config.networking.virtualservice;

import dev.weft.config.model.Hosts;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.networking.virtualservice.VirtualService.L4MatchAttributes;
import dev.weft.config.networking.virtualservice.VirtualService.RouteDestination;
import dev.weft.config.networking.virtualservice.VirtualService.TcpRoute;
import dev.weft.config.networking.virtualservice.VirtualService.TlsMatchAttributes;
import dev.weft.config.networking.virtualservice.VirtualService.TlsRoute;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Istio's ValidateVirtualService (pkg/config/validation/validation.go and virtualservice.go): the
 * VirtualService as a whole, its TLS and TCP routes, destinations and gateway names. HTTP routes
 * are checked by {@link HttpRouteValidator}. Messages keep Istio's wording; the path says where.
 */
public final class VirtualServiceValidator implements SpecValidator<VirtualService> {
  /** Istio's auto-generated SNI form for gateways: outbound_.PORT_._.HOST */
  private static final Pattern AUTO_SNI = Pattern.compile("outbound_\\.[0-9]+_\\._\\.[a-zA-Z].*");

  @Override
  public void validate(Resource<VirtualService> r, Validation v) {
    VirtualService vs = r.spec();
    boolean delegate = vs.isDelegate();
    if (delegate) {
      if (!vs.gateways().isEmpty()) {
        v.error("spec.gateways", "delegate virtual service must have no gateways specified");
      }
      if (!vs.tls().isEmpty()) {
        v.error("spec.tls", "delegate virtual service must have no tls route specified");
      }
      if (!vs.tcp().isEmpty()) {
        v.error("spec.tcp", "delegate virtual service must have no tcp route specified");
      }
    }
    boolean appliesToGateway = false;
    if (!vs.gateways().isEmpty()) {
      gatewayNames(v, "spec.gateways", vs.gateways());
      appliesToGateway = !vs.gateways().contains(VirtualService.MESH_GATEWAY);
    }
    boolean appliesToMesh = !appliesToGateway;
    if (!appliesToGateway) {
      jwtClaimRoutesNeedGateway(v, vs);
    }
    hosts(v, vs, appliesToGateway, appliesToMesh);

    if (vs.http().isEmpty() && vs.tcp().isEmpty() && vs.tls().isEmpty()) {
      v.error("spec", "http, tcp or tls must be provided in virtual service");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      HttpRouteValidator.validate(v, "spec.http[" + i + "]", vs.http().get(i), delegate);
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      tlsRoute(v, "spec.tls[" + i + "]", vs.tls().get(i), vs);
    }
    for (int i = 0; i < vs.tcp().size(); i++) {
      tcpRoute(v, "spec.tcp[" + i + "]", vs.tcp().get(i));
    }
    HostRules.exportTo(v, "spec.exportTo", r.namespace(), vs.exportTo(), false);
    UnreachableRules.check(v, vs);
  }

  private static void hosts(Validation v, VirtualService vs, boolean appliesToGateway, boolean appliesToMesh) {
    boolean sni = vs.tls().stream().anyMatch(t -> t.match().stream().anyMatch(m -> !m.sniHosts().isEmpty()));
    boolean allValid = true;
    for (int i = 0; i < vs.hosts().size(); i++) {
      String host = vs.hosts().get(i);
      String path = "spec.hosts[" + i + "]";
      if (AddressRules.isIpAddress(host) || (appliesToGateway && sni && AUTO_SNI.matcher(host).matches())) {
        continue; // IP addresses are allowed as hosts (for gateways), as are generated SNI names
      }
      if (!HostRules.host(v, path, host, true)) {
        allValid = false;
      } else if (appliesToMesh && host.equals("*")) {
        v.error(path, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        allValid = false;
      }
    }
    if (allValid) {
      // Literal duplicates and overlapping wildcards (*.foo.com and *.com) both count.
      for (int i = 0; i < vs.hosts().size(); i++) {
        for (int j = i + 1; j < vs.hosts().size(); j++) {
          String a = vs.hosts().get(i);
          String b = vs.hosts().get(j);
          if (Hosts.overlap(a, b)) {
            v.error("spec.hosts[" + j + "]", "duplicate hosts in virtual service: " + a + " & " + b);
          }
        }
      }
    }
  }

  /** Routing on JWT claims (@request.auth.claims.*) happens in the gateway's authn filter only. */
  private static void jwtClaimRoutesNeedGateway(Validation v, VirtualService vs) {
    for (int i = 0; i < vs.http().size(); i++) {
      List<HttpMatchRequest> matches = vs.http().get(i).match();
      for (int j = 0; j < matches.size(); j++) {
        String path = "spec.http[" + i + "].match[" + j + "]";
        claimKeys(v, vs, path + ".headers", matches.get(j).headers());
        claimKeys(v, vs, path + ".withoutHeaders", matches.get(j).withoutHeaders());
      }
    }
  }

  private static void claimKeys(Validation v, VirtualService vs, String path, Map<String, StringMatch> headers) {
    for (String key : headers.keySet()) {
      if (isJwtClaim(key)) {
        v.error(FieldPaths.child(path, key), "JWT claim based routing (key: " + key
            + ") is only supported for gateway, found no gateways: [" + String.join(" ", vs.gateways()) + "]");
      }
    }
  }

  static boolean isJwtClaim(String header) {
    return header.startsWith("@request.auth.claims.") || header.startsWith("@request.auth.claims[");
  }

  /**
   * Istio's validateGatewayNames: "mesh", a gateway name in the VirtualService's namespace, or
   * "namespace/name". The legacy "name.namespace" form still works but is warned about.
   */
  static void gatewayNames(Validation v, String path, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String p = path + "[" + i + "]";
      int slash = name.indexOf('/');
      if (slash < 0) {
        if (name.contains(".")) {
          String[] parts = name.split("\\.");
          v.warning(p, "using legacy gatewayName format \"" + name + "\"; prefer the <namespace>/<name> format: \""
              + (parts.length > 1 ? parts[1] : "") + "/" + parts[0] + "\"");
        }
        String problem = fqdnProblem(name);
        if (problem != null) {
          v.error(p, problem);
        }
        continue;
      }
      String ns = name.substring(0, slash);
      String gw = name.substring(slash + 1);
      if (ns.isEmpty() || gw.isEmpty()) {
        v.error(p, "config namespace and gateway name cannot be empty");
      } else if (!HostRules.isDns1123Label(ns)) {
        v.error(p, "invalid value for namespace: \"" + ns + "\"");
      } else if (!HostRules.isIstioLabel(gw)) {
        v.error(p, "invalid value for gateway name: \"" + gw + "\"");
      }
    }
  }

  /** Istio's ValidateFQDN wording; null when valid. */
  static String fqdnProblem(String name) {
    if (name.isEmpty()) {
      return "empty domain name not allowed";
    }
    if (name.length() > 255) {
      return "domain name \"" + name + "\" too long (max 255)";
    }
    String[] labels = name.split("\\.", -1);
    String tld = labels[labels.length - 1];
    if (!tld.isEmpty() && tld.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "domain name \"" + name + "\" invalid (top level domain \"" + tld + "\" cannot be all-numeric)";
    }
    for (int i = 0; i < labels.length; i++) {
      if (i == labels.length - 1 && labels[i].isEmpty() && i > 0) {
        break; // a trailing dot is allowed ("istio.io.")
      }
      if (!HostRules.isIstioLabel(labels[i])) {
        return "domain name \"" + name + "\" invalid (label \"" + labels[i] + "\" invalid)";
      }
    }
    return null;
  }

  /** Istio's validateDestination. {@code d} null is fine: the caller reports a required destination. */
  public static void destination(Validation v, String path, Destination d) {
    if (d == null) {
      return;
    }
    String host = d.host();
    if (host == null || host.isEmpty()) {
      v.error(path + ".host", "destination host is required");
    } else if (host.equals("*")) {
      v.error(path + ".host", "invalid destination host *");
    } else {
      HostRules.host(v, path + ".host", host, true);
    }
    if (d.subset() != null) {
      if (d.subset().isEmpty()) {
        v.error(path + ".subset", "subset name cannot be empty");
      } else if (!HostRules.isIstioLabel(d.subset())) {
        v.error(path + ".subset", "subset name is invalid: " + d.subset());
      }
    }
    if (d.port() != null) {
      if (d.port().number() == null) {
        v.error(path + ".port.number", "port number is required");
      } else {
        AddressRules.port(v, path + ".port.number", d.port().number());
      }
    }
  }

  /**
   * A route weight. Istio itself only refuses negative weights (they are relative); Weft also
   * refuses more than 100, the share the API documents, to catch a misplaced digit.
   */
  static void weight(Validation v, String path, Integer weight) {
    if (weight != null && (weight < 0 || weight > 100)) {
      v.error(path, "must be 0..100, got " + weight);
    }
  }

  /** With several destinations, at least one must get traffic. */
  static void totalWeight(Validation v, String path, List<Integer> weights) {
    if (weights.size() > 1 && weights.stream().mapToLong(w -> w == null ? 0 : w).sum() == 0) {
      v.error(path, "total destination weight = 0");
    }
  }

  private static void routeDestinations(Validation v, String path, List<RouteDestination> route) {
    for (int i = 0; i < route.size(); i++) {
      RouteDestination d = route.get(i);
      String p = path + "[" + i + "]";
      if (d.destination() == null) {
        v.error(p + ".destination", "destination is required");
      }
      destination(v, p + ".destination", d.destination());
      weight(v, p + ".weight", d.weight());
    }
    totalWeight(v, path, route.stream().map(RouteDestination::weight).toList());
  }

  private static void tlsRoute(Validation v, String path, TlsRoute tls, VirtualService vs) {
    if (tls.match().isEmpty()) {
      v.error(path + ".match", "TLS route must have at least one match condition");
    }
    for (int i = 0; i < tls.match().size(); i++) {
      tlsMatch(v, path + ".match[" + i + "]", tls.match().get(i), vs);
    }
    if (tls.route().isEmpty()) {
      v.error(path + ".route", "TLS route is required");
    }
    routeDestinations(v, path + ".route", tls.route());
  }

  private static void tlsMatch(Validation v, String path, TlsMatchAttributes m, VirtualService vs) {
    if (m.sniHosts().isEmpty()) {
      v.error(path + ".sniHosts", "TLS match must have at least one SNI host");
    }
    for (int i = 0; i < m.sniHosts().size(); i++) {
      sniHost(v, path + ".sniHosts[" + i + "]", m.sniHosts().get(i), vs);
    }
    l4(v, path, m.destinationSubnets(), m.port(), m.sourceLabels(), m.gateways());
  }

  private static void sniHost(Validation v, String path, String sni, VirtualService vs) {
    boolean gateway = !vs.gateways().contains(VirtualService.MESH_GATEWAY);
    if (gateway && AUTO_SNI.matcher(sni).matches()) {
      // generated name for cross-network gateways; its host part is free form
    } else if (AddressRules.isIpAddress(sni)) {
      v.warning(path, "using an IP address (\"" + sni + "\") goes against SNI spec and most clients do not support this");
      return;
    } else if (!HostRules.host(v, path, sni, true)) {
      return;
    }
    for (String host : vs.hosts()) {
      if (Hosts.matches(host, sni)) {
        return;
      }
    }
    v.error(path, "SNI host \"" + sni + "\" is not a compatible subset of any of the virtual service hosts: ["
        + String.join(", ", vs.hosts()) + "]");
  }

  private static void tcpRoute(Validation v, String path, TcpRoute tcp) {
    for (int i = 0; i < tcp.match().size(); i++) {
      L4MatchAttributes m = tcp.match().get(i);
      l4(v, path + ".match[" + i + "]", m.destinationSubnets(), m.port(), m.sourceLabels(), m.gateways());
    }
    if (tcp.route().isEmpty()) {
      v.error(path + ".route", "TCP route is required");
    }
    routeDestinations(v, path + ".route", tcp.route());
  }

  /** The checks TLS and TCP matches share. */
  private static void l4(Validation v, String path, List<String> subnets, Integer port, Map<String, String> sourceLabels,
      List<String> gateways) {
    for (int i = 0; i < subnets.size(); i++) {
      AddressRules.ipSubnet(v, path + ".destinationSubnets[" + i + "]", subnets.get(i));
    }
    matchPort(v, path + ".port", port);
    LabelRules.labels(v, path + ".sourceLabels", sourceLabels);
    gatewayNames(v, path + ".gateways", gateways);
  }

  /** A match port: 0 means unset in Istio, anything else must be a port. */
  static void matchPort(Validation v, String path, Integer port) {
    if (port != null && port != 0) {
      AddressRules.port(v, path, port);
    }
  }

  /** A rule as Istio's messages name it: "name" when named, else #index. */
  static String ruleName(String name, int index) {
    return name != null && !name.isEmpty() ? "\"" + name + "\"" : "#" + index;
  }
}
