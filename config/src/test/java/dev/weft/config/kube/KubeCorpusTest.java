package dev.weft.config.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Istio's samples and analyzer inputs: every Kubernetes object Weft reads loads without a message. */
class KubeCorpusTest {
  private static final Set<Kind> KUBE = EnumSet.of(Kind.SERVICE, Kind.POD, Kind.DEPLOYMENT, Kind.NAMESPACE, Kind.SECRET, Kind.CONFIG_MAP);

  @Test
  void everyKubeObjectInTheSamplesAndAnalyzerInputsLoads() throws IOException {
    List<String> problems = new ArrayList<>();
    Set<Kind> seen = EnumSet.noneOf(Kind.class);
    int platformKube = 0;
    for (Path f : yamlFiles(Corpus.samples(), Corpus.analyzerTestdata())) {
      ConfigLoader loader = new ConfigLoader().addPath(f);
      for (Diagnostic d : loader.diagnostics().list()) {
        if (KUBE.stream().anyMatch(k -> d.resource().startsWith(k.kindName() + " "))) {
          problems.add(d.format());
        }
      }
      for (Resource<?> r : loader.resources()) {
        seen.add(r.kind());
        if (KUBE.contains(r.kind()) && f.toString().contains("platform/kube")) {
          platformKube++;
        }
      }
    }
    assertThat(problems).isEmpty();
    // the corpus has no ConfigMap; KubeKindsTest reads one
    assertThat(seen).contains(Kind.SERVICE, Kind.POD, Kind.DEPLOYMENT, Kind.NAMESPACE, Kind.SECRET);
    assertThat(platformKube).isGreaterThan(40);
  }

  static List<Path> yamlFiles(Path... roots) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(out::add);
      }
    }
    return out;
  }
}
