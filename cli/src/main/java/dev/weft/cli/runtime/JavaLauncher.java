package dev.weft.cli.runtime;

import dev.weft.proxy.ProxyJvmOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
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

  private static final String PROXY_MAIN = "dev.weft.proxy.ProxyMain";

  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static List<String> command(String mainClass, List<String> args) {
    List<String> aot = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:AOTCache=")) {
        aot.add(a);
      }
    }
    return command(mainClass, args, aot);
  }

  private static List<String> command(String mainClass, List<String> args, List<String> aotFlags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(mainClass.equals(PROXY_MAIN) ? ProxyJvmOptions.current() : FLAGS);   // the proxy's flags have one home
    cmd.addAll(aotFlags);
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
  static List<String> proxy(Path bootstrap, boolean train) {
    List<String> args = List.of("--bootstrap", bootstrap.toString());
    Path cache = proxyAotCache();
    if (cache == null) {
      return command("dev.weft.proxy.ProxyMain", args);
    }
    if (current(cache)) {
      return command("dev.weft.proxy.ProxyMain", args, List.of("-XX:AOTCache=" + cache));
    }
    return train ? command("dev.weft.proxy.ProxyMain", args, List.of("-XX:AOTCacheOutput=" + cache)) : command("dev.weft.proxy.ProxyMain", args);
  }

  /**
   * The proxies' own AOT cache (JDK 25, JEP 483/514) beside the weft-cli jar: a proxy started with
   * it loads and links its ~6,000 classes from the cache (measured: 3.7 CPU-s to ready without,
   * 1.3-1.6 with). Made by the first {@code weft up} whose gateway runs with
   * {@code -XX:AOTCacheOutput} (written when it stops); the launcher deletes it on every rebuild,
   * and a cache that no longer matches the class path is ignored by the JVM.
   */
  static Path proxyAotCache() {
    String first = System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0];
    Path jar = Path.of(first).toAbsolutePath();
    Path dir = jar.getParent();
    return dir != null && jar.getFileName().toString().startsWith("weft-cli") && Files.isWritable(dir)
        ? dir.resolve("weft-proxy.aot") : null;
  }

  /** Whether proxies started now would train the cache (none there, or older than the class path). */
  static boolean proxyCacheMissing() {
    Path cache = proxyAotCache();
    return cache != null && !current(cache);
  }

  /** The cache exists and is newer than every jar of the class path (a rebuild makes it stale). */
  private static boolean current(Path cache) {
    try {
      if (!Files.isRegularFile(cache)) {
        return false;
      }
      long made = Files.getLastModifiedTime(cache).toMillis();
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path p = Path.of(entry);
        if (Files.exists(p) && Files.getLastModifiedTime(p).toMillis() > made) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** {@code weft <args>} as a child process. */
  static List<String> weft(List<String> args) {
    return command("dev.weft.cli.Main", args);
  }
}
