package dev.weft.config.networking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Istio's own YAML for DestinationRule, ServiceEntry, WorkloadEntry, WorkloadGroup and Sidecar reads cleanly. */
class NetworkingCorpusTest {
  private static final Set<Kind> KINDS = Set.of(Kind.DESTINATION_RULE, Kind.SERVICE_ENTRY, Kind.WORKLOAD_ENTRY, Kind.WORKLOAD_GROUP, Kind.SIDECAR);
  private static final List<String> KIND_NAMES = KINDS.stream().map(k -> k.kindName() + " ").toList();

  @Test
  void everySampleOfTheseKindsLoadsWithoutErrors() throws IOException {
    Loaded loaded = load(Corpus.samples());
    assertThat(errorsOfOurKinds(loaded)).isEmpty();
    assertThat(loaded.resources().stream().filter(r -> KINDS.contains(r.kind())).count()).isGreaterThanOrEqualTo(10);
  }

  /**
   * The analyzer test inputs hold deliberate semantic mistakes (that is what they test), but every
   * field in them is one of Istio's: none may be reported as unknown or of the wrong type.
   */
  @Test
  void analyzerInputsOfTheseKindsHaveNoUnknownFieldsOrTypeErrors() throws IOException {
    Loaded loaded = load(Corpus.analyzerTestdata());
    assertThat(errorsOfOurKinds(loaded).stream()
        .filter(d -> d.message().startsWith("unknown field") || d.message().startsWith("expected ")
            || d.message().startsWith("invalid value") || d.message().startsWith("only one of"))
        .toList()).isEmpty();
    List<Resource<?>> ours = loaded.resources().stream().filter(r -> KINDS.contains(r.kind())).toList();
    assertThat(ours.stream().map(Resource::kind).distinct()).contains(Kind.DESTINATION_RULE, Kind.SERVICE_ENTRY, Kind.SIDECAR);
  }

  /** Each file in its own loader (files reuse names), results gathered. */
  private record Loaded(List<Resource<?>> resources, List<Diagnostic> diagnostics) {}

  private static Loaded load(Path dir) throws IOException {
    List<Resource<?>> resources = new ArrayList<>();
    List<Diagnostic> diagnostics = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        String text = Files.readString(f);
        if (KINDS.stream().anyMatch(k -> text.contains("kind: " + k.kindName()))) {
          ConfigLoader loader = new ConfigLoader().addPath(f);
          resources.addAll(loader.resources());
          diagnostics.addAll(loader.diagnostics().list());
        }
      }
    }
    return new Loaded(resources, diagnostics);
  }

  private static List<Diagnostic> errorsOfOurKinds(Loaded loaded) {
    return loaded.diagnostics().stream()
        .filter(d -> d.level() == Level.ERROR && KIND_NAMES.stream().anyMatch(k -> d.resource().startsWith(k)))
        .toList();
  }
}
