package dev.weft.config.networking.destinationrule;

import dev.weft.config.networking.destinationrule.LoadBalancer.ConsistentHash;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.Rules;
import dev.weft.config.validate.Validation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Istio's rules for TrafficPolicy and its parts (validateTrafficPolicy, validateLoadBalancer,
 * validateConnectionPool, validateOutlierDetection, ValidateTLS, ValidateLocalityLbSetting). Public
 * parts are used by other kinds that embed the same messages (Sidecar's connection pools).
 */
public final class TrafficPolicyValidator {
  private static final long MAGLEV_MAX_TABLE_SIZE = 5_000_011L;
  private static final Set<String> TOPOLOGY_LABELS =
      Set.of("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

  private TrafficPolicyValidator() {}

  public static void trafficPolicy(Validation v, String path, TrafficPolicy p) {
    if (p == null) {
      return;
    }
    if (p.outlierDetection() == null && p.connectionPool() == null && p.loadBalancer() == null && p.tls() == null
        && p.portLevelSettings().isEmpty() && p.tunnel() == null && p.proxyProtocol() == null) {
      v.error(path, "traffic policy must have at least one field");
      return;
    }
    if (p.tunnel() != null && p.proxyProtocol() != null) {
      v.error(path, "tunnel and proxyProtocol must not be set together");
    }
    outlierDetection(v, path + ".outlierDetection", p.outlierDetection());
    connectionPool(v, path + ".connectionPool", p.connectionPool());
    loadBalancer(v, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    tls(v, path + ".tls", p.tls());
    for (int i = 0; i < p.portLevelSettings().size(); i++) {
      portTrafficPolicy(v, path + ".portLevelSettings[" + i + "]", p.portLevelSettings().get(i));
    }
    tunnel(v, path + ".tunnel", p.tunnel());
  }

  private static void portTrafficPolicy(Validation v, String path, TrafficPolicy.PortTrafficPolicy p) {
    if (p.port() == null) {
      v.error(path + ".port", "portTrafficPolicy must have valid port");
    } else if (p.port().number() == null) {
      v.error(path + ".port.number", "port number is required");
    } else {
      AddressRules.port(v, path + ".port.number", p.port().number());
    }
    if (p.outlierDetection() == null && p.connectionPool() == null && p.loadBalancer() == null && p.tls() == null) {
      v.error(path, "port traffic policy must have at least one field");
      return;
    }
    outlierDetection(v, path + ".outlierDetection", p.outlierDetection());
    connectionPool(v, path + ".connectionPool", p.connectionPool());
    loadBalancer(v, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    tls(v, path + ".tls", p.tls());
  }

  private static void tunnel(Validation v, String path, TrafficPolicy.Tunnel t) {
    if (t == null) {
      return;
    }
    if (t.protocol() != null && !t.protocol().isEmpty() && !t.protocol().equals("CONNECT") && !t.protocol().equals("POST")) {
      v.error(path + ".protocol", "tunnel protocol must be \"CONNECT\" or \"POST\"");
    }
    String host = t.targetHost() == null ? "" : t.targetHost();
    if (!HostRules.isFqdn(host) && !AddressRules.isIpAddress(host)) {
      v.error(path + ".targetHost", "tunnel target host must be valid FQDN or IP address, got \"" + host + "\"");
    }
    if (t.targetPort() == null) {
      v.error(path + ".targetPort", "tunnel target port is invalid: port number 0 must be in the range 1..65535");
    } else {
      AddressRules.port(v, path + ".targetPort", t.targetPort());
    }
  }

  static void outlierDetection(Validation v, String path, OutlierDetection o) {
    if (o == null) {
      return;
    }
    Rules.duration(v, path + ".baseEjectionTime", o.baseEjectionTime());
    if (o.consecutiveErrors() != null && o.consecutiveErrors() != 0) {
      v.warning(path + ".consecutiveErrors",
          "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead");
    }
    Rules.nonNegative(v, path + ".consecutiveLocalOriginFailures", o.consecutiveLocalOriginFailures(), "consecutiveLocalOriginFailures");
    Rules.nonNegative(v, path + ".consecutiveGatewayErrors", o.consecutiveGatewayErrors(), "consecutiveGatewayErrors");
    Rules.nonNegative(v, path + ".consecutive5xxErrors", o.consecutive5xxErrors(), "consecutive5xxErrors");
    if (!o.splitExternalLocalOriginErrors() && o.consecutiveLocalOriginFailures() != null && o.consecutiveLocalOriginFailures() > 0) {
      v.error(path + ".consecutiveLocalOriginFailures",
          "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false");
    }
    Rules.duration(v, path + ".interval", o.interval());
    Rules.percent(v, path + ".maxEjectionPercent", o.maxEjectionPercent() == null ? null : o.maxEjectionPercent().doubleValue());
    Rules.percent(v, path + ".minHealthPercent", o.minHealthPercent() == null ? null : o.minHealthPercent().doubleValue());
  }

  /** validateConnectionPool: used for DestinationRule policies and Sidecar inbound pools. */
  public static void connectionPool(Validation v, String path, ConnectionPool cp) {
    if (cp == null) {
      return;
    }
    if (cp.http() == null && cp.tcp() == null) {
      v.error(path, "connection pool must have at least one field");
      return;
    }
    ConnectionPool.Http h = cp.http();
    if (h != null) {
      String hp = path + ".http";
      Rules.nonNegative(v, hp + ".http1MaxPendingRequests", h.http1MaxPendingRequests(), "http1 max pending requests");
      Rules.nonNegative(v, hp + ".http2MaxRequests", h.http2MaxRequests(), "http2 max requests");
      Rules.nonNegative(v, hp + ".maxRequestsPerConnection", h.maxRequestsPerConnection(), "max requests per connection");
      Rules.nonNegative(v, hp + ".maxRetries", h.maxRetries(), "max retries");
      Rules.duration(v, hp + ".idleTimeout", h.idleTimeout());
      if (h.h2UpgradePolicy() == ConnectionPool.H2UpgradePolicy.UPGRADE && h.useClientProtocol()) {
        v.error(hp + ".useClientProtocol", "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
      Rules.nonNegative(v, hp + ".maxConcurrentStreams", h.maxConcurrentStreams(), "max concurrent streams");
    }
    ConnectionPool.Tcp t = cp.tcp();
    if (t != null) {
      String tp = path + ".tcp";
      Rules.nonNegative(v, tp + ".maxConnections", t.maxConnections(), "max connections");
      Rules.duration(v, tp + ".connectTimeout", t.connectTimeout());
      Rules.duration(v, tp + ".maxConnectionDuration", t.maxConnectionDuration());
      Rules.duration(v, tp + ".idleTimeout", t.idleTimeout());
      if (t.tcpKeepalive() != null) {
        Rules.nonNegative(v, tp + ".tcpKeepalive.probes", t.tcpKeepalive().probes(), "probes");
        Rules.duration(v, tp + ".tcpKeepalive.time", t.tcpKeepalive().time());
        Rules.duration(v, tp + ".tcpKeepalive.interval", t.tcpKeepalive().interval());
      }
    }
  }

  static void loadBalancer(Validation v, String path, LoadBalancer lb, OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (lb.policy() instanceof ConsistentHash ch) {
      String cp = path + ".consistentHash";
      if (ch.hashKey() instanceof LoadBalancer.HttpCookie cookie && (cookie.name() == null || cookie.name().isEmpty())) {
        v.error(cp + ".httpCookie.name", "name required for HttpCookie");
      }
      if (ch.minimumRingSize() != null && ch.minimumRingSize() != 0) {
        v.warning(cp + ".minimumRingSize", "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
        if (ch.algorithm() != null) {
          v.error(cp + ".minimumRingSize", "only one of MinimumRingSize or Maglev/Ringhash can be specified");
        }
      }
      if (ch.algorithm() instanceof LoadBalancer.Maglev maglev) {
        long size = maglev.tableSize() == null ? 0 : maglev.tableSize();
        String mp = cp + ".maglev.tableSize";
        if (size == 0) {
          v.error(mp, "tableSize must be set for maglev");
        } else if (size >= MAGLEV_MAX_TABLE_SIZE) {
          v.error(mp, "tableSize must be less than 5000011 for maglev");
        } else if (!isPrime(size)) {
          v.error(mp, "tableSize must be a prime number for maglev, got " + size);
        }
      }
    }
    localityLbSetting(v, path + ".localityLbSetting", lb.localityLbSetting(), outlier);
    Rules.duration(v, path + ".warmupDurationSecs", lb.warmupDurationSecs());
    if (lb.warmup() != null) {
      Rules.duration(v, path + ".warmup.duration", lb.warmup().duration());
      Rules.percent(v, path + ".warmup.minimumPercent", lb.warmup().minimumPercent());
      if (lb.warmup().aggression() != null && lb.warmup().aggression() < 0) {
        v.error(path + ".warmup.aggression", "aggression must be non-negative");
      }
    }
  }

  /** Envoy's primality test for Maglev table sizes (as Istio copies it): 1, 2 and 3 count as prime. */
  static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long f = 3; f <= limit; f += 2) {
      if (x % f == 0) {
        return false;
      }
    }
    return true;
  }

  static void localityLbSetting(Validation v, String path, LoadBalancer.LocalityLbSetting lb, OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (!lb.distribute().isEmpty() && !lb.failover().isEmpty()) {
      v.error(path, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!lb.failover().isEmpty()) {
      for (int i = 0; i < lb.failoverPriority().size(); i++) {
        String label = lb.failoverPriority().get(i);
        if (TOPOLOGY_LABELS.contains(label)) {
          v.error(path + ".failoverPriority[" + i + "]",
              "can not simultaneously set 'failover' and topology label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < lb.distribute().size(); i++) {
      LoadBalancer.Distribute d = lb.distribute().get(i);
      String dp = path + ".distribute[" + i + "]";
      sources.add(d.from() == null ? "" : d.from());
      long total = 0;
      for (Map.Entry<String, Long> e : d.to().entrySet()) {
        if (e.getValue() <= 0 || e.getValue() > 100) {
          v.error(dp + ".to", "locality weight must be in range [1, 100]");
          return;
        }
        total += e.getValue();
      }
      if (total != 100) {
        v.error(dp + ".to", "total locality weight " + total + " != 100");
        return;
      }
      String err = localities(new ArrayList<>(d.to().keySet()));
      if (err != null) {
        v.error(dp + ".to", err);
      }
    }
    String err = localities(sources);
    if (err != null) {
      v.error(path + ".distribute", err);
    }
    if ((!lb.failover().isEmpty() || !lb.failoverPriority().isEmpty()) && outlier == null) {
      v.warning(path, "outlier detection policy must be provided for failover");
    }
    for (int i = 0; i < lb.failover().size(); i++) {
      LoadBalancer.Failover f = lb.failover().get(i);
      String fp = path + ".failover[" + i + "]";
      String from = f.from() == null ? "" : f.from();
      String to = f.to() == null ? "" : f.to();
      if (from.equals(to)) {
        v.error(fp, "locality lb failover settings must specify different regions");
      }
      if (from.contains("/") || to.contains("/")) {
        v.error(fp, "locality lb failover only specify region");
      }
      if (from.contains("*") || to.contains("*")) {
        v.error(fp, "locality lb failover region should not contain '*' wildcard");
      }
    }
  }

  /**
   * Istio's validateLocalities: "region/zone/subzone" with at most one '*' at the end, no empty
   * parts, and no locality covered by an earlier one. Returns the first problem, or null.
   */
  static String localities(List<String> localities) {
    // region -> zone -> subzones; "*" marks "all of them"
    Map<String, Map<String, Set<String>>> seen = new HashMap<>();
    for (String locality : localities) {
      long stars = locality.chars().filter(c -> c == '*').count();
      if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
        return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
      }
      if (seen.containsKey("*")) {
        return "locality " + locality + " overlap with previous specified ones";
      }
      String[] items = locality.split("/", 3);
      for (String item : items) {
        if (item.isEmpty()) {
          return "locality " + locality + " must not contain empty region/zone/subzone info";
        }
      }
      String overlap = "locality " + locality + " overlap with previous specified ones";
      String region = items[0];
      Map<String, Set<String>> zones = seen.get(region);
      switch (items.length) {
        case 1 -> {
          if (zones != null) {
            return overlap;
          }
          seen.put(region, new HashMap<>(Map.of("*", new java.util.HashSet<>(Set.of("*")))));
        }
        case 2 -> {
          if (zones != null && (zones.containsKey("*") || zones.containsKey(items[1]))) {
            return overlap;
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).put(items[1], new java.util.HashSet<>(Set.of("*")));
        }
        default -> {
          Set<String> subzones = zones == null ? null : zones.get(items[1]);
          if (zones != null && zones.containsKey("*")) {
            return overlap;
          }
          if (subzones != null && (subzones.contains("*") || subzones.contains(items[2]))) {
            return overlap;
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).computeIfAbsent(items[1], k -> new java.util.HashSet<>()).add(items[2]);
        }
      }
    }
    return null;
  }

  /** Istio's ValidateTLS for ClientTLSSettings. */
  public static void tls(Validation v, String path, ClientTls t) {
    if (t == null) {
      return;
    }
    if (Boolean.TRUE.equals(t.insecureSkipVerify())) {
      if (t.mode() == ClientTls.Mode.SIMPLE && (t.caCertificates() != null || t.credentialName() != null || !t.subjectAltNames().isEmpty())) {
        v.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
      }
      if (t.mode() == ClientTls.Mode.MUTUAL && (t.caCertificates() != null || !t.subjectAltNames().isEmpty())) {
        v.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    boolean simpleOrMutual = t.mode() == ClientTls.Mode.SIMPLE || t.mode() == ClientTls.Mode.MUTUAL;
    if (simpleOrMutual && t.credentialName() != null && !t.credentialName().isEmpty()) {
      if (t.clientCertificate() != null || t.caCertificates() != null || t.privateKey() != null || t.caCrl() != null) {
        v.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
      return; // credentials come from the secret
    }
    if (t.mode() == ClientTls.Mode.MUTUAL) {
      if (t.clientCertificate() == null || t.clientCertificate().isEmpty()) {
        v.error(path + ".clientCertificate", "client certificate required for mutual tls");
      }
      if (t.privateKey() == null || t.privateKey().isEmpty()) {
        v.error(path + ".privateKey", "private key required for mutual tls");
      }
    }
  }
}
