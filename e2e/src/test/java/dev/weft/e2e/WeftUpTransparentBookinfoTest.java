package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's "Done means", second bullet: the same Bookinfo scenario ({@link BookinfoScenario}) with
 * {@code weft up --transparent}: each workload in its own network namespace, Istio's iptables
 * capture (outbound to 15001, inbound to 15006), applications with no HTTP_PROXY calling services
 * by name. Adds: a plain curl inside productpage's namespace reaches reviews through the sidecar,
 * {@code weft run} puts a program into a namespace of its own (it reaches Bookinfo by name with a
 * plain socket and is reached by name through its sidecar), and after {@code weft down} no
 * namespace, veth, bridge, iptables rule or /etc/netns entry of the run is left. Needs root, ip, iptables and setpriv (skipped with the reason otherwise).
 */
class WeftUpTransparentBookinfoTest extends BookinfoScenario {

  /** network.json: what the run made, read once it is up (and again at clean-up). */
  private JsonNode network;

  @Override
  List<String> modeArgs() {
    return List.of("--transparent");
  }

  @Override
  void assumeCanRun() {
    assumeTrue(run("id", "-u").strip().equals("0"), "needs root (network namespaces, veth pairs, iptables)");
    assumeTrue(ok("ip", "-V"), "needs the ip command (apt-get install -y iproute2)");
    assumeTrue(ok("iptables", "-V"), "needs iptables (apt-get install -y iptables)");
    assumeTrue(ok("setpriv", "--version"), "needs setpriv (util-linux)");
    assumeTrue(ok("curl", "--version"), "needs curl");
    // The sidecars run as Istio's proxy uid: from a checkout that other users cannot read (under a
    // home directory of mode 700, say) weft up --transparent refuses, with that reason.
    int uid = dev.weft.cli.runtime.TransparentNetwork.SIDECAR_UID;
    assumeTrue(ok("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "/bin/sh", "-c",
        "[ -r \"$0\" ] && [ -x \"$0\" ] && [ -x \"$1\" ]", Weft.ROOT.resolve("cli/target").toString(),
        Path.of("target").toAbsolutePath().toString()),
        "uid " + uid + " (the sidecars' uid) cannot read " + Weft.ROOT + ": the checkout must be readable by other users");
    // Root in a container without CAP_NET_ADMIN, or a kernel without nat: skip rather than fail.
    String probe = "weft-probe-" + ProcessHandle.current().pid();
    try {
      assumeTrue(ok("ip", "netns", "add", probe), "cannot create network namespaces here (no CAP_NET_ADMIN?)");
      assumeTrue(ok("ip", "netns", "exec", probe, "iptables", "-t", "nat", "-S"), "iptables nat does not work in a network namespace here");
    } finally {
      ok("ip", "netns", "delete", probe);
    }
  }

  @Override
  void afterUp() throws Exception {
    network = new ObjectMapper().readTree(runDir.resolve("network.json").toFile());
  }

  private List<String> created(String kind) {
    List<String> out = new ArrayList<>();
    if (network != null) {
      network.get("created").forEach(c -> {
        if (c.get("kind").asText().equals(kind)) {
          out.add(c.get("name").asText());
        }
      });
    }
    return out;
  }

  private String namespaceOf(String workload) {
    return created("netns").stream().filter(n -> n.endsWith("-" + workload)).findFirst().orElseThrow();
  }

  @Test
  @Order(7)
  void plainClientInANamespaceGoesThroughItsSidecar() throws Exception {
    assertThat(created("netns")).hasSize(6).allMatch(n -> n.startsWith("weft-" + network.get("run").asText() + "-"));
    String ns = namespaceOf("productpage-v1");
    // No proxy configured anywhere: the name resolves to reviews' virtual IP, which nothing answers
    // but the outbound capture; the answer carries the sidecar's header.
    String out = "";
    long deadline = System.nanoTime() + CONFIG.toNanos();
    while (!out.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
      out = run("ip", "netns", "exec", ns, "curl", "-s", "-i", "-m", "20", "--noproxy", "*", "http://reviews:9080/reviews/0");
      if (!out.startsWith("HTTP/1.1 200")) {
        Thread.sleep(250);
      }
    }
    assertThat(out).startsWith("HTTP/1.1 200").containsIgnoringCase("x-envoy-upstream-service-time").contains("\"podname\"");
    // productpage's own calls (it has no HTTP_PROXY) were captured: its sidecar's outbound listener counted them.
    String address = Files.readString(Path.of("/etc/netns", ns, "hosts")).lines().filter(l -> l.endsWith(" productpage-v1"))
        .findFirst().orElseThrow().split(" ")[0];
    String stats = run("curl", "-s", "-m", "10", "http://" + address + ":15000/stats");
    assertThat(counter(stats, "http.outbound_0.0.0.0_9080.downstream_rq_total")).isGreaterThan(1);
    assertThat(counter(stats, "http.inbound_0.0.0.0_9080.downstream_rq_total")).isGreaterThan(0);
  }

  @Test
  @Order(8)
  void runPutsAProgramIntoItsOwnNamespaceWithCapture() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs /usr/bin/python3 (any HTTP server program would do)");
    // Inside its own namespace any port is ours: 8000 clashes with nothing.
    int port = 8000;
    Files.writeString(tmp.resolve("hello.txt"), "hello from weft run\n");
    weftRun = Weft.start(tmp.resolve("run.log"), "run", "--run-dir", runDir.toString(), "--name", "hello", "--port",
        Integer.toString(port), "--", "/usr/bin/python3", "-m", "http.server", Integer.toString(port), "--directory", tmp.toString());
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.readString(tmp.resolve("run.log")).contains("is in the mesh")) {
      assertThat(weftRun.isAlive()).as("weft run exited:\n%s", Files.readString(tmp.resolve("run.log"))).isTrue();
      assertThat(System.nanoTime() < deadline).as("weft run not ready:\n%s", Files.readString(tmp.resolve("run.log"))).isTrue();
      Thread.sleep(250);
    }
    network = new ObjectMapper().readTree(runDir.resolve("network.json").toFile()); // now with hello's namespace
    String hello = namespaceOf("hello");
    // Out of hello's namespace with a plain socket (no proxy anywhere): captured, through its sidecar.
    String out = untilOk(() -> run("ip", "netns", "exec", hello, "curl", "-s", "-i", "-m", "20", "--noproxy", "*",
        "http://reviews:9080/reviews/0"));
    assertThat(out).startsWith("HTTP/1.1 200").containsIgnoringCase("x-envoy-upstream-service-time").contains("\"podname\"");
    // Into it by name from productpage's namespace (hello's virtual IP was added to its hosts file).
    out = untilOk(() -> run("ip", "netns", "exec", namespaceOf("productpage-v1"), "curl", "-s", "-i", "-m", "20", "--noproxy", "*",
        "http://hello:" + port + "/hello.txt"));
    assertThat(out).startsWith("HTTP/1.1 200").containsIgnoringCase("x-envoy-upstream-service-time").endsWith("hello from weft run\n");
    // ... through hello's own sidecar: its inbound capture listener counted the request.
    String address = Files.readString(Path.of("/etc/netns", hello, "hosts")).lines().filter(l -> l.endsWith(" hello"))
        .findFirst().orElseThrow().split(" ")[0];
    String stats = run("curl", "-s", "-m", "10", "http://" + address + ":15000/stats");
    assertThat(counter(stats, "http.inbound_0.0.0.0_" + port + ".downstream_rq_total")).isGreaterThan(0);
  }

  private static String untilOk(java.util.function.Supplier<String> call) throws InterruptedException {
    String out = "";
    long deadline = System.nanoTime() + CONFIG.toNanos();
    while (!out.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
      out = call.get();
      if (!out.startsWith("HTTP/1.1 200")) {
        Thread.sleep(250);
      }
    }
    return out;
  }

  private static long counter(String stats, String name) {
    return stats.lines().filter(l -> l.startsWith(name + ":")).mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).strip()))
        .findFirst().orElse(0);
  }

  @Test
  @Order(21)
  void downLeavesNoNamespaceVethRuleOrHostsFile() throws Exception {
    assertThat(network).as("network.json was read after weft up").isNotNull();
    if (up.isAlive()) { // the scenario's own weft down did not run (an earlier failure)
      Weft.run(Duration.ofSeconds(180), "down", "--run-dir", runDir.toString());
    }
    String run = network.get("run").asText();
    assertThat(run("ip", "netns", "list")).doesNotContain("weft-" + run + "-");
    assertThat(run("ip", "-o", "link", "show")).doesNotContain("weft" + run).doesNotContain("weftbr" + run);
    assertThat(run("iptables", "-S")).doesNotContain("weftbr" + run);
    for (String ns : created("hosts")) {
      assertThat(Path.of("/etc/netns", ns)).doesNotExist();
    }
    if (!created("etc-netns").isEmpty()) { // /etc/netns did not exist before the run
      assertThat(Path.of("/etc/netns")).doesNotExist();
    }
    assertThat(runDir.resolve("network.json")).doesNotExist();
  }

  /** Whatever happened: weft down if the run's record is still there, then anything it missed, directly. */
  @Override
  void cleanUpMode() throws Exception {
    if (runDir == null) {
      return;
    }
    Path file = runDir.resolve("network.json");
    if (Files.exists(file)) {
      if (network == null) {
        network = new ObjectMapper().readTree(file.toFile());
      }
      Weft.run(Duration.ofSeconds(180), "down", "--run-dir", runDir.toString());
    }
    for (String ns : created("netns")) {
      if (Files.exists(Path.of("/run/netns", ns))) {
        ok("ip", "netns", "delete", ns);
      }
    }
    for (String link : created("link")) {
      if (Files.exists(Path.of("/sys/class/net", link))) {
        ok("ip", "link", "delete", link);
      }
    }
    for (String bridge : created("rule")) {
      while (ok("iptables", "-C", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT")
          && ok("iptables", "-D", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT")) {
        // one rule per call
      }
    }
    for (String ns : created("hosts")) {
      Path dir = Path.of("/etc/netns", ns);
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = readBounded(p.getInputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static boolean ok(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0 && out.size() < 4 << 20) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
