package dev.weft.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackRangeTest {

  @Test
  void addressesOfARange() {
    LoopbackRange r = LoopbackRange.parse("127.0.10.0/24");
    assertThat(r.address(1)).isEqualTo("127.0.10.1");
    assertThat(r.address(254)).isEqualTo("127.0.10.254");
    assertThat(r.size()).isEqualTo(254);
    assertThat(LoopbackRange.parse("127.5.0.0/16").address(300)).isEqualTo("127.5.1.44");
    assertThat(LoopbackRange.parse("127.9.9.77").toString()).isEqualTo("127.9.9.0/24");
    assertThatThrownBy(() -> r.address(255)).hasMessageContaining("no address number 255");
  }

  @Test
  void onlyLoopbackRanges() {
    assertThatThrownBy(() -> LoopbackRange.parse("10.0.0.0/24")).hasMessageContaining("127.0.0.0/8");
    assertThatThrownBy(() -> LoopbackRange.parse("127.0.0.0/31")).hasMessageContaining("/8../30");
    assertThatThrownBy(() -> LoopbackRange.parse("127.0.300.0/24")).hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> LoopbackRange.parse("localhost")).hasMessageContaining("not an IPv4 address");
  }

  @Test
  void stateFilesRoundTripAndMeshComesFirst(@TempDir Path dir) throws Exception {
    RunState.Entry e = new RunState.Entry("details-v1", "app", 42, 1000, "127.0.10.2", Map.of("app", 41000), "http://x/health", "l", 1);
    new RunState("zeta", 7, 8, "http://127.0.0.1:15014", "", "127.0.10.0/24", List.of(e)).write(dir);
    new RunState("mesh", 5, 6, "http://127.0.0.1:15014", "127.0.0.1:8080", "127.0.10.0/24", List.of()).write(dir);
    Files.writeString(RunState.file(dir, "broken"), "{not json");
    List<RunState> all = RunState.readAll(dir);
    assertThat(all).extracting(RunState::owner).containsExactly("mesh", "zeta");
    assertThat(all.get(1).processes()).containsExactly(e);
  }
}
