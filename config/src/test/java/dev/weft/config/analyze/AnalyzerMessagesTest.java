package dev.weft.config.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostics;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Resource;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact text (level, code, resource, line, message) of what the analyzers print for Istio's
 * analyzer test inputs, as istioctl prints it (sorted, file names relative to Istio's testdata). Istio's
 * tests check codes and resources only (see AnalyzerExpectationsTest); these pin Weft's wording and
 * lines, checked against Istio's templates and istio.io's rendered examples where there is one
 * (IST0167: sidecar-default-selector.yaml:84 and :90).
 */
class AnalyzerMessagesTest {

  /** What {@code analyzer} prints for the corpus file (with the mesh config file, or the default one). */
  static String messages(String file, String analyzer, String meshConfigFile) throws IOException {
    Path dir = Corpus.analyzerTestdata();
    MeshConfig mesh = MeshConfig.defaults();
    if (meshConfigFile != null) {
      Diagnostics problems = new Diagnostics();
      mesh = MeshConfig.parse(meshConfigFile, Files.readString(dir.resolve(meshConfigFile)), problems);
      assertThat(problems.list()).isEmpty();
    }
    ConfigLoader loader = new ConfigLoader();
    loader.addPath(dir.resolve(file));
    List<Resource<?>> all = new ArrayList<>(loader.invalidResources());
    all.addAll(loader.resources());
    List<AnalysisMessage> found = Analysis.named(List.of(analyzer)).run(DefaultResources.withDefaults(all, mesh), mesh);
    StringBuilder sb = new StringBuilder();
    for (AnalysisMessage m : Analysis.sortedDeduped(found)) {
      sb.append(m.format().replace(dir + "/", "")).append('\n');
    }
    return sb.toString();
  }

  @Test
  void authorizationpolicies() throws IOException {
    assertThat(messages("authorizationpolicies.yaml", "auth.AuthorizationPoliciesAnalyzer", null)).isEqualTo("""
        Error [IST0101] (AuthorizationPolicy httpbin/httpbin-bogus-not-ns authorizationpolicies.yaml:216) Referenced namespace not found: "*-bogus"
        Error [IST0101] (AuthorizationPolicy httpbin/httpbin-bogus-not-ns authorizationpolicies.yaml:217) Referenced namespace not found: "bogus-*"
        Error [IST0101] (AuthorizationPolicy httpbin/httpbin-bogus-ns authorizationpolicies.yaml:249) Referenced namespace not found: "*-bogus"
        Error [IST0101] (AuthorizationPolicy httpbin/httpbin-bogus-ns authorizationpolicies.yaml:250) Referenced namespace not found: "bogus-*"
        Warning [IST0127] (AuthorizationPolicy httpbin-empty/httpbin-empty-namespace-wide authorizationpolicies.yaml:109) No matching workloads for this resource with the following labels:\s
        Warning [IST0127] (AuthorizationPolicy httpbin/httpbin-nopods authorizationpolicies.yaml:155) No matching workloads for this resource with the following labels: app=bogus-label,version=v1
        Warning [IST0127] (AuthorizationPolicy istio-system/meshwide-httpbin-v1 authorizationpolicies.yaml:99) No matching workloads for this resource with the following labels: version=bogus-version
        Warning [IST0127] (AuthorizationPolicy test-ambient/no-workload authorizationpolicies.yaml:277) No matching workloads for this resource with the following labels: app=httpbin,version=v1
        """);
  }

  @Test
  void destinationruleEmptyTopologyLabels() throws IOException {
    assertThat(messages("destinationrule-empty-topology-labels.yaml", "destinationrule.SubsetSelectPodAnalyzer", null)).isEqualTo("""
        Error [IST0173] (DestinationRule default/empty-topology-labels destinationrule-empty-topology-labels.yaml:1) The Subset empty-region defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).
        """);
  }

  @Test
  void destinationruleWithFakeHost() throws IOException {
    assertThat(messages("destinationrule-with-fake-host.yaml", "destinationrule.SubsetSelectPodAnalyzer", null)).isEqualTo("""
        Warning [IST0174] (DestinationRule default/fake-host destinationrule-with-fake-host.yaml:1) The host fake-svc.default.svc.cluster.local defined in the DestinationRule does not match any services in the mesh.
        """);
  }

  @Test
  void serviceentryMissingAddressesProtocol() throws IOException {
    assertThat(messages("serviceentry-missing-addresses-protocol.yaml", "serviceentry.Analyzer", null)).isEqualTo("""
        Warning [IST0134] (ServiceEntry default/service-entry-test-03 serviceentry-missing-addresses-protocol.yaml:49) ServiceEntry addresses are required for this protocol.
        Warning [IST0134] (ServiceEntry default/service-entry-test-04 serviceentry-missing-addresses-protocol.yaml:65) ServiceEntry addresses are required for this protocol.
        Warning [IST0134] (ServiceEntry default/service-entry-test-07 serviceentry-missing-addresses-protocol.yaml:118) ServiceEntry addresses are required for this protocol.
        """);
  }

  @Test
  void serviceentryAddressAllocated() throws IOException {
    assertThat(messages("serviceentry-address-allocated.yaml", "serviceentry.Analyzer", "serviceentry-address-allocated-mesh-cfg.yaml")).isEqualTo("");
  }

  @Test
  void serviceentryConflictingProtocol() throws IOException {
    assertThat(messages("serviceentry-conflicting-protocol.yaml", "serviceentry.ConflictingServiceEntryProtocolAnalyzer", null)).isEqualTo("""
        Warning [IST0177] (ServiceEntry default/se-http serviceentry-conflicting-protocol.yaml:19) Multiple ServiceEntries (default/se-http, default/se-https) define the same host "example.com" and port 13835 with conflicting protocols (HTTP, HTTPS).
        Warning [IST0177] (ServiceEntry default/se-https serviceentry-conflicting-protocol.yaml:4) Multiple ServiceEntries (default/se-http, default/se-https) define the same host "example.com" and port 13835 with conflicting protocols (HTTP, HTTPS).
        """);
  }

  @Test
  void sidecarSelector() throws IOException {
    assertThat(messages("sidecar-selector.yaml", "sidecar.SelectorAnalyzer", null)).isEqualTo("""
        Error [IST0101] (Sidecar default/maps-to-nonexistent sidecar-selector.yaml:55) Referenced selector not found: "app=bogus"
        Error [IST0101] (Sidecar other/maps-to-different-ns sidecar-selector.yaml:68) Referenced selector not found: "app=reviews"
        Error [IST0110] (Sidecar default/dupe-1 sidecar-selector.yaml:76) The Sidecars [dupe-1 dupe-2] in namespace "default" select the same workload pod "reviews", which can lead to undefined behavior.
        Error [IST0110] (Sidecar default/dupe-2 sidecar-selector.yaml:89) The Sidecars [dupe-1 dupe-2] in namespace "default" select the same workload pod "reviews", which can lead to undefined behavior.
        Error [IST0110] (Sidecar default/overlap-1 sidecar-selector.yaml:102) The Sidecars [overlap-1 overlap-2] in namespace "default" select the same workload pod "ratings", which can lead to undefined behavior.
        Error [IST0110] (Sidecar default/overlap-2 sidecar-selector.yaml:115) The Sidecars [overlap-1 overlap-2] in namespace "default" select the same workload pod "ratings", which can lead to undefined behavior.
        """);
  }

  @Test
  void sidecarDefaultSelector() throws IOException {
    assertThat(messages("sidecar-default-selector.yaml", "sidecar.SelectorAnalyzer", null)).isEqualTo("""
        Error [IST0111] (Sidecar ns2/has-conflict-1 sidecar-default-selector.yaml:24) The Sidecars [has-conflict-1 has-conflict-2] in namespace "ns2" have no workload selector, which can lead to undefined behavior.
        Error [IST0111] (Sidecar ns2/has-conflict-2 sidecar-default-selector.yaml:34) The Sidecars [has-conflict-1 has-conflict-2] in namespace "ns2" have no workload selector, which can lead to undefined behavior.
        Warning [IST0167] (Sidecar ns-ambient/namespace-scoped sidecar-default-selector.yaml:84) The policy has no impact: namespace is in ambient mode, the policy has no impact.
        Warning [IST0167] (Sidecar ns-ambient/pod-scoped sidecar-default-selector.yaml:90) The policy has no impact: selected workload is in ambient mode, the policy has no impact.
        """);
  }

  @Test
  void virtualserviceJwtclaimroute() throws IOException {
    assertThat(messages("virtualservice_jwtclaimroute.yaml", "virtualservice.JWTClaimRouteAnalyzer", null)).isEqualTo("""
        Error [IST0149] (VirtualService default/foo virtualservice_jwtclaimroute.yaml:3) The virtual service uses the JWT claim based routing (key: @request.auth.claims.foo) but found no request authentication for the gateway (default/foo-gateway) pod (istio-ingressgateway-dummypod). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.
        """);
  }

  @Test
  void virtualserviceOverlappingmatches() throws IOException {
    assertThat(messages("virtualservice_overlappingmatches.yaml", "schema.ValidationAnalyzer.VirtualService", null)).isEqualTo("""
        Info [IST0131] (VirtualService default/non-method-get virtualservice_overlappingmatches.yaml:1) VirtualService rule "send product to sample.foo" match #1 of prefix /api/v1/products is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on "send product to sample.foo").
        Info [IST0131] (VirtualService default/overlapping-in-single-match virtualservice_overlappingmatches.yaml:41) VirtualService rule "send product to sample.foo" match #1 of prefix /api/v1/products is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on "send product to sample.foo").
        Info [IST0131] (VirtualService default/overlapping-in-two-matches virtualservice_overlappingmatches.yaml:63) VirtualService rule "send products to sample.bar" match #0 of prefix /api/v1/products is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on "send product to sample.foo").
        Info [IST0131] (VirtualService default/overlapping-mathes-with-different-methods virtualservice_overlappingmatches.yaml:91) VirtualService rule "send products to sample.bar" match #0 of prefix /api/v1/product is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/prod on "send product to sample.foo").
        """);
  }
}
