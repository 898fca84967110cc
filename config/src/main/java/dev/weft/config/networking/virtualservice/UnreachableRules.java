package dev.weft.config.networking.virtualservice;

import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.validate.Validation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Istio's warnings about rules that can never be used (analyzeUnreachable*Rules): a rule after one
 * without matches, matches identical to an earlier rule's, and (HTTP) URI-prefix matches that an
 * earlier prefix match already covers. The validator prints them as warnings; analysis reports the
 * same findings as VirtualServiceUnreachableRule (IST0130) and VirtualServiceIneffectiveMatch (IST0131).
 */
public final class UnreachableRules {
  private UnreachableRules() {}

  /** One unusable rule or match; {@link #message()} is Istio's warning text. */
  public sealed interface Finding {
    /** The field the finding is about, e.g. {@code spec.http[1].match[0]}. */
    String path();

    String message();
  }

  /**
   * A rule no request can reach.
   *
   * @param rule {@code "name"} (quoted) or {@code #index}
   */
  public record UnusedRule(String path, String rule, String reason) implements Finding {
    @Override
    public String message() {
      return "virtualService rule " + rule + " not used (" + reason + ")";
    }
  }

  /**
   * A match an earlier one takes every request of.
   *
   * @param match {@code "name"}/{@code #index}; for an overlapping prefix, followed by {@code of prefix <prefix>}
   * @param coveredBy the earlier rule; for an overlapping prefix, {@code <match> of prefix <prefix> on <rule>}
   */
  public record IneffectiveMatch(String path, String rule, String match, String coveredBy) implements Finding {
    @Override
    public String message() {
      return "virtualService rule " + rule + " match " + match + " is not used (duplicate/overlapping match in rule " + coveredBy + ")";
    }
  }

  static void check(Validation v, VirtualService vs) {
    for (Finding f : of(vs)) {
      v.warning(f.path(), f.message());
    }
  }

  /** The findings in Istio's order: http (duplicates, then overlapping prefixes), tcp, tls. */
  public static List<Finding> of(VirtualService vs) {
    List<Finding> out = new ArrayList<>();
    List<PrefixMatch> prefixes = new ArrayList<>();
    check(out, "spec.http", vs.http(), HttpRoute::name, HttpRoute::match, HttpMatchRequest::unnamed, HttpMatchRequest::name,
        first -> {
          PrefixMatch p = PrefixMatch.of(first.path(), first.rule(), first.name(), first.value());
          if (p != null) {
            prefixes.add(p);
          }
        });
    overlapping(out, prefixes);
    check(out, "spec.tcp", vs.tcp(), r -> null, VirtualService.TcpRoute::match, m -> m, m -> null, first -> {});
    check(out, "spec.tls", vs.tls(), r -> null, VirtualService.TlsRoute::match, m -> m, m -> null, first -> {});
    return out;
  }

  /** A match that is the first of its kind, with where it is. */
  private record Located<M>(String path, String rule, String name, M value) {}

  /**
   * @param key what makes two matches the same (for HTTP: everything but the name)
   * @param firstMatches told of every match that duplicates no earlier one, in order
   */
  private static <R, M> void check(List<Finding> out, String path, List<R> routes, Function<R, String> routeName,
      Function<R, List<M>> matches, Function<M, Object> key, Function<M, String> matchName,
      Consumer<Located<M>> firstMatches) {
    Map<Object, Integer> seen = new HashMap<>();
    int catchAll = -1;
    for (int i = 0; i < routes.size(); i++) {
      R route = routes.get(i);
      String rp = path + "[" + i + "]";
      String name = VirtualServiceValidator.ruleName(routeName.apply(route), i);
      List<M> ms = matches.apply(route);
      if (ms.isEmpty()) {
        if (catchAll >= 0) {
          out.add(new UnusedRule(rp, name, "only the last rule can have no matches"));
        }
        catchAll = i;
        continue;
      }
      if (catchAll >= 0) {
        out.add(new UnusedRule(rp, name, "route without matches defined before"));
        continue;
      }
      int duplicates = 0;
      for (int j = 0; j < ms.size(); j++) {
        M m = ms.get(j);
        String mp = rp + ".match[" + j + "]";
        String matchId = VirtualServiceValidator.ruleName(matchName.apply(m), j);
        Integer first = seen.putIfAbsent(key.apply(m), i);
        if (first != null) {
          duplicates++;
          out.add(new IneffectiveMatch(mp, name, matchId, VirtualServiceValidator.ruleName(routeName.apply(routes.get(first)), first)));
        } else {
          firstMatches.accept(new Located<>(mp, name, matchId, m));
        }
      }
      if (duplicates == ms.size()) {
        out.add(new UnusedRule(rp, name, "all matches used by prior rules"));
      }
    }
  }

  /**
   * Istio's overlapping-prefix check (genMatchHTTPRoutes, coveredValidation): a later match whose URI
   * prefix extends an earlier one's, on the same port, with conditions the earlier one's cover, never
   * gets a request. Matches with the same prefix are left to the duplicate check.
   */
  private static void overlapping(List<Finding> out, List<PrefixMatch> prefixes) {
    for (int a = 0; a < prefixes.size(); a++) {
      PrefixMatch earlier = prefixes.get(a);
      for (int b = a + 1; b < prefixes.size(); b++) {
        PrefixMatch later = prefixes.get(b);
        if (later.prefix().equals(earlier.prefix()) || !earlier.covers(later)) {
          continue;
        }
        out.add(new IneffectiveMatch(later.path(), later.rule(), later.match() + " of prefix " + later.prefix(),
            earlier.match() + " of prefix " + earlier.prefix() + " on " + earlier.rule()));
      }
    }
  }

  /**
   * An HTTP match on a URI prefix, its other conditions as Istio compares them: {@code exact:v} or
   * {@code prefix:v} ("" for regex or none); the method is {@code exact:GET} when not given.
   */
  private record PrefixMatch(String path, String rule, String match, String prefix, int port, String method, String authority,
      Map<String, String> headers, Map<String, String> queryParams, Map<String, String> withoutHeaders) {

    static PrefixMatch of(String path, String rule, String match, HttpMatchRequest m) {
      if (m == null || !(m.uri() instanceof StringMatch.Prefix p) || p.value() == null || p.value().isEmpty()) {
        return null;
      }
      String method = condition(m.method());
      return new PrefixMatch(path, rule, match, p.value(), m.port() == null ? 0 : m.port(), method.isEmpty() ? "exact:GET" : method,
          condition(m.authority()), conditions(m.headers()), conditions(m.queryParams()), conditions(m.withoutHeaders()));
    }

    private static String condition(StringMatch s) {
      if (s instanceof StringMatch.Exact e && e.value() != null && !e.value().isEmpty()) {
        return "exact:" + e.value();
      }
      if (s instanceof StringMatch.Prefix x && x.value() != null && !x.value().isEmpty()) {
        return "prefix:" + x.value();
      }
      return "";
    }

    private static Map<String, String> conditions(Map<String, StringMatch> matches) {
      Map<String, String> out = new LinkedHashMap<>();
      matches.forEach((k, v) -> out.put(k, condition(v)));
      return out;
    }

    /** Every request {@code later} matches, this one matches first. */
    boolean covers(PrefixMatch later) {
      return later.prefix.startsWith(prefix) && later.port == port
          && coversValue(method, later.method) && coversValue(authority, later.authority)
          && coversAll(headers, later.headers) && coversAll(queryParams, later.queryParams)
          && coversAll(withoutHeaders, later.withoutHeaders);
    }

    // Istio's comparison, as written: equal, or the earlier value starts with the later one
    private static boolean coversValue(String earlier, String later) {
      return earlier.equals(later) || earlier.startsWith(later);
    }

    private static boolean coversAll(Map<String, String> earlier, Map<String, String> later) {
      if (earlier.size() != later.size()) {
        return false;
      }
      for (Map.Entry<String, String> e : earlier.entrySet()) {
        String l = later.get(e.getKey());
        if (l == null || !coversValue(e.getValue(), l)) {
          return false;
        }
      }
      return true;
    }
  }
}
