package dev.weft.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.networking.gateway.Gateway;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: g}
      spec:
        servers:
        - port: {number: %d, name: http, protocol: HTTP}
          hosts: ["*"]
      """;

  @Test
  void laterInputReplacesTheSameResourceFromAnEarlierOne() {
    ConfigLoader loader = new ConfigLoader().addText("a.yaml", GATEWAY.formatted(80)).addText("b.yaml", GATEWAY.formatted(8080));
    assertThat(loader.diagnostics().list()).isEmpty();
    assertThat(loader.resources()).hasSize(1);
    assertThat(loader.resources().getFirst().origin().file()).isEqualTo("b.yaml");
    assertThat(loader.resources().getFirst().as(Gateway.class).spec().servers().getFirst().port().number()).isEqualTo(8080);
  }

  @Test
  void sameResourceTwiceInOneInputIsAnError() {
    ConfigLoader loader = new ConfigLoader().addText("a.yaml", GATEWAY.formatted(80) + "---\n" + GATEWAY.formatted(81));
    assertThat(loader.diagnostics().list()).extracting(Diagnostic::format)
        .containsExactly("a.yaml:9: Gateway default/g: metadata.name: defined twice in this input: first at line 1");
    assertThat(loader.resources()).hasSize(1);
  }

  @Test
  void namespaceDefaultsToTheLoadersAndKubernetesListsAreExpanded() {
    String list = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.istio.io/v1beta1
          kind: Gateway
          metadata: {name: a}
          spec: {servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
        - apiVersion: networking.istio.io/v1alpha3
          kind: Gateway
          metadata: {name: b, namespace: other}
          spec: {servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
        """;
    ConfigLoader loader = new ConfigLoader(dev.weft.config.yaml.YamlLimits.DEFAULT, "prod").addText("l.yaml", list);
    assertThat(loader.diagnostics().list()).isEmpty();
    assertThat(loader.resources()).extracting(r -> r.key().toString())
        .containsExactly("Gateway prod/a", "Gateway other/b");
  }

  @Test
  void unknownIstioKindIsAnErrorWithASuggestionAndForeignKindsAreSkipped() {
    ConfigLoader loader = new ConfigLoader().addText("k.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualServise
        metadata: {name: x}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: sa}
        """);
    assertThat(loader.diagnostics().list()).extracting(Diagnostic::format)
        .containsExactly("k.yaml:2: kind: unknown kind \"VirtualServise\" in networking.istio.io (did you mean \"VirtualService\"?)");
    assertThat(loader.ignored()).isEqualTo(1);
  }

  @Test
  void unsupportedVersionIsAnError() {
    ConfigLoader loader = new ConfigLoader().addText("v.yaml", GATEWAY.formatted(80).replace("networking.istio.io/v1", "networking.istio.io/v2"));
    assertThat(loader.diagnostics().list()).extracting(Diagnostic::format).containsExactly(
        "v.yaml:1: apiVersion: version \"v2\" of Gateway is not supported; use networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3");
  }
}
