package dev.weft.cli.runtime;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the mesh's Java processes: the very java and class path this {@code weft}
 * runs with (the launcher's {@code cli/target/weft-cli.jar} + {@code lib/}), and its AOT cache when
 * it has one. Small heaps, one GC thread and C1 only: a laptop runs fourteen of these.
 */
final class JavaLauncher {
  private JavaLauncher() {}

  static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m", "-Xmx192m",
      "-XX:CICompilerCount=1", "-Xlog:aot=off", "-Xlog:cds=off", "--enable-native-access=ALL-UNNAMED");

  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static List<String> command(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(FLAGS);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:AOTCache=")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * {@code weft proxy --bootstrap FILE}, started at the proxy's own main class: the same program
   * without building the whole command line first (a sidecar's start time counts).
   */
  static List<String> proxy(Path bootstrap) {
    return command("dev.weft.proxy.ProxyMain", List.of("--bootstrap", bootstrap.toString()));
  }

  /** {@code weft <args>} as a child process. */
  static List<String> weft(List<String> args) {
    return command("dev.weft.cli.Main", args);
  }
}
