package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft proxy-config listeners|routes|clusters|endpoints|all PROXY [-o json]}: what the control
 * plane last sent a connected proxy, as a short table (like istioctl proxy-config) or as the
 * resources' JSON.
 */
@Command(name = "proxy-config", aliases = "pc", mixinStandardHelpOptions = true,
    description = "Show the xDS configuration the control plane last sent a connected proxy.")
final class ProxyConfigCommand implements Callable<Integer> {
  enum Type { listeners, routes, clusters, endpoints, all }

  private static final List<Type> ALL = List.of(Type.clusters, Type.listeners, Type.routes, Type.endpoints);

  @Parameters(index = "0", paramLabel = "TYPE", description = "listeners, routes, clusters, endpoints or all")
  Type type;

  @Parameters(index = "1", paramLabel = "PROXY", description = "the proxy's node id, as weft proxy-status shows it")
  String proxy;

  @Option(names = {"-o", "--output"}, paramLabel = "json", description = "print the resources as JSON instead of a table")
  String output;

  @Mixin ServerOption server;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output != null && !output.equals("json")) {
      err.println("weft proxy-config: --output must be json, got \"" + output + "\"");
      err.flush();
      return 2;
    }
    List<Type> types = type == Type.all ? ALL : List.of(type);
    try {
      ObjectNode all = ApiClient.JSON.createObjectNode();
      boolean first = true;
      for (Type t : types) {
        ApiClient.Response r = server.client().get("/api/v1/proxies/" + DeleteCommand.enc(proxy) + "/config?type=" + t.name());
        if (r.status() == 404 || r.status() == 400) {
          err.println("Error: " + r.error());
          err.flush();
          return 1;
        }
        if (r.status() != 200) {
          err.println("weft: the control plane refused the request (" + r.status() + "): " + r.error());
          err.flush();
          return 2;
        }
        JsonNode body = r.json();
        if (output != null) {
          all.set(t.name(), body);
          continue;
        }
        if (!first) {
          out.println();
        }
        first = false;
        table(t, body.path("resources")).print(out);
      }
      if (output != null) {
        out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(type == Type.all ? all : all.get(type.name())));
        out.flush();
      }
      return 0;
    } catch (ApiClient.Unreachable e) {
      err.println("weft: " + e.getMessage());
      err.flush();
      return 2;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Table table(Type type, JsonNode resources) {
    return switch (type) {
      case listeners -> listeners(resources);
      case routes -> routes(resources);
      case clusters -> clusters(resources);
      case endpoints -> endpoints(resources);
      case all -> throw new IllegalArgumentException("all is several tables");
    };
  }

  private static Table listeners(JsonNode resources) {
    List<String[]> rows = new ArrayList<>();
    for (JsonNode l : resources) {
      JsonNode socket = l.path("address").path("socketAddress");
      if (l.has("apiListener")) {
        rows.add(new String[] {l.path("name").asText(), "-", "API"});
      } else {
        rows.add(new String[] {socket.path("address").asText("-"), socket.path("portValue").asText("0"), listenerType(l)});
      }
    }
    rows.sort(Comparator.<String[], Integer>comparing(r -> r[1].equals("-") ? -1 : Integer.parseInt(r[1])).thenComparing(r -> r[0]));
    Table t = new Table("ADDRESS", "PORT", "TYPE");
    rows.forEach(t::row);
    return t;
  }

  /** HTTP when a filter chain ends in the HTTP connection manager, TCP for tcp_proxy, else the last filter's name. */
  private static String listenerType(JsonNode listener) {
    List<JsonNode> chains = new ArrayList<>();
    listener.path("filterChains").forEach(chains::add);
    if (listener.has("defaultFilterChain")) {
      chains.add(listener.get("defaultFilterChain"));
    }
    String kind = "-";
    for (JsonNode chain : chains) {
      for (JsonNode f : chain.path("filters")) {
        String typeUrl = f.path("typedConfig").path("@type").asText("");
        if (typeUrl.endsWith(".HttpConnectionManager")) {
          return "HTTP";
        }
        kind = typeUrl.endsWith(".TcpProxy") ? "TCP" : f.path("name").asText(kind);
      }
    }
    return kind;
  }

  private static Table routes(JsonNode resources) {
    Table t = new Table("NAME", "VHOSTS");
    List<JsonNode> sorted = new ArrayList<>();
    resources.forEach(sorted::add);
    sorted.sort(Comparator.comparing(r -> r.path("name").asText()));
    for (JsonNode r : sorted) {
      t.row(r.path("name").asText(), Integer.toString(r.path("virtualHosts").size()));
    }
    return t;
  }

  private static Table clusters(JsonNode resources) {
    List<String[]> rows = new ArrayList<>();
    for (JsonNode c : resources) {
      String name = c.path("name").asText();
      String[] parts = name.split("\\|", -1);
      String kind = c.has("clusterType") ? c.path("clusterType").path("name").asText("CUSTOM") : c.path("type").asText("STATIC");
      if (parts.length == 4) { // Istio's direction|port|subset|fqdn
        rows.add(new String[] {parts[3], parts[1], parts[2].isEmpty() ? "-" : parts[2], parts[0], kind});
      } else {
        rows.add(new String[] {name, "-", "-", "-", kind});
      }
    }
    rows.sort(Comparator.<String[], String>comparing(r -> r[0]).thenComparing(r -> r[1]).thenComparing(r -> r[2])
        .thenComparing(r -> r[3]));
    Table t = new Table("SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE");
    rows.forEach(t::row);
    return t;
  }

  private static Table endpoints(JsonNode resources) {
    List<String[]> rows = new ArrayList<>();
    for (JsonNode cla : resources) {
      String cluster = cla.path("clusterName").asText();
      for (JsonNode locality : cla.path("endpoints")) {
        for (JsonNode lb : locality.path("lbEndpoints")) {
          JsonNode socket = lb.path("endpoint").path("address").path("socketAddress");
          String endpoint = socket.has("address") ? socket.path("address").asText() + ":" + socket.path("portValue").asText("0")
              : lb.path("endpoint").path("address").path("pipe").path("path").asText("-");
          String health = lb.path("healthStatus").asText("UNKNOWN").toUpperCase(Locale.ROOT);
          // Envoy treats UNKNOWN as healthy, and istioctl shows it so.
          rows.add(new String[] {endpoint, health.equals("UNKNOWN") ? "HEALTHY" : health, cluster});
        }
      }
    }
    rows.sort(Comparator.<String[], String>comparing(r -> r[2]).thenComparing(r -> r[0]));
    Table t = new Table("ENDPOINT", "STATUS", "CLUSTER");
    rows.forEach(t::row);
    return t;
  }
}
