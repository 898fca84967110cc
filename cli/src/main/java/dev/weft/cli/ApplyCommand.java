package dev.weft.cli;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.load.Inputs;
import dev.weft.controlplane.api.ApiTypes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code weft apply -f ...}: validates locally (printing exactly what {@code weft validate} prints),
 * then sends every input to the control plane as one atomic write.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Create or update resources in the control plane, all or none. Exit 1 if invalid, 2 if the control plane cannot be reached.")
final class ApplyCommand implements Callable<Integer> {
  @Mixin ConfigInputs inputs;
  @Mixin ServerOption server;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Inputs.Text> texts = inputs.read(System.in);
    ConfigLoader loader = inputs.validate(texts);
    if (loader.diagnostics().hasErrors()) {
      for (Diagnostic d : loader.diagnostics().list()) {
        err.println(d.format());
      }
      long errors = loader.diagnostics().errorCount();
      err.println("Error: " + errors + (errors == 1 ? " error" : " errors") + " in " + loader.inputs()
          + (loader.inputs() == 1 ? " input" : " inputs"));
      err.flush();
      return 1;
    }
    List<ApiTypes.Input> body = texts.stream().map(t -> new ApiTypes.Input(t.name(), t.text())).toList();
    try {
      return WriteOutput.print(server.client().postJson("/api/v1/apply", new ApiTypes.WriteRequest(inputs.namespace, body)), out, err);
    } catch (ApiClient.Unreachable e) {
      err.println("weft: " + e.getMessage());
      err.flush();
      return 2;
    }
  }
}
