package dev.weft.controlplane.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.testing.Corpus;
import dev.weft.controlplane.xds.ProxyNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each Bookinfo networking sample with Bookinfo's services (the VirtualService samples
 * with destination-rule-all.yaml, as Istio's tasks apply them), translated for the
 * productpage sidecar and the ingress gateway, compared with
 * {@code src/test/resources/golden/<sample>/<proxy>.json}. {@code -Dweft.golden.update=true}
 * rewrites them (review the diff before committing).
 */
class GoldenTest {
  static final boolean UPDATE = Boolean.getBoolean("weft.golden.update");
  static final Path GOLDEN = Corpus.repoRoot().resolve("controlplane/src/test/resources/golden");
  static final Path BOOKINFO = Corpus.samples().resolve("bookinfo");

  static final ProxyNode PRODUCTPAGE = Mesh.sidecar("productpage-v1-7d4f9c5b8-abcde", "default",
      Map.of("app", "productpage", "version", "v1"));
  static final ProxyNode INGRESS = Mesh.router("istio-ingressgateway-5d8c7b9f4-fghij", "istio-system",
      Map.of("app", "istio-ingressgateway", "istio", "ingressgateway"));
  /** A gRPC client in reviews-v2's pod (proxyless), for the samples that exercise routing features. */
  static final ProxyNode GRPC = Mesh.proxyless("reviews-v2-5b8f7c6d9-klmno", "default",
      Map.of("app", "reviews", "version", "v2"));

  static Stream<String> samples() throws IOException {
    try (Stream<Path> files = Files.list(BOOKINFO.resolve("networking"))) {
      return Stream.concat(Stream.of("none"), files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml")).map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sample(String sample) throws IOException {
    List<Path> files = new ArrayList<>(List.of(BOOKINFO.resolve("platform/kube/bookinfo.yaml")));
    if (!sample.equals("none")) {
      files.add(BOOKINFO.resolve("networking/" + sample + ".yaml"));
    }
    if (sample.startsWith("virtual-service-")) {
      // Istio's traffic-management tasks apply the subsets first: the routes name them.
      files.add(BOOKINFO.resolve("networking/destination-rule-all.yaml"));
    }
    ConfigSet config = Mesh.load(files, Map.of());
    MeshSnapshot snapshot = Mesh.snapshot(config);
    IstioTranslator translator = new IstioTranslator();
    check(sample, "sidecar", Mesh.json(translator.translate(snapshot, PRODUCTPAGE)));
    check(sample, "gateway", Mesh.json(translator.translate(snapshot, INGRESS)));
    if (NONE_MODE_SAMPLES.contains(sample)) {
      check(sample, "sidecar-none", Mesh.json(translator.translate(snapshot, PRODUCTPAGE_NONE)));
    }
    if (PROXYLESS_SAMPLES.contains(sample)) {
      check(sample, "proxyless", Mesh.json(translator.translate(snapshot, GRPC)));
    }
  }

  /** The productpage sidecar of {@code weft up}: no capture, its own loopback address, HTTP_PROXY port. */
  static final ProxyNode PRODUCTPAGE_NONE = Mesh.sidecar("productpage-v1-1", "default",
      Map.of("app", "productpage", "version", "v1"), "127.0.10.2",
      Map.of("INTERCEPTION_MODE", "NONE", "HTTP_PROXY_PORT", "15080", "WEFT_APP_PORTS", "10002=127.0.0.1:31000"));

  static final List<String> NONE_MODE_SAMPLES = List.of("none", "virtual-service-reviews-test-v2");

  static final List<String> PROXYLESS_SAMPLES = List.of("virtual-service-ratings-test-delay", "fault-injection-details-v1",
      "virtual-service-reviews-80-20", "destination-rule-reviews");

  private static void check(String sample, String proxy, String actual) throws IOException {
    Path file = GOLDEN.resolve(sample).resolve(proxy + ".json");
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
      return;
    }
    assertThat(file).as("golden file %s (run with -Dweft.golden.update=true to create it)", file).exists();
    assertThat(actual).as("translation of %s for the %s differs from %s", sample, proxy, file)
        .isEqualTo(Files.readString(file));
  }
}
