package dev.weft.controlplane.xds.translate;

import com.google.protobuf.BoolValue;
import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Map;

/**
 * Istio's translateRouteMatch: a VirtualService HTTPMatchRequest as an Envoy RouteMatch. The uri is
 * the path (exact, prefix, or an RE2 {@code safe_regex}; case-insensitive with ignoreUriCase);
 * headers, method ({@code :method}), authority ({@code :authority}) and scheme ({@code :scheme})
 * are header matchers, withoutHeaders the same inverted; {@code {}} means "present". The parts
 * that select the proxy rather than the request (port, sourceLabels, gateways, sourceNamespace) are
 * decided by {@link #appliesTo} before a route is generated at all.
 */
final class RouteMatches {
  private RouteMatches() {}

  /** No conditions: every path. */
  static RouteMatch catchAll() {
    return RouteMatch.newBuilder().setPrefix("/").build();
  }

  static RouteMatch translate(HttpMatchRequest m) {
    RouteMatch.Builder out = RouteMatch.newBuilder();
    switch (m.uri()) {
      case null -> out.setPrefix("/");
      case StringMatch.Exact e -> out.setPath(e.value());
      case StringMatch.Prefix p -> out.setPrefix(p.value());
      case StringMatch.Regex r -> out.setSafeRegex(regex(r.value()));
      case StringMatch.Any a -> out.setPrefix("/");
    }
    if (m.ignoreUriCase()) {
      out.setCaseSensitive(BoolValue.of(false));
    }
    m.headers().forEach((name, match) -> out.addHeaders(header(name, match, false)));
    m.withoutHeaders().forEach((name, match) -> out.addHeaders(header(name, match, true)));
    if (m.method() != null) {
      out.addHeaders(header(":method", m.method(), false));
    }
    if (m.authority() != null) {
      out.addHeaders(header(":authority", m.authority(), false));
    }
    if (m.scheme() != null) {
      out.addHeaders(header(":scheme", m.scheme(), false));
    }
    m.queryParams().forEach((name, match) -> out.addQueryParameters(queryParameter(name, match)));
    return out.build();
  }

  /**
   * Whether a match can select requests at this proxy: its port is the listener's (or unset), its
   * sourceLabels are the proxy's, its gateways name this proxy's gateway (or "mesh" for sidecars),
   * its sourceNamespace is the proxy's.
   *
   * @param port the listener/server port; 0 when the proxy has no single port (proxyless)
   * @param gateways "mesh" for sidecars and proxyless clients, else this gateway's "namespace/name"s
   */
  static boolean appliesTo(HttpMatchRequest m, int port, Map<String, String> proxyLabels, String proxyNamespace,
      java.util.List<String> gateways, String vsNamespace) {
    if (m.port() != null && port != 0 && m.port() != port) {
      return false;
    }
    if (!proxyLabels.entrySet().containsAll(m.sourceLabels().entrySet())) {
      return false;
    }
    if (m.sourceNamespace() != null && !m.sourceNamespace().isEmpty() && !m.sourceNamespace().equals(proxyNamespace)) {
      return false;
    }
    if (!m.gateways().isEmpty()) {
      return m.gateways().stream().anyMatch(g -> g.equals("mesh")
          ? gateways.contains("mesh") : gateways.contains(ProxyScope.gatewayKey(g, vsNamespace)));
    }
    return true;
  }

  static HeaderMatcher header(String name, StringMatch match, boolean invert) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
    StringMatcher sm = stringMatcher(match);
    if (sm == null) {
      h.setPresentMatch(true);
    } else {
      h.setStringMatch(sm);
    }
    if (invert) {
      h.setInvertMatch(true);
    }
    return h.build();
  }

  static QueryParameterMatcher queryParameter(String name, StringMatch match) {
    QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(name);
    StringMatcher sm = stringMatcher(match);
    if (sm == null) {
      q.setPresentMatch(true);
    } else {
      q.setStringMatch(sm);
    }
    return q.build();
  }

  /** Null for "any value" ({@code {}} or an empty prefix): Istio then matches on presence. */
  static StringMatcher stringMatcher(StringMatch match) {
    return switch (match) {
      case null -> null;
      case StringMatch.Any a -> null;
      case StringMatch.Exact e -> StringMatcher.newBuilder().setExact(e.value()).build();
      case StringMatch.Prefix p -> p.value().isEmpty() ? null : StringMatcher.newBuilder().setPrefix(p.value()).build();
      case StringMatch.Regex r -> StringMatcher.newBuilder().setSafeRegex(regex(r.value())).build();
    };
  }

  static RegexMatcher regex(String re2) {
    return RegexMatcher.newBuilder().setRegex(re2).build();
  }
}
