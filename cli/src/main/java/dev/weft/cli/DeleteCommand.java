package dev.weft.cli;

import dev.weft.config.load.Inputs;
import dev.weft.controlplane.api.ApiTypes;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft delete -f FILE} or {@code weft delete KIND NAME}: only the resources' identities are read. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete resources from the control plane, named by files or by kind and name. Exit 1 if any is not found.")
final class DeleteCommand implements Callable<Integer> {
  @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", description = "YAML naming the resources to delete; repeatable")
  List<String> files = new ArrayList<>();

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS",
      description = "namespace for resources that name none (default: ${DEFAULT-VALUE})")
  String namespace;

  @Parameters(arity = "0..2", paramLabel = "KIND NAME", description = "a resource by kind and name, instead of -f")
  List<String> kindAndName = new ArrayList<>();

  @Mixin ServerOption server;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (files.isEmpty() == (kindAndName.size() != 2)) {
      err.println("weft delete: give either -f FILE or KIND NAME");
      err.flush();
      return 2;
    }
    try {
      ApiClient client = server.client();
      if (!files.isEmpty()) {
        List<Inputs.Text> texts = ConfigInputs.read(files, System.in);
        for (Inputs.Text t : texts) {
          if (t.error() != null) {
            err.println(t.name() + ": " + t.error());
            err.flush();
            return 1;
          }
        }
        List<ApiTypes.Input> body = texts.stream().map(t -> new ApiTypes.Input(t.name(), t.text())).toList();
        return WriteOutput.print(client.postJson("/api/v1/delete", new ApiTypes.WriteRequest(namespace, body)), out, err);
      }
      String q = "?kind=" + enc(kindAndName.get(0)) + "&name=" + enc(kindAndName.get(1)) + "&namespace=" + enc(namespace);
      return WriteOutput.print(client.postJson("/api/v1/delete" + q, new ApiTypes.WriteRequest(namespace, List.of())), out, err);
    } catch (ApiClient.Unreachable e) {
      err.println("weft: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
