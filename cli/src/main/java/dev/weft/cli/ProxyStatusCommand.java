package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft proxy-status}: every connected proxy and, per xDS type, whether it has what it was sent. */
@Command(name = "proxy-status", aliases = "ps", mixinStandardHelpOptions = true,
    description = {"Show the proxies connected to the control plane and whether each has accepted the latest configuration:",
        "SYNCED (accepted), NOT SENT (nothing of the type sent), STALE (sent, no answer yet), NACKED (rejected; reasons below)."})
final class ProxyStatusCommand implements Callable<Integer> {
  @Option(names = {"-o", "--output"}, paramLabel = "json", description = "print the control plane's JSON instead of a table")
  String output;

  @Mixin ServerOption server;
  @Spec CommandSpec spec;

  /** The columns, in istioctl's order. */
  private static final List<String> TYPES = List.of("CDS", "LDS", "EDS", "RDS");
  private static final List<String> TYPES_WITH_VHDS = List.of("CDS", "LDS", "EDS", "RDS", "VHDS");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output != null && !output.equals("json")) {
      err.println("weft proxy-status: --output must be json, got \"" + output + "\"");
      err.flush();
      return 2;
    }
    try {
      ApiClient.Response r = server.client().get("/api/v1/proxies");
      if (r.status() != 200) {
        err.println("weft: the control plane refused the request (" + r.status() + "): " + r.error());
        err.flush();
        return r.status() == 404 ? 1 : 2;
      }
      if (output != null) {
        out.print(r.body().endsWith("\n") ? r.body() : r.body() + "\n");
        out.flush();
        return 0;
      }
      JsonNode items = r.json().path("items");
      if (items.isEmpty()) {
        err.println("No proxies are connected.");
        err.flush();
        return 0;
      }
      // VHDS only when a proxy uses it (delta streams with large route configurations).
      boolean vhds = false;
      for (JsonNode p : items) {
        vhds |= p.path("types").has("VHDS");
      }
      List<String> types = vhds ? TYPES_WITH_VHDS : TYPES;
      List<String> header = new ArrayList<>(List.of("NAME", "TYPE"));
      header.addAll(types);
      header.add("VERSION");
      Table table = new Table(header.toArray(String[]::new));
      List<String> nacks = new ArrayList<>();
      for (JsonNode p : items) {
        String id = p.path("id").asText();
        List<String> row = new ArrayList<>(List.of(id, p.path("type").asText()));
        for (String type : types) {
          JsonNode t = p.path("types").path(type);
          String state = t.path("state").asText("NOT_SENT");
          row.add(state.replace('_', ' '));
          if (state.equals("NACKED") && t.has("lastNack")) {
            JsonNode n = t.get("lastNack");
            nacks.add(id + " " + type + " version " + n.path("version").asText() + ": " + n.path("message").asText());
          }
        }
        String version = p.path("version").asText("");
        row.add(version.isEmpty() ? "-" : version);
        table.row(row.toArray(String[]::new));
      }
      table.print(out);
      if (!nacks.isEmpty()) {
        out.println();
        out.println("Rejected (NACK) configuration:");
        for (String n : nacks) {
          out.println("  " + n);
        }
        out.flush();
      }
      return 0;
    } catch (ApiClient.Unreachable e) {
      err.println("weft: " + e.getMessage());
      err.flush();
      return 2;
    }
  }
}
