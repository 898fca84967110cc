package dev.weft.cli;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft validate -f ...}: schema and rule checks of each resource on its own. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check Istio config files against Istio's schema and validation rules. Exit code 1 on any error.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigInputs inputs;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ConfigLoader loader = inputs.load(System.in);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Diagnostic d : loader.diagnostics().list()) {
      err.println(d.format());
    }
    long errors = loader.diagnostics().errorCount();
    String ignored = loader.ignored() == 0 ? "" : ", " + loader.ignored() + " of kinds weft does not manage skipped";
    if (errors > 0) {
      err.println("Error: " + errors + (errors == 1 ? " error" : " errors") + " in " + loader.inputs()
          + (loader.inputs() == 1 ? " input" : " inputs"));
      err.flush();
      return 1;
    }
    out.println("OK: " + loader.resources().size() + " resources valid in " + loader.inputs()
        + (loader.inputs() == 1 ? " input" : " inputs") + ignored);
    out.flush();
    return 0;
  }
}
