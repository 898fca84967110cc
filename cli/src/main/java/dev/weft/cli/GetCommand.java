package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft get KIND [NAME] [-n NS | -A] [-o yaml|json]}: what the control plane holds. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Show resources held by the control plane: a table, or the objects as YAML or JSON.")
final class GetCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND", description = "e.g. virtualservice, vs, gateways")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
  String name;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "(default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = {"-A", "--all-namespaces"}, description = "every namespace")
  boolean allNamespaces;

  @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", description = "print the objects instead of a table")
  String output;

  @Mixin ServerOption server;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output != null && !output.equals("yaml") && !output.equals("json")) {
      err.println("weft get: --output must be yaml or json, got \"" + output + "\"");
      err.flush();
      return 2;
    }
    StringBuilder q = new StringBuilder("/api/v1/resources?kind=").append(DeleteCommand.enc(kind));
    if (!allNamespaces || name != null) {
      q.append("&namespace=").append(DeleteCommand.enc(namespace));
    }
    if (name != null) {
      q.append("&name=").append(DeleteCommand.enc(name));
    }
    q.append("&output=").append(output == null ? "json" : output);
    try {
      ApiClient.Response r = server.client().get(q.toString());
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
      if (output != null) {
        out.print(r.body().endsWith("\n") ? r.body() : r.body() + "\n");
        out.flush();
        return 0;
      }
      JsonNode items = r.json().get("items");
      if (items == null || items.isEmpty()) {
        err.println("No resources found" + (allNamespaces ? "." : " in " + namespace + " namespace."));
        err.flush();
        return 0;
      }
      table(items, out);
      return 0;
    } catch (ApiClient.Unreachable e) {
      err.println("weft: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private static void table(JsonNode items, PrintWriter out) {
    Table table = new Table("NAMESPACE", "NAME", "KIND", "VERSION");
    for (JsonNode i : items) {
      table.row(i.at("/metadata/namespace").asText(""), i.at("/metadata/name").asText(), i.at("/kind").asText(),
          i.at("/metadata/resourceVersion").asText());
    }
    table.print(out);
  }
}
