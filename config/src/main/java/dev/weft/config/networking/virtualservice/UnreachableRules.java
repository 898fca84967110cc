package dev.weft.config.networking.virtualservice;

import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.validate.Validation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Istio's warnings about rules that can never be used (analyzeUnreachable*Rules): a rule after one
 * without matches, and matches identical to an earlier rule's. Istio reports these as
 * VirtualServiceUnreachableRule and VirtualServiceIneffectiveMatch.
 */
final class UnreachableRules {
  private UnreachableRules() {}

  static void check(Validation v, VirtualService vs) {
    check(v, "spec.http", vs.http(), HttpRoute::name, HttpRoute::match, HttpMatchRequest::unnamed, HttpMatchRequest::name);
    check(v, "spec.tcp", vs.tcp(), r -> null, VirtualService.TcpRoute::match, m -> m, m -> null);
    check(v, "spec.tls", vs.tls(), r -> null, VirtualService.TlsRoute::match, m -> m, m -> null);
  }

  /**
   * @param key what makes two matches the same (for HTTP: everything but the name)
   */
  private static <R, M> void check(Validation v, String path, List<R> routes, Function<R, String> routeName,
      Function<R, List<M>> matches, Function<M, Object> key, Function<M, String> matchName) {
    Map<Object, Integer> seen = new HashMap<>();
    int catchAll = -1;
    for (int i = 0; i < routes.size(); i++) {
      R route = routes.get(i);
      String rp = path + "[" + i + "]";
      String name = VirtualServiceValidator.ruleName(routeName.apply(route), i);
      List<M> ms = matches.apply(route);
      if (ms.isEmpty()) {
        if (catchAll >= 0) {
          unused(v, rp, name, "only the last rule can have no matches");
        }
        catchAll = i;
        continue;
      }
      if (catchAll >= 0) {
        unused(v, rp, name, "route without matches defined before");
        continue;
      }
      int duplicates = 0;
      for (int j = 0; j < ms.size(); j++) {
        Object k = key.apply(ms.get(j));
        Integer first = seen.putIfAbsent(k, i);
        if (first != null) {
          duplicates++;
          v.warning(rp + ".match[" + j + "]", "virtualService rule " + name + " match "
              + VirtualServiceValidator.ruleName(matchName.apply(ms.get(j)), j)
              + " is not used (duplicate/overlapping match in rule "
              + VirtualServiceValidator.ruleName(routeName.apply(routes.get(first)), first) + ")");
        }
      }
      if (duplicates == ms.size()) {
        unused(v, rp, name, "all matches used by prior rules");
      }
    }
  }

  private static void unused(Validation v, String path, String rule, String reason) {
    v.warning(path, "virtualService rule " + rule + " not used (" + reason + ")");
  }
}
