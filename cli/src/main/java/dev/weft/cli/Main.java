package dev.weft.cli;

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

  /** Runs a command line and returns its exit code; never lets an exception escape as a stack trace. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line (error handling included), for callers that redirect its output. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
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
