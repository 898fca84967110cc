package dev.weft.config.networking.sidecar;

import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.TrafficPolicyValidator;
import dev.weft.config.networking.gateway.GatewayValidator;
import dev.weft.config.networking.gateway.ServerTls;
import dev.weft.config.networking.virtualservice.Destination;
import dev.weft.config.networking.virtualservice.VirtualServiceValidator;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's ValidateSidecar. */
public final class SidecarValidator implements SpecValidator<Sidecar> {
  private static final String UNIX_PREFIX = "unix://";
  private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "0.0.0.0", "::1", "::");

  @Override
  public void validate(Resource<Sidecar> r, Validation v) {
    Sidecar s = r.spec();
    if (s.workloadSelector() != null) {
      LabelRules.selectorLabels(v, "spec.workloadSelector.labels", s.workloadSelector().labels(),
          "sidecar: workload selector specified without labels, will be applied to all services in namespace");
    }
    if (s.ingress().isEmpty() && s.egress().isEmpty() && s.outboundTrafficPolicy() == null && s.inboundConnectionPool() == null) {
      v.error("spec", "sidecar: empty configuration provided");
      return;
    }
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < s.ingress().size(); i++) {
      ingress(v, "spec.ingress[" + i + "]", s.ingress().get(i), ports);
    }
    TrafficPolicyValidator.connectionPool(v, "spec.inboundConnectionPool", s.inboundConnectionPool());
    egress(v, r.namespace(), s.egress());
    outboundTrafficPolicy(v, "spec.outboundTrafficPolicy", s.outboundTrafficPolicy());
  }

  private static void ingress(Validation v, String path, Sidecar.IngressListener in, Set<Integer> ports) {
    if (in.port() == null) {
      v.error(path + ".port", "sidecar: port is required for ingress listeners");
      return;
    }
    Sidecar.Port port = in.port();
    int number = port.number() == null ? 0 : port.number();
    if (port.targetPort() != null && port.targetPort() > 0) {
      v.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
    }
    if (port.name() != null && !port.name().isEmpty()) {
      AddressRules.portName(v, path + ".port.name", port.name());
    }
    AddressRules.protocol(v, path + ".port.protocol", port.protocol());
    AddressRules.port(v, path + ".port.number", number);
    bindAddress(v, path + ".bind", in.bind());
    if (!ports.add(number)) {
      v.error(path + ".port.number", "sidecar: ports on IP bound listeners must be unique");
    }
    defaultEndpoint(v, path + ".defaultEndpoint", in.defaultEndpoint());
    if (in.tls() != null) {
      ServerTls tls = in.tls();
      String tp = path + ".tls";
      if (!tls.subjectAltNames().isEmpty()) {
        v.error(tp + ".subjectAltNames", "sidecar: subjectAltNames is not supported in ingress tls");
      }
      if (tls.httpsRedirect()) {
        v.error(tp + ".httpsRedirect", "sidecar: httpsRedirect is not supported");
      }
      if (tls.credentialName() != null && !tls.credentialName().isEmpty()) {
        v.error(tp + ".credentialName", "sidecar: credentialName is not currently supported");
      }
      if (tls.mode() == ServerTls.Mode.ISTIO_MUTUAL || tls.mode() == ServerTls.Mode.AUTO_PASSTHROUGH) {
        v.error(tp + ".mode", "configuration is invalid: cannot set mode to " + tls.mode() + " in sidecar ingress tls");
      }
      GatewayValidator.tls(v, tp, tls);
    }
    TrafficPolicyValidator.connectionPool(v, path + ".connectionPool", in.connectionPool());
    if (in.connectionPool() != null && in.connectionPool().http() != null && !Protocol.parse(port.protocol()).isHttp()) {
      v.warning(path + ".connectionPool.http", "sidecar: HTTP connection pool settings are configured for port " + number
          + " (\"" + (port.name() == null ? "" : port.name()) + "\") but its protocol is not HTTP ("
          + (port.protocol() == null ? "" : port.protocol()) + "); only TCP settings will apply");
    }
  }

  /** An ingress listener forwards to 127.0.0.1:port, 0.0.0.0:port, [::1]:port, [::]:port, or a Unix socket. */
  private static void defaultEndpoint(Validation v, String path, String endpoint) {
    if (endpoint == null || endpoint.isEmpty()) {
      return;
    }
    if (endpoint.startsWith(UNIX_PREFIX)) {
      AddressRules.unixAddress(v, path, endpoint.substring(UNIX_PREFIX.length()));
      return;
    }
    String host;
    String port;
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      v.error(path, "address " + endpoint + ": missing port in address");
      return;
    }
    host = endpoint.substring(0, colon);
    port = endpoint.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      v.error(path, "address " + endpoint + ": too many colons in address");
      return;
    }
    if (!host.isEmpty() && !LOCAL_HOSTS.contains(host)) {
      v.error(path, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset");
    }
    if (port.isEmpty() || port.length() > 9 || !port.chars().allMatch(Character::isDigit)) {
      v.error(path, "sidecar: defaultEndpoint port (" + port + ") is not a number");
    } else {
      AddressRules.port(v, path, Integer.parseInt(port));
    }
  }

  private static void bindAddress(Validation v, String path, String bind) {
    if (bind != null && !bind.isEmpty() && !AddressRules.isIpAddress(bind)) {
      v.error(path, bind + " is not a valid IP");
    }
  }

  private static void egress(Validation v, String namespace, List<Sidecar.EgressListener> egress) {
    Set<Integer> ports = new HashSet<>();
    Set<String> sockets = new HashSet<>();
    boolean catchAll = false;
    for (int i = 0; i < egress.size(); i++) {
      Sidecar.EgressListener e = egress.get(i);
      String path = "spec.egress[" + i + "]";
      if (e.port() == null) {
        if (catchAll) {
          v.error(path, "sidecar: egress can have only one listener with empty port");
          continue;
        }
        if (i == egress.size() - 1) {
          catchAll = true;
        } else {
          v.error(path, "sidecar: the egress listener with empty port should be the last listener in the list");
        }
      } else {
        egressPort(v, path, e);
        int number = e.port().number() == null ? 0 : e.port().number();
        String bind = e.bind() == null ? "" : e.bind();
        if (number == 0) {
          if (!sockets.add(bind)) {
            v.error(path + ".bind", "sidecar: unix domain socket values for listeners must be unique");
          }
        } else if (!ports.add(number)) {
          v.error(path + ".port.number", "sidecar: ports on IP bound listeners must be unique");
        }
      }
      egressHosts(v, path + ".hosts", namespace, e.hosts());
    }
  }

  private static void egressPort(Validation v, String path, Sidecar.EgressListener e) {
    Sidecar.Port port = e.port();
    if (port.targetPort() != null && port.targetPort() > 0) {
      v.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
    }
    if (port.name() != null && !port.name().isEmpty()) {
      AddressRules.portName(v, path + ".port.name", port.name());
    }
    AddressRules.protocol(v, path + ".port.protocol", port.protocol());
    String bind = e.bind() == null ? "" : e.bind();
    if (port.number() == null || port.number() == 0) {
      if (!bind.startsWith(UNIX_PREFIX)) {
        v.error(path + ".bind", "sidecar: ports with 0 value must have a unix domain socket bind address");
      } else {
        AddressRules.unixAddress(v, path + ".bind", bind.substring(UNIX_PREFIX.length()));
      }
      if (e.captureMode() != Sidecar.CaptureMode.DEFAULT && e.captureMode() != Sidecar.CaptureMode.NONE) {
        v.error(path + ".captureMode", "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
      }
    } else {
      AddressRules.port(v, path + ".port.number", port.number());
      bindAddress(v, path + ".bind", bind);
    }
  }

  /** Egress hosts are "namespace/dnsName"; namespace is "*", ".", "~" or a namespace name. */
  private static void egressHosts(Validation v, String path, String namespace, List<String> hosts) {
    if (hosts.isEmpty()) {
      v.error(path, "sidecar: egress listener must contain at least one host");
      return;
    }
    Map<String, Set<String>> byNamespace = new HashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String hp = path + "[" + i + "]";
      int slash = host.indexOf('/');
      if (slash < 0) {
        v.error(hp, "host must be of form namespace/dnsName, got \"" + host + "\"");
        continue;
      }
      String ns = host.substring(0, slash);
      String name = host.substring(slash + 1);
      Set<String> names = byNamespace.computeIfAbsent(ns.equals(".") ? namespace : ns, k -> new HashSet<>());
      boolean duplicate = name.equals("*") ? !names.isEmpty() : names.contains(name) || names.contains("*");
      if (duplicate) {
        v.warning(hp, "duplicated egress host: " + host);
      }
      names.add(name);
      if (ns.isEmpty() || name.isEmpty()) {
        v.error(hp, "config namespace and dnsName in host entry cannot be empty");
        continue;
      }
      if (!ns.equals("*") && !ns.equals(".") && !ns.equals("~") && !HostRules.isIstioLabel(ns)) {
        v.error(hp, "invalid namespace value \"" + ns + "\" in sidecar");
      }
      if (!name.equals("*") && !name.contains(".")) {
        v.error(hp, "short names (non FQDN) are not allowed, got \"" + name + "\"");
      }
      HostRules.host(v, hp, name, true);
    }
    if (byNamespace.getOrDefault("*", Set.of()).contains("*") && byNamespace.size() != 1) {
      v.warning(path, "`*/*` host select all resources, no other hosts can be added");
    }
  }

  private static void outboundTrafficPolicy(Validation v, String path, Sidecar.OutboundTrafficPolicy p) {
    if (p == null || p.egressProxy() == null) {
      return;
    }
    String ep = path + ".egressProxy";
    if (p.mode() != Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY) {
      v.error(ep, "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
      return;
    }
    Destination proxy = p.egressProxy();
    String host = proxy.host() == null ? "" : proxy.host();
    if (!HostRules.isFqdn(host)) {
      v.error(ep + ".host", "egress proxy host \"" + host + "\" is not a valid FQDN");
    }
    if (proxy.port() == null) {
      v.error(ep + ".port", "sidecar: egress_proxy port must be non-nil");
      return;
    }
    VirtualServiceValidator.destination(v, ep, proxy);
  }
}
