package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.destinationrule.ClientTls;
import dev.weft.config.networking.destinationrule.ConnectionPool;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.destinationrule.LoadBalancer;
import dev.weft.config.networking.destinationrule.OutlierDetection;
import dev.weft.config.networking.destinationrule.TrafficPolicy;

/**
 * The traffic policy that applies to one cluster (Istio's MergeTrafficPolicy then
 * selectTrafficPolicyComponents): the rule's policy, or its port-level settings for the port
 * (which replace it whole); then each part a subset sets replaces that, or the subset's port-level
 * settings replace everything. Parts are null when nothing sets them.
 */
record EffectivePolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection, ClientTls tls) {

  static final EffectivePolicy NONE = new EffectivePolicy(null, null, null, null);

  static EffectivePolicy of(DestinationRule rule, String subset, int port) {
    if (rule == null) {
      return NONE;
    }
    TrafficPolicy base = rule.trafficPolicy();
    TrafficPolicy subsetPolicy = null;
    if (subset != null && !subset.isEmpty()) {
      for (DestinationRule.Subset s : rule.subsets()) {
        if (subset.equals(s.name())) {
          subsetPolicy = s.trafficPolicy();
        }
      }
    }
    EffectivePolicy out = NONE.overriddenBy(base, port);
    // A subset's policy replaces the rule's part by part, then its own port-level settings apply.
    if (subsetPolicy != null) {
      out = out.overriddenBy(subsetPolicy, port);
    }
    return out;
  }

  private EffectivePolicy overriddenBy(TrafficPolicy p, int port) {
    if (p == null) {
      return this;
    }
    LoadBalancer lb = p.loadBalancer() != null ? p.loadBalancer() : loadBalancer;
    ConnectionPool pool = p.connectionPool() != null ? p.connectionPool() : connectionPool;
    OutlierDetection od = p.outlierDetection() != null ? p.outlierDetection() : outlierDetection;
    ClientTls t = p.tls() != null ? p.tls() : tls;
    for (TrafficPolicy.PortTrafficPolicy pl : p.portLevelSettings()) {
      if (pl.port() != null && pl.port().number() != null && pl.port().number() == port) {
        // Port-level settings do not inherit: a part they omit takes its default (Istio's docs).
        return new EffectivePolicy(pl.loadBalancer(), pl.connectionPool(), pl.outlierDetection(), pl.tls());
      }
    }
    return new EffectivePolicy(lb, pool, od, t);
  }

  /** The consistent hash settings, when the load balancer uses one. */
  LoadBalancer.ConsistentHash consistentHash() {
    return loadBalancer != null && loadBalancer.policy() instanceof LoadBalancer.ConsistentHash ch ? ch : null;
  }
}
