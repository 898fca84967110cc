package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.destinationrule.LoadBalancer;
import io.envoyproxy.envoy.config.route.v3.RouteAction;

/**
 * Istio's consistentHashToHashPolicy: the hash key of a DestinationRule's consistent hash, which
 * Envoy reads from the route (the cluster only says RING_HASH or MAGLEV).
 */
final class HashPolicies {
  private HashPolicies() {}

  static RouteAction.HashPolicy translate(LoadBalancer.ConsistentHash ch) {
    if (ch == null || ch.hashKey() == null) {
      return null;
    }
    RouteAction.HashPolicy.Builder out = RouteAction.HashPolicy.newBuilder();
    switch (ch.hashKey()) {
      case LoadBalancer.HttpHeaderName h -> out.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.name()));
      case LoadBalancer.HttpCookie c -> {
        RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder().setName(c.name());
        if (c.path() != null) {
          cookie.setPath(c.path());
        }
        if (c.ttl() != null) {
          cookie.setTtl(Protos.duration(c.ttl()));
        }
        for (LoadBalancer.CookieAttribute a : c.attributes()) {
          cookie.addAttributes(RouteAction.HashPolicy.CookieAttribute.newBuilder()
              .setName(a.name()).setValue(a.value() == null ? "" : a.value()));
        }
        out.setCookie(cookie);
      }
      case LoadBalancer.UseSourceIp ip -> {
        if (!ip.enabled()) {
          return null;
        }
        out.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
      }
      case LoadBalancer.HttpQueryParameterName q ->
          out.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(q.name()));
    }
    return out.build();
  }
}
