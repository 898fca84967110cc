package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main#run}: the mesh's long-running commands are built alone (their start counts), and still check their input. */
class MainTest {

  @Test
  void aLongRunningCommandRunsAloneWithItsOwnValidation(@TempDir Path dir) {
    assertThat(Main.run("controlplane", "--data-dir", dir.toString(), "--port", "70000")).isEqualTo(2);
    assertThat(Main.run("weftd", "--data-dir", dir.toString(), "--workload-ttl", "0")).isEqualTo(2);
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertThat(Main.run("up", "--no-such-option")).isEqualTo(2);
    assertThat(Main.run("run", "--no-such-option")).isEqualTo(2);
    assertThat(Main.run("validate", "--no-such-option")).isEqualTo(2);
  }

  @Test
  void helpStillWorksForEveryCommand() {
    assertThat(Main.run("up", "--help")).isZero();
    assertThat(Main.run("proxy", "--help")).isZero();
    assertThat(Main.run("--version")).isZero();
  }
}
