package dev.weft.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import dev.weft.controlplane.testing.ControlPlaneProcess;
import dev.weft.controlplane.testing.Http;
import dev.weft.controlplane.testing.SimulatedProxy;
import dev.weft.controlplane.testing.Wait;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * weftd is killed (SIGKILL) under a connected proxy and a heartbeating workload, and restarted on the
 * same data directory and ports: the proxy reconnects with exponential backoff and jitter and gets
 * the same resources with the same versions; the workload is back in the registry because its
 * heartbeat carries its registration.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ControlPlaneRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<dev.weft.controlplane.xds.ResourceType> TYPES = List.of(ResourceType.CLUSTER, ResourceType.ENDPOINT,
      ResourceType.LISTENER, ResourceType.ROUTE);
  private static final String REGISTRATION = """
      {"address": "10.1.0.7", "service": "ratings", "labels": {"app": "ratings", "version": "v1"},
       "ports": [{"name": "http", "number": 9080}], "ttlSeconds": 5}
      """;

  @TempDir Path dir;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final List<Process> processes = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    timer.shutdownNow();
    for (Process p : processes) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private record Started(Process process, int adminPort, int xdsPort) {}

  private Started start(int adminPort, int xdsPort) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), ControlPlaneProcess.class.getName(),
        dir.resolve("data").toString(), Integer.toString(adminPort), Integer.toString(xdsPort), "5");
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("control-plane.log").toFile()));
    Process p = pb.start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = CompletableFuture.supplyAsync(() -> {
      try {
        return List.of(String.valueOf(out.readLine()), String.valueOf(out.readLine()));
      } catch (IOException e) {
        return List.of("", "");
      }
    }).get(60, TimeUnit.SECONDS);
    assertThat(lines.get(0)).as("first line; log in " + dir.resolve("control-plane.log")).startsWith("LISTENING ");
    assertThat(lines.get(1)).startsWith("XDS ");
    return new Started(p, Integer.parseInt(lines.get(0).substring(10)), Integer.parseInt(lines.get(1).substring(4)));
  }

  @Test
  void aProxyResyncsAndAHeartbeatingWorkloadReturnsAfterARestart() throws Exception {
    Started first = start(0, 0);
    Http http = new Http("http://127.0.0.1:" + first.adminPort());
    assertThat(http.post("/api/v1/apply?name=vs.yaml", "application/yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - route:
            - destination: {host: ratings}
        """).status()).isEqualTo(200);

    // The workload's heartbeat is its whole registration: the first one registers it (201).
    List<Integer> heartbeatStatuses = new CopyOnWriteArrayList<>();
    timer.scheduleWithFixedDelay(() -> {
      try {
        heartbeatStatuses.add(http.put("/api/v1/workloads/default/ratings-1", REGISTRATION).status());
      } catch (RuntimeException down) {
        heartbeatStatuses.add(0); // the control plane is down: keep trying
      }
    }, 0, 200, TimeUnit.MILLISECONDS);
    Wait.until("the first heartbeat", Duration.ofSeconds(10), () -> !heartbeatStatuses.isEmpty());
    assertThat(heartbeatStatuses.getFirst()).isEqualTo(201);

    SimulatedProxy proxy = SimulatedProxy.connect(first.xdsPort(),
        SimulatedProxy.sidecar("productpage-1", "default", "10.1.0.9", Map.of("app", "productpage")), timer, Duration.ofMillis(100),
        Duration.ofMillis(1600));
    try (proxy) {
      Wait.until("the proxy synced with the workload's endpoint", Duration.ofSeconds(30),
          () -> proxy.synced() && endpointAddresses(proxy).contains("10.1.0.7"));
      Map<ResourceType, String> versions = new EnumMap<>(ResourceType.class);
      Map<ResourceType, Map<String, Any>> resources = new EnumMap<>(ResourceType.class);
      for (ResourceType t : TYPES) {
        versions.put(t, proxy.ackedVersion(t));
        resources.put(t, proxy.resources(t));
      }
      assertThat(resources.get(ResourceType.CLUSTER)).containsKey("outbound|9080||ratings.default.svc.cluster.local");
      assertThat(resources.get(ResourceType.ROUTE)).containsKey("9080");
      assertThat(proxy.streamsOpened()).isEqualTo(1);

      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      // While weftd is down the proxy keeps trying, backing off.
      Wait.until("four reconnect attempts", Duration.ofSeconds(30), () -> proxy.backoffMillis().size() >= 4);
      Started second = start(first.adminPort(), first.xdsPort());

      Wait.until("the proxy resynced to the same versions", Duration.ofSeconds(60), () -> proxy.synced()
          && TYPES.stream().allMatch(t -> proxy.ackedVersion(t).equals(versions.get(t))));
      for (ResourceType t : TYPES) {
        assertThat(proxy.resources(t)).as(t.shortName()).isEqualTo(resources.get(t));
      }
      assertThat(proxy.streamsOpened()).isGreaterThan(1);

      // Exponential: each delay is within [base/2, base] of its attempt's base (100 ms doubling to 1.6 s).
      List<Long> delays = proxy.backoffMillis();
      for (int i = 0; i < Math.min(delays.size(), 5); i++) {
        long base = Math.min(1600, 100L << i);
        assertThat(delays.get(i)).as("delay " + i + " of " + delays).isBetween(base / 2, base);
      }
      // Jitter: not every delay is exactly its base.
      assertThat(delays.stream().limit(4).distinct().count()).isGreaterThan(1);

      // The registry was empty after the restart; the heartbeats registered the workload again.
      assertThat(heartbeatStatuses).contains(0);
      assertThat(heartbeatStatuses.subList(heartbeatStatuses.indexOf(0), heartbeatStatuses.size())).contains(201);
      JsonNode workloads = JSON.readTree(new Http("http://127.0.0.1:" + second.adminPort()).get("/api/v1/workloads").body());
      assertThat(workloads.get("items")).extracting(w -> w.get("name").asText()).containsExactly("ratings-1");
    }
  }

  private static List<String> endpointAddresses(SimulatedProxy proxy) {
    return proxy.resources(ResourceType.ENDPOINT).values().stream().flatMap(a -> {
      try {
        return a.unpack(ClusterLoadAssignment.class).getEndpointsList().stream()
            .flatMap(l -> l.getLbEndpointsList().stream())
            .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }
}
