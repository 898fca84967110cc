package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local-mesh commands' answers when there is nothing to act on (the mesh itself: the e2e module). */
class RuntimeCommandsTest {

  @Test
  void transparentModeSaysItIsNotAvailable() {
    CliRun r = CliRun.of("up", "--transparent");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--transparent").contains("not available yet").doesNotContain("Exception");
  }

  @Test
  void badRangeIsRefused(@TempDir Path dir) {
    CliRun r = CliRun.of("up", "--run-dir", dir.toString(), "--ip-range", "10.1.2.0/24");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("weft up: --ip-range: the range must be inside 127.0.0.0/8 (loopback)\n");
  }

  @Test
  void statusDownAndRunWithoutAMesh(@TempDir Path dir) {
    CliRun status = CliRun.of("status", "--run-dir", dir.toString());
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.out()).contains("nothing is running from " + dir);

    CliRun down = CliRun.of("down", "--run-dir", dir.toString());
    assertThat(down.exitCode()).isZero();
    assertThat(down.out()).contains("nothing is running");

    CliRun run = CliRun.of("run", "--run-dir", dir.toString(), "--name", "hello", "--port", "8000", "--", "true");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no mesh is running from " + dir);

    CliRun badName = CliRun.of("run", "--run-dir", dir.toString(), "--name", "Mesh!", "--port", "8000", "--", "true");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).contains("--name must be a DNS label");
  }
}
