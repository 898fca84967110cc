package dev.weft.cli.runtime;

import dev.weft.proxy.ProxyJvmOptions;
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
    // This JVM's own command line (/proc/self/cmdline), not the RuntimeMXBean: initialising the
    // management classes cost every `weft up` and `weft run` CPU time at start.
    for (String a : ProcessHandle.current().info().arguments().orElse(new String[0])) {
      if (a.startsWith("-XX:AOTCache=")) {
        aot.add(a);
      }
    }
    return command(mainClass, args, aot);
  }

  private static List<String> command(String mainClass, List<String> args, List<String> aotFlags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    if (mainClass.equals(PROXY_MAIN)) {
      cmd.addAll(List.of("-Xlog:aot=off", "-Xlog:cds=off"));   // as for every process: a stale cache is not an error
      // The proxy's flags have one home; a mesh on one machine runs its start-tuned profile.
      cmd.addAll(ProxyJvmOptions.current(ProxyJvmOptions.Profile.LOCAL_MESH));
    } else {
      cmd.addAll(FLAGS);
    }
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
    return cached(Cache.PROXY, "dev.weft.proxy.ProxyMain", List.of("--bootstrap", bootstrap.toString()), train);
  }

  /**
   * The AOT caches (JDK 25, JEP 483/514/515) of the mesh's process kinds, beside the weft-cli jar:
   * a process started with its kind's cache loads and links its classes from it (measured for a
   * proxy: 3.7 CPU-s to ready without, 1.3-1.6 with; see README Performance for the other kinds).
   * Each is made by the first {@code weft up} that finds it missing: one process of the kind runs
   * with {@code -XX:AOTCacheOutput} and the cache is written when it stops (that first
   * {@code weft down} takes longer). The launcher deletes them on every rebuild, and a cache older
   * than the class path is not used.
   */
  enum Cache {
    PROXY("weft-proxy.aot"), CONTROL_PLANE("weft-controlplane.aot"), SAMPLE_APP("weft-app.aot");

    final String file;

    Cache(String file) {
      this.file = file;
    }

    /** Where this cache lives, null when the class path is not the launcher's (tests) or its directory is read-only. */
    Path path() {
      String first = System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0];
      Path jar = Path.of(first).toAbsolutePath();
      Path dir = jar.getParent();
      return dir != null && jar.getFileName().toString().startsWith("weft-cli") && Files.isWritable(dir) ? dir.resolve(file) : null;
    }

    /** Whether a process of this kind started now should record the cache (none there, or older than the class path). */
    boolean missing() {
      Path cache = path();
      return cache != null && !current(cache);
    }
  }

  /**
   * {@code mainClass args} with its kind's AOT cache when current; recording it when {@code train};
   * else with the launcher's own cache (which holds the classes every kind shares).
   */
  static List<String> cached(Cache kind, String mainClass, List<String> args, boolean train) {
    Path cache = kind.path();
    if (cache == null) {
      return command(mainClass, args);
    }
    if (current(cache)) {
      return command(mainClass, args, List.of("-XX:AOTCache=" + cache));
    }
    return train ? command(mainClass, args, List.of("-XX:AOTCacheOutput=" + cache)) : command(mainClass, args);
  }

  /** Whether proxies started now would train the cache (none there, or older than the class path). */
  static boolean proxyCacheMissing() {
    return Cache.PROXY.missing();
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

  /** {@code weft controlplane <args>} as a child process, with the control plane's AOT cache (recording it when {@code train}). */
  static List<String> controlPlane(List<String> args, boolean train) {
    List<String> all = new ArrayList<>(List.of("controlplane"));
    all.addAll(args);
    return cached(Cache.CONTROL_PLANE, "dev.weft.cli.Main", all, train);
  }
}
