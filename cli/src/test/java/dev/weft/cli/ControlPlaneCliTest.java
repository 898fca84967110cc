package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.ControlPlane;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** weft apply / get / delete against a control plane running in this JVM on an ephemeral loopback port. */
class ControlPlaneCliTest {
  private static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: web
      spec:
        selector:
          istio: ingressgateway
        servers:
        - hosts: ["*"]
          port:
            name: http
            number: %d
            protocol: HTTP
      """;

  @TempDir Path dir;
  private ControlPlane cp;
  private String server;

  @BeforeEach
  void start() throws IOException {
    cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data")).withEphemeralPorts());
    server = cp.url();
  }

  @AfterEach
  void stop() throws IOException {
    cp.close();
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void applyGetDelete() throws IOException {
    Path gw = file("gw.yaml", GATEWAY.formatted(80));
    CliRun applied = CliRun.of("apply", "-f", gw.toString(), "--server", server);
    assertThat(applied.exitCode()).as(applied.all()).isZero();
    assertThat(applied.out()).isEqualTo("gateway.networking.istio.io/web created\n");
    assertThat(CliRun.of("apply", "-f", gw.toString(), "--server", server).out()).isEqualTo("gateway.networking.istio.io/web unchanged\n");
    file("gw.yaml", GATEWAY.formatted(8080));
    assertThat(CliRun.of("apply", "-f", gw.toString(), "--server", server).out()).isEqualTo("gateway.networking.istio.io/web configured\n");

    CliRun table = CliRun.of("get", "gw", "--server", server);
    assertThat(table.exitCode()).isZero();
    assertThat(table.out()).isEqualTo("""
        NAMESPACE   NAME   KIND      VERSION
        default     web    Gateway   2
        """);

    CliRun yaml = CliRun.of("get", "gateway", "web", "-o", "yaml", "--server", server);
    assertThat(yaml.out()).contains("  namespace: default\n  resourceVersion: '2'\n").contains("number: 8080\n");
    // What get prints applies back as unchanged.
    Path got = file("got.yaml", yaml.out());
    assertThat(CliRun.of("apply", "-f", got.toString(), "--server", server).out()).isEqualTo("gateway.networking.istio.io/web unchanged\n");

    CliRun json = CliRun.of("get", "gateway", "web", "-o", "json", "--server", server);
    assertThat(json.out()).contains("\"number\" : 8080");

    CliRun deleted = CliRun.of("delete", "-f", gw.toString(), "--server", server);
    assertThat(deleted.exitCode()).isZero();
    assertThat(deleted.out()).isEqualTo("gateway.networking.istio.io/web deleted\n");

    CliRun missing = CliRun.of("get", "gw", "web", "--server", server);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("Error: Gateway default/web not found\n");
    CliRun none = CliRun.of("delete", "gateway", "web", "--server", server);
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("Error: gateway.networking.istio.io/web not found\n");
    assertThat(CliRun.of("get", "gw", "--server", server).err()).isEqualTo("No resources found in default namespace.\n");
  }

  @Test
  void invalidConfigPrintsExactlyWhatValidatePrintsAndChangesNothing() throws IOException {
    Path ok = file("ok.yaml", GATEWAY.formatted(80));
    Path bad = file("bad.yaml", GATEWAY.formatted(70000).replace("name: web", "name: other"));
    CliRun validate = CliRun.of("validate", "-f", ok.toString(), "-f", bad.toString());
    CliRun apply = CliRun.of("apply", "-f", ok.toString(), "-f", bad.toString(), "--server", server);
    assertThat(apply.exitCode()).isEqualTo(1);
    assertThat(apply.err()).isEqualTo(validate.err());
    assertThat(apply.err()).startsWith(bad + ":12: Gateway default/other: spec.servers[0].port.number: port must be 1..65535, got 70000\n");
    assertThat(cp.store().config().size()).isZero();
  }

  @Test
  void applyNamesTheNamespaceAndReadsStdin() {
    CliRun r = CliRun.withStdin(GATEWAY.formatted(80), "apply", "-f", "-", "-n", "shop", "--server", server);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(CliRun.of("get", "gw", "-A", "--server", server).out()).contains("shop        web");
  }

  @Test
  void anUnreachableServerIsOneLineAndExit2() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path gw = file("gw.yaml", GATEWAY.formatted(80));
    CliRun r = CliRun.of("apply", "-f", gw.toString(), "--server", "http://127.0.0.1:" + closedPort);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("weft: cannot reach the control plane at http://127.0.0.1:" + closedPort
        + ": connection refused (is `weft controlplane` running?)\n");
    assertThat(CliRun.of("get", "gw", "--server", "http://127.0.0.1:" + closedPort).exitCode()).isEqualTo(2);
    assertThat(CliRun.of("get", "gw", "--server", "not a url").err()).isEqualTo("weft: invalid server address \"not a url\": expected http://HOST:PORT\n");
  }

  @Test
  void aSecondControlPlaneOnTheSameDataDirectoryRefusesToStart() {
    CliRun r = CliRun.of("controlplane", "--data-dir", dir.resolve("data").toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("weft controlplane: cannot start: data directory ").endsWith(" is in use by another weft control plane\n");
  }

  @Test
  void aNegativeVhdsThresholdIsOneLineAndExit2() {
    CliRun r = CliRun.of("controlplane", "--data-dir", dir.resolve("other").toString(), "--port", "0", "--xds-port", "0",
        "--vhds-min-virtual-hosts", "-1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("weft controlplane: --port and --xds-port must be 0..65535, --workload-ttl at least 1 and"
        + " --vhds-min-virtual-hosts at least 0\n");
  }
}
