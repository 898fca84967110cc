package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs too big to check in, generated here. Each is run through the real command line in
 * a separate JVM with a small heap (-Xmx48m): it must be refused with its message and exit 1, no
 * stack trace, and no OutOfMemoryError, which proves memory stays bounded whatever the input.
 */
class GeneratedInvalidInputsTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void tenMegabyteFileIsRefusedBeforeParsing() throws Exception {
    Path f = dir.resolve("huge.yaml");
    StringBuilder sb = new StringBuilder("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\n  annotations:\n");
    int i = 0;
    while (sb.length() < 10 * 1024 * 1024) {
      sb.append("    k").append(i++).append(": \"").append("x".repeat(100)).append("\"\n");
    }
    Files.writeString(f, sb);
    assertRefused(f, "huge.yaml: input is larger than the 4 MiB limit");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void deeplyNestedJunkIsRefusedWithoutStackOverflow() throws Exception {
    Path f = dir.resolve("deep.yaml");
    Files.writeString(f, "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
    assertRefused(f, "deep.yaml:1: nested deeper than 64 levels");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void deeplyNestedBlockMappingsAreRefused() throws Exception {
    Path f = dir.resolve("deep-block.yaml");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      sb.append(" ".repeat(i)).append("k:\n");
    }
    Files.writeString(f, sb);
    assertRefused(f, "deep-block.yaml:65: nested deeper than 64 levels");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void wideAliasBombIsRefused() throws Exception {
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  annotations:\n");
    sb.append("    l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int level = 1; level <= 10; level++) {
      List<String> refs = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        refs.add("*l" + (level - 1));
      }
      sb.append("    l").append(level).append(": &l").append(level).append(" [").append(String.join(",", refs)).append("]\n");
    }
    Path f = dir.resolve("bomb.yaml");
    Files.writeString(f, sb);
    assertRefused(f, "an alias bomb?");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void binaryJunkIsRefusedAsNotText() throws Exception {
    Path f = dir.resolve("junk.yaml");
    byte[] junk = new byte[64 * 1024];
    new java.util.Random(42).nextBytes(junk);
    Files.write(f, junk);
    assertRefused(f, "junk.yaml: input is not UTF-8 text");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void manyDocumentsOfJunkReportEveryDocument() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      sb.append("---\n- just\n- a list ").append(i).append('\n');
    }
    Path f = dir.resolve("lists.yaml");
    Files.writeString(f, sb);
    CliRun run = CliRun.of("validate", "-f", f.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines().filter(l -> l.contains("expected a Kubernetes-style object")).count()).isEqualTo(1_000);
    InvalidCorpusTest.assertNoStackTrace(run);
  }

  @Test
  void missingFileIsAOneLineError() {
    CliRun run = CliRun.of("validate", "-f", dir.resolve("nope.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("nope.yaml: no such file");
    InvalidCorpusTest.assertNoStackTrace(run);
  }

  @Test
  void stdinIsRead() {
    CliRun run = CliRun.withStdin("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\nspec:\n  servers: []\n",
        "validate", "-f", "-");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("-:6: Gateway default/g: spec.servers: gateway must have at least one server");
  }

  /** Runs {@code weft validate -f file} in a fresh JVM with a 48 MB heap. */
  private static void assertRefused(Path file, String expected) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx48m", "-Xss512k", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "validate", "-f", file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains(expected).doesNotContain("OutOfMemoryError").doesNotContain("\tat ").doesNotContain("Exception");
  }
}
