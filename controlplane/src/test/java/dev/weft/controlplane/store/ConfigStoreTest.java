package dev.weft.controlplane.store;

import static dev.weft.controlplane.testing.Yaml.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {
  private static final ResourceKey GW_A = new ResourceKey(Kind.GATEWAY, "default", "a");
  private static final ResourceKey GW_B = new ResourceKey(Kind.GATEWAY, "default", "b");

  private final ConfigStore store = ConfigStore.inMemory();

  @Test
  void applyCreatesThenReportsUnchangedThenConfigured() {
    WriteResult first = store.apply("a.yaml", gateway("a", 80));
    assertThat(first.accepted()).isTrue();
    assertThat(first.changes()).containsExactly(new ResourceChange(GW_A, Action.CREATED, 1));
    assertThat(first.revision()).isEqualTo(1);

    WriteResult same = store.apply("a.yaml", gateway("a", 80));
    assertThat(same.changes()).containsExactly(new ResourceChange(GW_A, Action.UNCHANGED, 1));
    assertThat(same.revision()).isEqualTo(1);

    WriteResult changed = store.apply("a.yaml", gateway("a", 81));
    assertThat(changed.changes()).containsExactly(new ResourceChange(GW_A, Action.CONFIGURED, 2));
    assertThat(store.get(GW_A).orElseThrow().resource().as(Gateway.class).spec().servers().getFirst().port().number())
        .isEqualTo(81);
  }

  @Test
  void versionsAreTheRevisionOfTheLastChange() {
    store.apply("a.yaml", gateway("a", 80));
    store.apply("b.yaml", gateway("b", 80));
    store.apply("a.yaml", gateway("a", 82));
    assertThat(store.revision()).isEqualTo(3);
    assertThat(store.get(GW_A).orElseThrow().resourceVersion()).isEqualTo(3);
    assertThat(store.get(GW_B).orElseThrow().resourceVersion()).isEqualTo(2);
    store.delete(List.of(GW_B));
    assertThat(store.revision()).isEqualTo(4);
  }

  @Test
  void aBatchWithOneInvalidResourceIsRefusedWhole() {
    store.apply("a.yaml", gateway("a", 80));
    String batch = gateway("a", 90) + "---\n" + gateway("b", 70000);

    WriteResult r = store.apply("batch.yaml", batch);

    assertThat(r.accepted()).isFalse();
    assertThat(r.changes()).isEmpty();
    assertThat(r.diagnostics()).extracting(Diagnostic::format)
        .containsExactly("batch.yaml:28: Gateway default/b: spec.servers[0].port.number: port must be 1..65535, got 70000");
    assertThat(store.revision()).isEqualTo(1);
    assertThat(store.get(GW_B)).isEmpty();
    assertThat(store.get(GW_A).orElseThrow().canonical()).contains("number: 80");
  }

  @Test
  void theSameResourceTwiceInOneInputIsRefused() {
    WriteResult r = store.apply("x.yaml", gateway("a", 80) + "---\n" + gateway("a", 81));
    assertThat(r.accepted()).isFalse();
    assertThat(r.diagnostics()).extracting(Diagnostic::format)
        .containsExactly("x.yaml:16: Gateway default/a: metadata.name: defined twice in this input: first at line 1");
    assertThat(store.config().size()).isZero();
  }

  @Test
  void aLaterInputReplacesAnEarlierOneAsInKubectl() {
    WriteResult r = store.apply(List.of(new ConfigInput("x.yaml", gateway("a", 80)), new ConfigInput("y.yaml", gateway("a", 81))), "default");
    assertThat(r.accepted()).isTrue();
    assertThat(r.changes()).containsExactly(new ResourceChange(GW_A, Action.CREATED, 1));
    assertThat(store.get(GW_A).orElseThrow().canonical()).contains("number: 81");
  }

  @Test
  void theDefaultedNamespaceIsWrittenIntoTheStoredDocument() {
    store.apply(List.of(new ConfigInput("a.yaml", gateway("a", 80))), "prod");
    StoredResource r = store.get(new ResourceKey(Kind.GATEWAY, "prod", "a")).orElseThrow();
    assertThat(r.canonical()).contains("metadata:\n  name: a\n  namespace: prod\n");
    assertThat(YamlWriter.write(r.versionedDocument())).contains("  resourceVersion: '1'\n");
  }

  @Test
  void getOutputWithResourceVersionAppliesAsUnchanged() {
    store.apply("a.yaml", gateway("a", 80));
    String got = YamlWriter.write(store.get(GW_A).orElseThrow().versionedDocument());
    WriteResult r = store.apply("got.yaml", got);
    assertThat(r.changes()).containsExactly(new ResourceChange(GW_A, Action.UNCHANGED, 1));
  }

  @Test
  void deleteByTextReadsOnlyIdentityAndReportsNotFound() {
    store.apply("a.yaml", gateway("a", 80));
    // The spec is invalid: deleting must not care.
    WriteResult r = store.delete(List.of(new ConfigInput("d.yaml", gateway("a", 70000) + "---\n" + gateway("zz", 80))), "default");
    assertThat(r.accepted()).isTrue();
    assertThat(r.changes()).containsExactly(
        new ResourceChange(GW_A, Action.DELETED, 0),
        new ResourceChange(new ResourceKey(Kind.GATEWAY, "default", "zz"), Action.NOT_FOUND, 0));
    assertThat(store.config().size()).isZero();
  }

  @Test
  void syncPrunesWhatTheInputNoLongerDefines() {
    store.apply("f.yaml", gateway("a", 80) + "---\n" + gateway("b", 80));
    WriteResult r = store.sync(List.of(new ConfigInput("f.yaml", gateway("a", 80))), "default", java.util.Set.of(GW_A, GW_B));
    assertThat(r.changes()).containsExactly(new ResourceChange(GW_A, Action.UNCHANGED, 1), new ResourceChange(GW_B, Action.DELETED, 0));
    assertThat(store.get(GW_B)).isEmpty();
  }

  @Test
  void watchersGetTheCurrentStateThenEachCommittedWrite() {
    store.apply("a.yaml", gateway("a", 80));
    List<ConfigEvent> events = new ArrayList<>();
    try (var sub = store.watch(events::add)) {
      store.apply("b.yaml", gateway("b", 80));
      store.apply("b.yaml", gateway("b", 80)); // unchanged: no event
      store.apply("bad.yaml", gateway("c", 0)); // refused: no event
      store.delete(List.of(GW_A));
    }
    store.apply("c.yaml", gateway("c", 80)); // after close: not delivered

    assertThat(events).extracting(ConfigEvent::revision).containsExactly(1L, 2L, 3L);
    assertThat(events.get(0).changed()).containsExactly(GW_A);
    assertThat(events.get(1).changed()).containsExactly(GW_B);
    assertThat(events.get(1).config().resources()).extracting(r -> r.key()).containsExactly(GW_A, GW_B);
    assertThat(events.get(2).changed()).containsExactly(GW_A);
    assertThat(events.get(2).config().resources()).extracting(r -> r.key()).containsExactly(GW_B);
  }

  @Test
  void aFailingWatcherDoesNotFailTheWrite() {
    store.watch(e -> {
      throw new IllegalStateException("boom");
    });
    assertThat(store.apply("a.yaml", gateway("a", 80)).accepted()).isTrue();
    assertThat(store.get(GW_A)).isPresent();
  }

  @Test
  void emptyAndUnmanagedInputs() {
    WriteResult empty = store.apply("e.yaml", "");
    assertThat(empty.accepted()).isFalse();
    assertThat(empty.diagnostics().getFirst().format()).isEqualTo("e.yaml: no resources found: the input is empty");
    WriteResult sa = store.apply("sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n");
    assertThat(sa.accepted()).isTrue();
    assertThat(sa.ignored()).isEqualTo(1);
    assertThat(sa.revision()).isZero();
  }
}
