package dev.weft.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weft} command: one entry point, a subcommand per job. */
@Command(
    name = "weft",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Weft service mesh: Istio-compatible config, control plane and proxy.",
    subcommands = {ValidateCommand.class, AnalyzeCommand.class, ApplyCommand.class, DeleteCommand.class, GetCommand.class,
        ControlPlaneCommand.class, ProxyCommand.class, ProxyStatusCommand.class, ProxyConfigCommand.class,
        UpCommand.class, DownCommand.class, StatusCommand.class, RunCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * The mesh's long-running processes, whose start counts: their command line is built alone. picocli
   * builds the model of every subcommand (reflection over all their annotations) before it runs
   * one, which cost each control plane and {@code weft up} about 0.4-0.7 CPU-s of their start
   * (measured: {@code weft --version} 0.65-1.1 CPU-s against 0.3 for a JVM doing nothing).
   */
  private static final Map<String, Supplier<Object>> ALONE = Map.of(
      "controlplane", ControlPlaneCommand::new, "weftd", ControlPlaneCommand::new,
      "up", UpCommand::new, "run", RunCommand::new, "proxy", ProxyCommand::new);

  /** Runs a command line and returns its exit code; never lets an exception escape as a stack trace. */
  public static int run(String... args) {
    Supplier<Object> alone = args.length > 0 ? ALONE.get(args[0]) : null;
    if (alone != null) {
      CommandLine cl = withErrorHandling(new CommandLine(alone.get()).setCommandName("weft " + args[0]));
      return cl.execute(Arrays.copyOfRange(args, 1, args.length));
    }
    return commandLine().execute(args);
  }

  /** The configured command line (error handling included), for callers that redirect its output. */
  public static CommandLine commandLine() {
    return withErrorHandling(new CommandLine(new Main()));
  }

  private static CommandLine withErrorHandling(CommandLine cl) {
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("weft: internal error: " + ex);
      if (System.getenv("WEFT_DEBUG") != null) {
        ex.printStackTrace(line.getErr());
      } else {
        line.getErr().println("(set WEFT_DEBUG=1 to see where)");
      }
      return 2;
    });
    return cl;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
