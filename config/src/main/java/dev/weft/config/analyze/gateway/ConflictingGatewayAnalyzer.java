package dev.weft.config.analyze.gateway;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.gateway.Gateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * IST0145: two Gateways on the same gateway workloads (same selector, or overlapping selectors that
 * pick a common pod) serve the same host on the same port and bind address. After Istio's
 * gateway.ConflictingGatewayAnalyzer.
 */
public final class ConflictingGatewayAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "gateway.ConflictingGatewayAnalyzer";
  }

  @Override
  public String description() {
    return "Checks a gateway's selector, port number and hosts";
  }

  /** Istio's index key: "selector~port". */
  private record Key(String selector, int port) {}

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<Gateway>> gateways = ctx.all(Kind.GATEWAY, Gateway.class);
    List<Resource<?>> pods = ctx.config().all(Kind.POD);
    // selector~port -> gateway full name -> host -> bind. Istio keeps, per gateway and key, the hosts
    // of the last server on that port; sorted maps make its (map-order dependent) result repeatable.
    Map<Key, Map<String, Map<String, String>>> index = new TreeMap<>(
        java.util.Comparator.comparing(Key::selector).thenComparingInt(Key::port));
    for (Resource<Gateway> r : gateways) {
      String selector = Selectors.toString(r.spec().selector());
      for (Gateway.Server s : r.spec().servers()) {
        Map<String, String> hostBind = new HashMap<>();
        for (String h : s.hosts()) {
          hostBind.put(h, bind(s));
        }
        index.computeIfAbsent(new Key(selector, port(s)), k -> new TreeMap<>()).put(fullName(r), hostBind);
      }
    }
    for (Resource<Gateway> r : gateways) {
      analyzeGateway(ctx, r, index, pods);
    }
  }

  private static void analyzeGateway(AnalysisContext ctx, Resource<Gateway> r, Map<Key, Map<String, Map<String, String>>> index,
      List<Resource<?>> pods) {
    Map<String, String> selector = r.spec().selector();
    String selectorText = Selectors.toString(selector);
    List<Key> sameWorkloads = new ArrayList<>();
    for (Key key : index.keySet()) {
      boolean matched = key.selector().equals(selectorText);
      if (!matched && (key.selector().contains(selectorText) || selectorText.contains(key.selector()))) {
        Map<String, String> other = parse(key.selector());
        for (Resource<?> pod : pods) {
          if (Selectors.matches(selector, pod.meta().labels()) && Selectors.matches(other, pod.meta().labels())) {
            matched = true;
            break;
          }
        }
      }
      if (matched) {
        sameWorkloads.add(key);
      }
    }
    if (!selectorText.isEmpty() && sameWorkloads.isEmpty()) {
      ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, "spec.selector." + Selectors.firstKey(selector),
          "selector", selectorText);
      return;
    }
    String name = fullName(r);
    for (Gateway.Server server : r.spec().servers()) {
      List<String> conflicting = new ArrayList<>();
      for (Key key : sameWorkloads) {
        if (key.port() != port(server)) {
          continue;
        }
        for (Map.Entry<String, Map<String, String>> e : index.get(key).entrySet()) {
          if (!e.getKey().equals(name) && conflicts(server, e.getValue())) {
            conflicting.add(e.getKey());
          }
        }
      }
      if (!conflicting.isEmpty()) {
        conflicting.sort(null);
        ctx.report(MessageType.CONFLICTING_GATEWAYS, r, null, String.join(",", conflicting), selectorText,
            String.valueOf(port(server)), String.join(",", server.hosts()));
      }
    }
  }

  /**
   * Istio's model.CheckDuplicates: the server's hosts already known with the same bind conflict. When
   * none do, the server's hosts become known (Istio mutates the index this way; kept for equal results).
   */
  private static boolean conflicts(Gateway.Server server, Map<String, String> known) {
    String bind = bind(server);
    boolean duplicate = false;
    for (String h : server.hosts()) {
      if (known.containsKey(h) && known.get(h).equals(bind)) {
        duplicate = true;
      }
    }
    if (!duplicate) {
      for (String h : server.hosts()) {
        known.put(h, bind);
      }
    }
    return duplicate;
  }

  private static Map<String, String> parse(String selector) {
    Map<String, String> out = new HashMap<>();
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=", -1);
      if (kv.length == 2) {
        out.put(kv[0], kv[1]);
      }
    }
    return out;
  }

  private static int port(Gateway.Server s) {
    return s.port() == null || s.port().number() == null ? 0 : s.port().number();
  }

  private static String bind(Gateway.Server s) {
    return s.bind() == null ? "" : s.bind();
  }

  static String fullName(Resource<?> r) {
    return r.namespace() + "/" + r.name();
  }
}
