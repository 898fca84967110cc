package dev.weft.bench;

import dev.weft.config.load.ConfigLoader;
import dev.weft.config.yaml.YamlLimits;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parse + validate of N mixed resources in-process (issue 2 target: 10,000 in under 1 s). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class ConfigLoadBenchmark {
  @Param("10000")
  int resources;

  String text;
  YamlLimits limits;

  @Setup(Level.Trial)
  public void setup() {
    text = MixedConfig.generate(resources);
    // The default 4 MiB input limit is for one user file; the benchmark's single input is larger.
    limits = new YamlLimits(64 * 1024 * 1024, 64, 100_000_000, 1_000, 1_000_000);
    ConfigLoader check = new ConfigLoader(limits, "default").addText("bench.yaml", text);
    if (check.diagnostics().hasErrors()) {
      throw new IllegalStateException("generated config is invalid: " + check.diagnostics().list().getFirst());
    }
  }

  @Benchmark
  public int parseAndValidate() {
    ConfigLoader loader = new ConfigLoader(limits, "default").addText("bench.yaml", text);
    return loader.resources().size();
  }
}
