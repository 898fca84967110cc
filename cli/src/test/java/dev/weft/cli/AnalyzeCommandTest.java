package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft analyze}: istioctl's text and json formats, exit codes, validation errors first. */
class AnalyzeCommandTest {
  @TempDir Path dir;

  static final String CONFLICTING = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: beta
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port:
            number: 80
            name: http
            protocol: HTTP
          hosts:
          - "foo.bar"
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: alpha
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port:
            number: 80
            name: http
            protocol: HTTP
          hosts:
          - "foo.bar"
      """;

  static final String CLEAN = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: web
        namespace: shop
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port:
            number: 80
            name: http
            protocol: HTTP
          hosts:
          - "shop.example.com"
      """;

  static final String SAME_CERT = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: one
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          tls: {mode: SIMPLE, credentialName: wildcard-cert}
          hosts: ["one.example.com"]
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: two
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          tls: {mode: SIMPLE, credentialName: wildcard-cert}
          hosts: ["two.example.com"]
      """;

  Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void errorsPrintInIstioctlFormatSortedAndExitOne() throws IOException {
    Path f = write("gateways.yaml", CONFLICTING);
    CliRun run = CliRun.of("analyze", "-f", f.toString());
    assertThat(run.out()).isEqualTo(
        "Error [IST0145] (Gateway default/alpha " + f + ":16) Conflict with gateways default/beta"
            + " (workload selector istio=ingressgateway, port 80, hosts foo.bar).\n"
            + "Error [IST0145] (Gateway default/beta " + f + ":1) Conflict with gateways default/alpha"
            + " (workload selector istio=ingressgateway, port 80, hosts foo.bar).\n");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void jsonIsAnArrayOfIstioctlMessageObjects() throws IOException {
    Path f = write("gateways.yaml", CONFLICTING);
    CliRun run = CliRun.of("analyze", "-o", "json", "-f", f.toString(), "--analyzer", "gateway.ConflictingGatewayAnalyzer");
    assertThat(run.out()).startsWith("""
        [
        \t{
        \t\t"code": "IST0145",
        \t\t"documentationUrl": "https://istio.io/latest/docs/reference/config/analysis/ist0145/",
        \t\t"level": "Error",
        \t\t"message": "Conflict with gateways default/beta (workload selector istio=ingressgateway, port 80, hosts foo.bar).",
        \t\t"origin": "Gateway default/alpha",
        \t\t"reference": "%s:16"
        \t},
        \t{
        """.formatted(f));
    assertThat(run.out()).endsWith("\t}\n]\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void noIssuesSaysSoAndExitsZero() throws IOException {
    Path f = write("clean.yaml", CLEAN);
    CliRun run = CliRun.of("analyze", "-f", f.toString());
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("\u2714 No validation issues found when analyzing all namespaces.\n");
    assertThat(run.exitCode()).isZero();

    CliRun json = CliRun.of("analyze", "-o", "json", "-f", f.toString());
    assertThat(json.out()).isEqualTo("[]\n");
    assertThat(json.exitCode()).isZero();
  }

  @Test
  void warningsAloneExitZeroAndPointAtTheFieldIstioNames() throws IOException {
    Path f = write("certs.yaml", SAME_CERT);
    // (the secret the gateways name is not in the input either: SecretAnalyzer would add two errors)
    CliRun run = CliRun.of("analyze", "-f", f.toString(), "--analyzer", "gateway.CertificateAnalyzer");
    // IST0138 points at metadata.name (lines 4 and 16), not at the document start
    assertThat(run.out()).isEqualTo(
        "Warning [IST0138] (Gateway default/one " + f + ":4) Duplicate certificate in multiple gateways"
            + " [default/one default/two] may cause 404s if clients re-use HTTP2 connections.\n"
            + "Warning [IST0138] (Gateway default/two " + f + ":16) Duplicate certificate in multiple gateways"
            + " [default/two default/one] may cause 404s if clients re-use HTTP2 connections.\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void stdinIsAnalyzed() {
    CliRun run = CliRun.withStdin(CONFLICTING, "analyze", "-f", "-");
    assertThat(run.out()).contains("Error [IST0145] (Gateway default/alpha -:16)");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void validationErrorsComeFirstAndFailTheRun() throws IOException {
    Path f = write("bad.yaml", CLEAN.replace("number: 80", "number: 80000"));
    // the invalid Gateway is still analyzed (as istioctl does); this analyzer has nothing to say about it
    CliRun run = CliRun.of("analyze", "-f", f.toString(), "--analyzer", "gateway.CertificateAnalyzer");
    assertThat(run.err()).startsWith(f + ":11: Gateway shop/web: spec.servers[0].port.number:");
    assertThat(run.err()).contains("No validation issues found when analyzing all namespaces (but 1 file could not be fully read");
    assertThat(run.exitCode()).isEqualTo(1);
    InvalidCorpusTest.assertNoStackTrace(run);
  }

  @Test
  void unknownAnalyzerIsRefusedWithASuggestion() throws IOException {
    Path f = write("clean.yaml", CLEAN);
    CliRun run = CliRun.of("analyze", "-f", f.toString(), "--analyzer", "gateway.ConflictingGatewayAnalyser");
    assertThat(run.err()).contains("unknown analyzer \"gateway.ConflictingGatewayAnalyser\"")
        .contains("gateway.ConflictingGatewayAnalyzer");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void analyzerSubsetRunsOnlyThoseAnalyzers() throws IOException {
    Path f = write("gateways.yaml", CONFLICTING + "---\n" + SAME_CERT);
    CliRun run = CliRun.of("analyze", "-f", f.toString(), "--analyzer", "CertificateAnalyzer");
    assertThat(run.out()).contains("IST0138").doesNotContain("IST0145");
    assertThat(run.exitCode()).isZero();
  }

  /** The subsets of IST0173 lines, as "DestinationRule ns/name subset"; the other Error lines as printed. */
  static List<String> errorsWithSubsetsNamed(CliRun run) {
    return run.out().lines().filter(l -> l.startsWith("Error ")).map(l -> {
      Matcher m = SUBSET_NOT_SELECTED.matcher(l);
      return m.matches() ? "IST0173 " + m.group(1) + " " + m.group(2) : l;
    }).toList();
  }

  static final Pattern SUBSET_NOT_SELECTED =
      Pattern.compile("Error \\[IST0173] \\((DestinationRule \\S+) \\S+\\) The Subset (\\S+) defined in the DestinationRule does not.*");

  // Weft counts the pod templates of Deployments as pods (istioctl, offline, finds none and reports
  // every subset). What remains is what istioctl reports against a running Bookinfo: the ratings
  // subsets whose versions bookinfo.yaml does not deploy.
  static final List<String> BOOKINFO_SUBSETS = List.of(
      "IST0173 DestinationRule default/ratings v2-mysql",
      "IST0173 DestinationRule default/ratings v2-mysql-vm");

  @Test
  void bookinfoAsTheIstioTaskAppliesItHasNoErrorsButTheSubsetsItDoesNotDeploy() {
    Path b = Corpus.repoRoot().resolve("samples/bookinfo");
    CliRun run = CliRun.of("analyze", "-f", b.resolve("platform/kube/bookinfo.yaml").toString(),
        "-f", b.resolve("networking/bookinfo-gateway.yaml").toString(),
        "-f", b.resolve("networking/destination-rule-all.yaml").toString(),
        "-f", b.resolve("networking/virtual-service-all-v1.yaml").toString());
    assertThat(errorsWithSubsetsNamed(run)).containsExactlyElementsOf(BOOKINFO_SUBSETS);
    assertThat(run.exitCode()).isEqualTo(1);
    InvalidCorpusTest.assertNoStackTrace(run);
  }

  @Test
  void wholeBookinfoDirectoryHasOnlyTheErrorsItsAlternativeFilesCause() {
    Path b = Corpus.repoRoot().resolve("samples/bookinfo");
    CliRun run = CliRun.of("analyze", "-f", b.toString());
    // The directory holds alternatives; applied together, later files replace earlier ones (kubectl's
    // way), and istioctl finds the same two errors: the DestinationRule "details" left is the one of
    // fault-injection-details-v1.yaml (subset v1 only) while virtual-service-details-v2.yaml routes to
    // v2; and certmanager-gateway.yaml routes to cert-manager's own Service, not part of the samples.
    // With every version's Deployment in the directory, every subset selects pods.
    List<String> expected = new ArrayList<>(List.of(
        "Error [IST0101] (VirtualService default/details " + b.resolve("networking/virtual-service-details-v2.yaml")
            + ":11) Referenced host+subset in destinationrule not found: \"details+v2\"",
        "Error [IST0101] (VirtualService istio-system/cert-manager " + b.resolve("networking/certmanager-gateway.yaml")
            + ":33) Referenced host not found: \"cert-manager-resolver\""));
    assertThat(errorsWithSubsetsNamed(run)).containsExactlyElementsOf(expected);
    InvalidCorpusTest.assertNoStackTrace(run);
  }

  static Stream<String> bookinfoNetworkingSamples() throws IOException {
    try (Stream<Path> files = Files.list(Corpus.repoRoot().resolve("samples/bookinfo/networking"))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /**
   * "analyze on the whole bookinfo set reports no errors": the whole Bookinfo platform (every
   * version's Deployment and Service), its gateway and destination rules, with each networking sample
   * applied as Istio's tasks apply them, one at a time, gives no Error. certmanager-gateway.yaml is
   * analysed with the Service cert-manager creates (it routes to cert-manager's solver; without
   * cert-manager the missing host is a real error, see the test above).
   */
  @ParameterizedTest
  @MethodSource("bookinfoNetworkingSamples")
  void everyBookinfoNetworkingSampleOnTheWholeBookinfoPlatformHasNoErrors(String sample) {
    Path b = Corpus.repoRoot().resolve("samples/bookinfo");
    List<String> args = new ArrayList<>(List.of("analyze", "-f", b.resolve("platform/kube").toString(),
        "-f", b.resolve("networking/bookinfo-gateway.yaml").toString(),
        "-f", b.resolve("networking/destination-rule-all.yaml").toString()));
    if (!args.contains(b.resolve("networking").resolve(sample).toString())) {
      args.addAll(List.of("-f", b.resolve("networking").resolve(sample).toString()));
    }
    if (sample.equals("certmanager-gateway.yaml")) {
      args.addAll(List.of("-f", Path.of("src/test/resources/analyze/cert-manager-resolver.yaml").toString()));
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.out().lines().filter(l -> l.startsWith("Error "))).as(run.all()).isEmpty();
    assertThat(run.out()).as("the analysis ran and reported in istioctl's format").containsPattern("(Warning|Info) \\[IST|No validation issues");
    assertThat(run.exitCode()).as(run.all()).isZero();
    InvalidCorpusTest.assertNoStackTrace(run);
  }
}
