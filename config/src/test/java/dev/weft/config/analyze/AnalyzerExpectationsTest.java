package dev.weft.config.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostics;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Istio's own analyzer tests, replayed: for every input of Istio's analyzers_test.go (in the corpus),
 * the messages Weft reports must be exactly those istioctl reports, as a multiset of
 * (code, "Kind namespace/name"), listed in analyzer-expectations.tsv. Each case runs the one analyzer
 * Istio's case runs, over the file plus Istio's implicit ingress gateway Pod and Service.
 *
 * <p>Istio's test harness leaves a missing namespace empty (the tsv then names the resource by
 * {@code name} alone); Weft's loader defaults it to "default", as istioctl analyze does. A resource
 * whose YAML names no namespace is therefore compared by its name alone.
 */
class AnalyzerExpectationsTest {

  /** Cases Weft cannot reproduce, with the reason. Keep small and honest. */
  static final Map<String, String> SKIPPED = Map.of(
      "virtualservice_kubernetes_gateways.yaml",
      "needs Kubernetes Gateway API Gateways (gateway.networking.k8s.io), which Weft does not model",
      "gateway-api-crd-version-old.yaml",
      "checks the bundle version of Gateway API CustomResourceDefinitions, which Weft does not model",
      "k8sgateway-selector.yaml",
      "concerns Kubernetes Gateway API gateway pods and the Telemetry/WasmPlugin kinds, which Weft does not model");

  /** Inputs Istio's case analyzes together with the file (the tsv comments name them). */
  static final Map<String, List<String>> COMPANIONS = Map.of(
      "virtualservice_dupmatches.yaml", List.of("virtualservice_overlappingmatches.yaml"),
      "virtualservice_overlappingmatches.yaml", List.of("virtualservice_dupmatches.yaml"));

  /** Mesh config files: the case analyzes `input` with this mesh config. */
  record MeshCase(String input, String meshConfig) {}

  static final Map<String, MeshCase> MESH_CONFIG = Map.of(
      "serviceentry-address-allocated.yaml",
      new MeshCase("serviceentry-address-allocated.yaml", "serviceentry-address-allocated-mesh-cfg.yaml"),
      "serviceentry-address-allocated-mesh-cfg.yaml",
      new MeshCase("serviceentry-address-allocated.yaml", "serviceentry-address-allocated-mesh-cfg.yaml"),
      "serviceentry-missing-addresses-protocol-mesh-cfg.yaml",
      new MeshCase("serviceentry-missing-addresses-protocol.yaml", "serviceentry-missing-addresses-protocol-mesh-cfg.yaml"));

  record Case(String file, String analyzer, List<String> expected) {}

  @TestFactory
  Stream<DynamicTest> everyIstioAnalyzerCaseReportsExactlyIstiosMessages() throws IOException {
    List<Case> cases = readExpectations();
    assertThat(cases).hasSize(61);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.file() + " [" + c.analyzer() + "]", () -> check(c)));
  }

  static void check(Case c) throws IOException {
    String skip = SKIPPED.get(c.file());
    Assumptions.assumeTrue(skip == null, () -> "skipped: " + skip);
    assertThat(c.analyzer().equals("(none)") || Analysis.exists(c.analyzer())).as("Weft has analyzer %s", c.analyzer()).isTrue();
    Path dir = Corpus.analyzerTestdata();
    MeshCase meshCase = MESH_CONFIG.get(c.file());
    String input = meshCase == null ? c.file() : meshCase.input();
    MeshConfig mesh = MeshConfig.defaults();
    Diagnostics meshProblems = new Diagnostics();
    if (meshCase != null) {
      Path meshFile = dir.resolve(meshCase.meshConfig());
      mesh = MeshConfig.parse(meshFile.toString(), Files.readString(meshFile), meshProblems);
    }
    assertThat(meshProblems.list()).as("mesh config problems").isEmpty();

    ConfigLoader loader = new ConfigLoader();
    loader.addPath(dir.resolve(input));
    for (String companion : COMPANIONS.getOrDefault(c.file(), List.of())) {
      loader.addPath(dir.resolve(companion));
    }
    List<Resource<?>> all = new ArrayList<>(loader.invalidResources());
    all.addAll(loader.resources());
    ConfigSet config = DefaultResources.withDefaults(all, mesh);

    // "(none)": no Istio case covers the file; then every analyzer must stay quiet about it
    Analysis analysis = c.analyzer().equals("(none)") ? Analysis.all() : Analysis.named(List.of(c.analyzer()));
    List<AnalysisMessage> messages = analysis.run(config, mesh);
    List<String> actual = new ArrayList<>();
    for (AnalysisMessage m : messages) {
      Resource<?> r = config.get(m.resource()).orElseThrow();
      // with companions, the tsv lists under each file the messages about its own resources
      if (Path.of(r.origin().file()).getFileName().toString().equals(input)) {
        actual.add(m.code() + " " + istioId(m.resource(), r));
      }
    }
    assertThat(actual)
        .as("messages for %s; weft reported:%n%s%nload diagnostics:%n%s", c.file(),
            String.join("\n", messages.stream().map(AnalysisMessage::format).toList()),
            String.join("\n", loader.diagnostics().list().stream().map(Object::toString).toList()))
        .containsExactlyInAnyOrderElementsOf(c.expected());
  }

  /** Istio's FriendlyName: "Kind ns/name", or "Kind name" when the YAML named no namespace. */
  static String istioId(ResourceKey key, Resource<?> r) {
    if (key.namespace().isEmpty() || r.sourceMap().exactLineOf("metadata.namespace") == 0) {
      return key.kind().kindName() + " " + key.name();
    }
    return key.toString();
  }

  static List<Case> readExpectations() throws IOException {
    Map<String, Case> cases = new LinkedHashMap<>();
    Map<String, String> analyzerOf = new HashMap<>();
    String analyzer = null;
    try (InputStream in = AnalyzerExpectationsTest.class.getResourceAsStream("/analyzer-expectations.tsv")) {
      assertThat(in).as("analyzer-expectations.tsv").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("# analyzer: ")) {
          analyzer = line.substring("# analyzer: ".length()).strip();
          continue;
        }
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        String file = f[0];
        analyzerOf.putIfAbsent(file, analyzer);
        Case c = cases.computeIfAbsent(file, k -> new Case(k, analyzerOf.get(k), new ArrayList<>()));
        if (!f[1].equals("-")) {
          c.expected().add(f[1] + " " + f[2] + " " + f[3]);
        }
      }
    }
    return List.copyOf(cases.values());
  }
}
