package dev.weft.controlplane.store;

import static dev.weft.controlplane.testing.Yaml.gateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  private static final ResourceKey GW_A = new ResourceKey(Kind.GATEWAY, "default", "a");
  private static final ResourceKey GW_B = new ResourceKey(Kind.GATEWAY, "prod", "b");

  @TempDir Path dir;

  @Test
  void everyCommittedWriteIsThereAfterReopening() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      s.apply("a.yaml", gateway("a", 80));
      s.apply("b.yaml", gateway("b", "prod", 80));
      s.apply("a.yaml", gateway("a", 81));
    }
    assertThat(dir.resolve("resources/Gateway/default/a.yaml")).content()
        .contains("  namespace: default\n  resourceVersion: '3'\n").contains("number: 81");
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThat(s.startupProblems()).isEmpty();
      assertThat(s.revision()).isEqualTo(3);
      assertThat(s.get(GW_A).orElseThrow().resourceVersion()).isEqualTo(3);
      assertThat(s.get(GW_B).orElseThrow().resourceVersion()).isEqualTo(2);
      assertThat(s.apply("a.yaml", gateway("a", 81)).changes().getFirst().action()).isEqualTo(Action.UNCHANGED);
    }
  }

  @Test
  void deletionsAreDurableAndTheRevisionNeverGoesBack() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      s.apply("a.yaml", gateway("a", 80));
      s.delete(List.of(GW_A));
    }
    assertThat(dir.resolve("resources/Gateway/default/a.yaml")).doesNotExist();
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThat(s.config().size()).isZero();
      assertThat(s.revision()).isEqualTo(2);
      assertThat(s.apply("a.yaml", gateway("a", 80)).revision()).isEqualTo(3);
    }
  }

  @Test
  void invalidFilesAreReportedAndSkippedAndTempFilesRemoved() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      s.apply("a.yaml", gateway("a", 80));
    }
    Path bad = dir.resolve("resources/Gateway/default/bad.yaml");
    Files.writeString(bad, gateway("bad", 70000));
    Path misplaced = dir.resolve("resources/Gateway/default/other.yaml");
    Files.writeString(misplaced, gateway("x", 80));
    Path temp = dir.resolve("resources/Gateway/default/.a.yaml.9.tmp");
    Files.writeString(temp, "apiVersion: networking.istio.io/v1\nkind: Gat"); // torn write
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThat(s.startupProblems()).extracting(Diagnostic::format).containsExactly(
          "resources/Gateway/default/bad.yaml:13: Gateway default/bad: spec.servers[0].port.number: port must be 1..65535, got 70000",
          "resources/Gateway/default/other.yaml: Gateway default/x does not belong in this file (expected resources/Gateway/default/x.yaml): skipped");
      assertThat(s.config().resources()).extracting(r -> r.key()).containsExactly(GW_A);
    }
    assertThat(temp).doesNotExist();
  }

  @Test
  void aJournalLeftByACrashIsFinishedAtStart() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      s.apply("a.yaml", gateway("a", 80));
    }
    // A crash after the commit point of revision 2 (a put and a delete), before any rename.
    Path nsDir = dir.resolve("resources/Gateway/prod");
    Files.createDirectories(nsDir);
    Files.writeString(nsDir.resolve(".b.yaml.2.tmp"), gateway("b", "prod", 80).replace("metadata:\n", "metadata:\n  resourceVersion: '2'\n"));
    Files.writeString(dir.resolve(".revision.2.tmp"), "2\n");
    Files.writeString(dir.resolve("txn/2.txn"), """
        weft-journal 1
        put resources/Gateway/prod/b.yaml resources/Gateway/prod/.b.yaml.2.tmp
        put revision .revision.2.tmp
        delete resources/Gateway/default/a.yaml
        end
        """);
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThat(s.startupProblems()).isEmpty();
      assertThat(s.config().resources()).extracting(r -> r.key()).containsExactly(GW_B);
      assertThat(s.revision()).isEqualTo(2);
      assertThat(s.get(GW_B).orElseThrow().resourceVersion()).isEqualTo(2);
    }
    try (Stream<Path> txn = Files.list(dir.resolve("txn"))) {
      assertThat(txn).isEmpty();
    }
  }

  @Test
  void aJournalWithoutItsTempFilesWasAlreadyCarriedOut() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      s.apply("a.yaml", gateway("a", 80));
    }
    Files.writeString(dir.resolve("txn/1.txn"), """
        weft-journal 1
        put resources/Gateway/default/a.yaml resources/Gateway/default/.a.yaml.1.tmp
        put revision .revision.1.tmp
        end
        """);
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThat(s.config().resources()).extracting(r -> r.key()).containsExactly(GW_A);
    }
  }

  @Test
  void oneControlPlanePerDataDirectory() throws IOException {
    try (ConfigStore s = ConfigStore.open(dir)) {
      assertThatThrownBy(() -> ConfigStore.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }
  }
}
