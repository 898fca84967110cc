package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's "Done means", first bullet: the Bookinfo scenario ({@link BookinfoScenario}) with
 * {@code weft up}'s default mode (each workload on its own loopback address, its sidecar in Istio's
 * INTERCEPTION_MODE NONE, applications through HTTP_PROXY), plus {@code weft run} putting any
 * program into the mesh.
 */
class WeftUpBookinfoTest extends BookinfoScenario {

  @Override
  List<String> modeArgs() {
    return List.of();
  }

  @Test
  @Order(7)
  void runPutsAnyProgramIntoTheMesh() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs /usr/bin/python3 (any HTTP server program would do)");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.writeString(tmp.resolve("hello.txt"), "hello from weft run\n");
    weftRun = Weft.start(tmp.resolve("run.log"), "run", "--run-dir", runDir.toString(), "--name", "hello", "--port",
        Integer.toString(port), "--labels", "app=hello,version=v1", "--", "/usr/bin/python3", "-m", "http.server",
        Integer.toString(port), "--bind", "127.0.0.1", "--directory", tmp.toString());
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.readString(tmp.resolve("run.log")).contains("is in the mesh")) {
      assertThat(weftRun.isAlive()).as("weft run exited:\n%s", Files.readString(tmp.resolve("run.log"))).isTrue();
      assertThat(System.nanoTime() < deadline).as("weft run not ready:\n%s", Files.readString(tmp.resolve("run.log"))).isTrue();
      Thread.sleep(250);
    }
    // From productpage's sidecar, as productpage's own calls go: HTTP_PROXY and the service's name.
    String productpage = new ObjectMapper().readTree(runDir.resolve("state/mesh.json").toFile()).get("processes").valueStream()
        .filter(p -> p.get("name").asText().equals("productpage-v1-sidecar")).findFirst().orElseThrow().get("address").asText();
    HttpClient viaSidecar = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(
        new java.net.InetSocketAddress(productpage, 15080))).connectTimeout(Duration.ofSeconds(5)).build();
    long until = System.nanoTime() + CONFIG.toNanos();
    HttpResponse<String> r;
    do {
      r = viaSidecar.send(HttpRequest.newBuilder(URI.create("http://hello:" + port + "/hello.txt")).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } while (r.statusCode() != 200 && System.nanoTime() < until && sleep());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from weft run\n");
  }
}
