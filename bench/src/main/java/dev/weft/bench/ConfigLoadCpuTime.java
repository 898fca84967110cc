package dev.weft.bench;

import dev.weft.config.load.ConfigLoader;
import dev.weft.config.yaml.YamlLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Parse + validate of N mixed resources, timed by this thread's CPU time as well as wall clock:
 * on a shared, loaded machine the CPU time is the steadier figure. Prints medians after warm-up.
 * Usage: ConfigLoadCpuTime [resources] [iterations]
 */
public final class ConfigLoadCpuTime {
  private ConfigLoadCpuTime() {}

  public static void main(String[] args) {
    int resources = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    String text = MixedConfig.generate(resources);
    YamlLimits limits = new YamlLimits(64 * 1024 * 1024, 64, 100_000_000, 1_000, 1_000_000);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int loaded = 0;
    for (int i = 0; i < 5; i++) { // warm-up
      loaded = new ConfigLoader(limits, "default").addText("bench.yaml", text).resources().size();
    }
    long[] wall = new long[iterations];
    long[] cpu = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      ConfigLoader loader = new ConfigLoader(limits, "default").addText("bench.yaml", text);
      wall[i] = System.nanoTime() - w0;
      cpu[i] = threads.getCurrentThreadCpuTime() - c0;
      if (loader.diagnostics().hasErrors()) {
        throw new IllegalStateException(loader.diagnostics().list().getFirst().format());
      }
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf("parse+validate %d resources (%d loaded, %.1f MB of YAML): median wall %.0f ms, median thread CPU %.0f ms (%d runs after 5 warm-up)%n",
        resources, loaded, text.length() / 1e6, wall[iterations / 2] / 1e6, cpu[iterations / 2] / 1e6, iterations);
  }
}
