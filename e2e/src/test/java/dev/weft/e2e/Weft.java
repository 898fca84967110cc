package dev.weft.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code weft} as the launcher runs it, from the built artifact: the JDK running this test,
 * {@code cli/target/weft-cli-*.jar} and {@code cli/target/lib/*}, {@code dev.weft.cli.Main}.
 */
final class Weft {
  private Weft() {}

  static final Path ROOT = findRoot();

  record Result(int exit, String output) {}

  private static Path findRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("cli/target/lib")) && Files.isDirectory(p.resolve("samples/bookinfo"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the built cli (cli/target/lib) above " + Path.of("").toAbsolutePath()
        + ": run through `mvn verify`, which packages cli before this module");
  }

  static String classpath() {
    Path target = ROOT.resolve("cli/target");
    List<String> cp = new ArrayList<>();
    try (Stream<Path> jars = Files.list(target); Stream<Path> lib = Files.list(target.resolve("lib"))) {
      cp.add(jars.filter(p -> p.getFileName().toString().matches("weft-cli-.*\\.jar") && !p.toString().endsWith("-tests.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no weft-cli jar in " + target)).toString());
      lib.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.add(p.toString()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return String.join(":", cp);
  }

  static List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(), "dev.weft.cli.Main"));
    cmd.addAll(args);
    return cmd;
  }

  /** Starts {@code weft args...} with its output (stdout and stderr) going to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return new ProcessBuilder(command(List.of(args))).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** Runs {@code weft args...} to the end (bounded), returning its exit code and output. */
  static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("weft-e2e", ".out");
    try {
      Process p = start(out, args);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("weft " + String.join(" ", args) + " did not finish in " + timeout + ": " + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
