package dev.weft.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --run-dir}: where a local mesh keeps its state file, logs and data. */
final class RunDirOption {
  static final String DEFAULT = ".weft/run";

  @Option(names = "--run-dir", paramLabel = "DIR", description = "the local mesh's directory: state, logs, data (default: $WEFT_RUN_DIR, else " + DEFAULT + ")")
  Path runDir;

  Path path() {
    if (runDir != null) {
      return runDir.toAbsolutePath().normalize();
    }
    String env = System.getenv("WEFT_RUN_DIR");
    return Path.of(env != null && !env.isEmpty() ? env : DEFAULT).toAbsolutePath().normalize();
  }
}
