package dev.weft.controlplane.xds.translate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Istio's names for generated resources, so that istioctl habits and dashboards carry over. */
final class Names {
  private Names() {}

  static final String BLACKHOLE = "BlackHoleCluster";
  static final String PASSTHROUGH = "PassthroughCluster";
  static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";
  static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  static final String VIRTUAL_INBOUND = "virtualInbound";

  /** {@code outbound|9080|v1|reviews.default.svc.cluster.local}; subset "" for the whole service. */
  static String outbound(int port, String subset, String host) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  /** {@code inbound|9080||}: the proxy's own workload on its (target) port. */
  static String inbound(int port) {
    return "inbound|" + port + "||";
  }

  /** Istio's SNI for in-mesh mTLS: {@code outbound_.9080_.v1_.reviews.default.svc.cluster.local}. */
  static String istioSni(int port, String subset, String host) {
    return "outbound_." + port + "_." + (subset == null ? "" : subset) + "_." + host;
  }

  /** Listener names: {@code 0.0.0.0_9080}. */
  static String listener(String ip, int port) {
    return ip + "_" + port;
  }

  /** {@code reviews.default.svc.cluster.local:9080}: virtual hosts and proxyless listeners. */
  static String hostPort(String host, int port) {
    return host + ":" + port;
  }

  /**
   * The names a client in {@code proxyNamespace} can use for {@code host} (Istio's
   * generateAltVirtualHosts): the FQDN, and for a Kubernetes-style name
   * {@code name.ns.svc.<domain>} the forms {@code name.ns.svc} and {@code name.ns}, plus the bare
   * {@code name} when the client is in the same namespace (its DNS search path resolves it).
   */
  static List<String> hostForms(String host, String proxyNamespace, String domainSuffix) {
    Set<String> out = new LinkedHashSet<>();
    out.add(host);
    String svcSuffix = ".svc." + domainSuffix;
    if (host.endsWith(svcSuffix)) {
      String nameNs = host.substring(0, host.length() - svcSuffix.length());
      int dot = nameNs.indexOf('.');
      if (dot > 0 && nameNs.indexOf('.', dot + 1) < 0) {
        out.add(nameNs + ".svc");
        out.add(nameNs);
        if (nameNs.substring(dot + 1).equals(proxyNamespace)) {
          out.add(nameNs.substring(0, dot));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Every form with and without {@code :port}, for a virtual host's domains. */
  static List<String> domains(List<String> forms, int port) {
    List<String> out = new ArrayList<>();
    for (String f : forms) {
      out.add(f);
      out.add(f + ":" + port);
    }
    return out;
  }
}
