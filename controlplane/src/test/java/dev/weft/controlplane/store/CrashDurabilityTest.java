package dev.weft.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.controlplane.api.ApiTypes;
import dev.weft.controlplane.testing.ControlPlaneProcess;
import dev.weft.controlplane.testing.Yaml;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real control-plane process (kill -9) while it takes writes, restarts it on the same data
 * directory, and checks that every acknowledged write survived and no write is half there.
 *
 * <p>Each write is a batch of two Gateways ({@code g<i>-a}, {@code g<i>-b}) that also reconfigures
 * {@code shared} to port {@code 1000+i}: after a restart the pairs are whole or absent, and
 * {@code shared} carries the port of the last write that was applied.
 */
class CrashDurabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int ROUNDS = 3;

  @TempDir Path data;
  @TempDir Path logs;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    int lastAckedShared = -1;
    for (int round = 0; round < ROUNDS; round++) {
      Process p = start();
      try {
        String base = "http://127.0.0.1:" + awaitPort(p);
        if (round > 0) {
          assertSurvived(base, acked, next.get(), seed);
        }
        int killAfter = 1 + random.nextInt(25);
        int ackedBefore = acked.size();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeUntilDead(base, next, acked));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acked.size() - ackedBefore < killAfter && System.nanoTime() < deadline && !writer.isDone()) {
          Thread.sleep(1);
        }
        Thread.sleep(random.nextInt(15)); // land the kill at a random point of a write in flight
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        writer.get(60, TimeUnit.SECONDS);
        assertThat(acked.size() - ackedBefore).as("writes acknowledged in round %d (seed %d)", round, seed).isGreaterThanOrEqualTo(killAfter);
      } finally {
        p.destroyForcibly();
      }
    }
    Process p = start();
    try {
      assertSurvived("http://127.0.0.1:" + awaitPort(p), acked, next.get(), seed);
    } finally {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // The restarted process finished or removed whatever the last kill interrupted.
    try (Stream<Path> files = Files.walk(data)) {
      assertThat(files.map(f -> data.relativize(f).toString()))
          .noneMatch(f -> f.endsWith(".tmp"))
          .noneMatch(f -> f.startsWith("txn/") && f.endsWith(".txn"));
    }
    try (ConfigStore s = ConfigStore.open(data)) {
      assertThat(s.startupProblems()).as("files that did not load").isEmpty();
    }
  }

  private Process start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ControlPlaneProcess.class.getName(), data.toString());
    pb.redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("control-plane.log").toFile()));
    return pb.start();
  }

  private static int awaitPort(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(60, TimeUnit.SECONDS);
    assertThat(line).as("the control plane's first line").startsWith("LISTENING ");
    return Integer.parseInt(line.substring("LISTENING ".length()));
  }

  /** Writes batches until the server stops answering; records each acknowledged one. */
  private static void writeUntilDead(String base, AtomicInteger next, Set<Integer> acked) {
    for (int n = 0; n < 10_000; n++) {
      int i = next.getAndIncrement();
      String body;
      try {
        body = JSON.writeValueAsString(new ApiTypes.WriteRequest("crash", List.of(new ApiTypes.Input("batch-" + i + ".yaml",
            Yaml.gateway("g" + i + "-a", 1000 + i) + "---\n" + Yaml.gateway("g" + i + "-b", 1000 + i) + "---\n"
                + Yaml.gateway("shared", 1000 + i)))));
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/apply"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new AssertionError("write " + i + " refused: " + r.statusCode() + " " + r.body());
        }
        acked.add(i);
      } catch (IOException e) {
        return; // killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void assertSurvived(String base, Set<Integer> acked, int attempted, long seed) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/resources?kind=gw&namespace=crash&output=json"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Integer> ports = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    for (JsonNode item : JSON.readTree(r.body()).get("items")) {
      String name = item.at("/metadata/name").asText();
      ports.put(name, item.at("/spec/servers/0/port/number").asInt());
      versions.put(name, Long.parseLong(item.at("/metadata/resourceVersion").asText()));
    }
    List<String> problems = new ArrayList<>();
    int lastApplied = -1;
    for (int i = 0; i < attempted; i++) {
      boolean a = ports.containsKey("g" + i + "-a");
      boolean b = ports.containsKey("g" + i + "-b");
      if (acked.contains(i) && !(a && b)) {
        problems.add("acknowledged write " + i + " lost (a=" + a + ", b=" + b + ")");
      }
      if (a != b) {
        problems.add("write " + i + " half applied (a=" + a + ", b=" + b + ")");
      }
      if (a && (ports.get("g" + i + "-a") != 1000 + i || ports.get("g" + i + "-b") != 1000 + i)) {
        problems.add("write " + i + " has the wrong content");
      }
      if (a) {
        lastApplied = i;
        if (!versions.get("g" + i + "-a").equals(versions.get("g" + i + "-b"))) {
          problems.add("write " + i + ": the two halves have different resourceVersions");
        }
      }
    }
    if (lastApplied >= 0 && !Integer.valueOf(1000 + lastApplied).equals(ports.get("shared"))) {
      problems.add("shared has port " + ports.get("shared") + ", expected that of the last applied write " + lastApplied);
    }
    assertThat(problems).as("after restart (seed %d)", seed).isEmpty();
  }
}
