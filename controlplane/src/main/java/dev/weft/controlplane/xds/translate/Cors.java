package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.CorsPolicy;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Istio's translateCORSPolicy: a VirtualService corsPolicy as the per-route config of
 * {@code envoy.filters.http.cors} (the route's own cors field is deprecated in Envoy).
 */
final class Cors {
  private Cors() {}

  static final String FILTER = "envoy.filters.http.cors";

  static io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy translate(CorsPolicy in) {
    if (in == null) {
      return null;
    }
    var out = io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.newBuilder()
        .setFilterEnabled(RuntimeFractionalPercent.newBuilder().setDefaultValue(Protos.integerPercent(100)));
    if (!in.allowOrigins().isEmpty()) {
      for (StringMatch m : in.allowOrigins()) {
        StringMatcher sm = RouteMatches.stringMatcher(m);
        out.addAllowOriginStringMatch(sm != null ? sm : StringMatcher.newBuilder().setSafeRegex(RouteMatches.regex(".*")).build());
      }
    } else {
      for (String origin : in.allowOrigin()) {
        out.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(origin));
      }
    }
    out.setAllowMethods(String.join(",", in.allowMethods()));
    out.setAllowHeaders(String.join(",", in.allowHeaders()));
    out.setExposeHeaders(String.join(",", in.exposeHeaders()));
    if (in.maxAge() != null) {
      out.setMaxAge(Long.toString(in.maxAge().toSeconds()));
    }
    if (in.allowCredentials() != null) {
      out.setAllowCredentials(com.google.protobuf.BoolValue.of(in.allowCredentials()));
    }
    if (in.unmatchedPreflights() == CorsPolicy.UnmatchedPreflights.FORWARD) {
      out.setForwardNotMatchingPreflights(com.google.protobuf.BoolValue.of(true));
    } else if (in.unmatchedPreflights() == CorsPolicy.UnmatchedPreflights.IGNORE) {
      out.setForwardNotMatchingPreflights(com.google.protobuf.BoolValue.of(false));
    }
    return out.build();
  }
}
