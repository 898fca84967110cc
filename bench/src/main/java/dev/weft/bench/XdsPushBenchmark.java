package dev.weft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.controlplane.testing.SimulatedProxy;
import dev.weft.controlplane.testing.TestTranslator;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.Translation;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The xDS push harness (not a test): an in-process control plane with {@code services} ServiceEntries
 * of {@code endpointsPerService} endpoints each, {@code clients} simulated SotW sidecars (ACKing,
 * subscribing to EDS/RDS as Envoy does) on shared channels, then:
 *
 * <ul>
 *   <li>full push: all clients connect -> all synced;
 *   <li>{@code iterations} times: a VirtualService applied through the store -> the last client's ACK
 *       of the resulting new version (clients whose configuration did not change get no push; the
 *       count of updated clients is reported with the times);
 *   <li>control-plane heap after GC, process CPU seconds, and CPU seconds of the control plane's
 *       threads (every thread but the clients' event loops, timer and this main thread).
 * </ul>
 *
 * Prints a table and writes {@code xds-<date>.json}.
 */
public final class XdsPushBenchmark {
  private static final ResourceType[] TYPES = {ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER, ResourceType.ROUTE};

  /** {@code translator}: "default" (the control plane's) or "test" (TestTranslator, to check the harness itself). */
  record Settings(int services, int endpointsPerService, int clients, int clientsPerChannel, int iterations, Path out,
      String translator) {
    static Settings parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
        }
        a.put(args[i].substring(2), args[i + 1]);
      }
      return new Settings(Integer.parseInt(a.getOrDefault("services", "1000")),
          Integer.parseInt(a.getOrDefault("endpoints-per-service", "10")), Integer.parseInt(a.getOrDefault("clients", "1000")),
          Integer.parseInt(a.getOrDefault("clients-per-channel", "50")), Integer.parseInt(a.getOrDefault("iterations", "20")),
          Path.of(a.getOrDefault("out", "bench/results")), a.getOrDefault("translator", "default"));
    }
  }

  /** One VirtualService apply: how long until the last updated client ACKed, and how many were updated. */
  record Push(int iteration, double millisToLastAck, int clientsUpdated) {}

  record Results(String date, String translator, Settings settings, int channels,
      double connectAndRegisterMillis, double fullPushMillis, long resourcesPerClient, List<Push> pushes, double pushP50Millis,
      double pushP99Millis, double heapAfterGcMiB, double processCpuSeconds, double controlPlaneCpuSeconds, long translations,
      String note) {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    MeshTranslator translator = switch (s.translator()) {
      case "default" -> Translation.meshTranslator();
      case "test" -> new TestTranslator();
      default -> throw new IllegalArgumentException("--translator must be default or test");
    };
    ControlPlane.Options options = ControlPlane.Options.defaults(Files.createTempDirectory("weft-xds-bench")).withEphemeralPorts()
        .withTranslator(translator);
    String translatorName = translator.getClass().getName();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();

    List<SimulatedProxy> proxies = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, Thread.ofPlatform().name("bench-client-", 0).daemon(true).factory(),
        NioIoHandler.newFactory());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bench-timer").daemon(true)
        .factory());
    try (ControlPlane cp = ControlPlane.start(options)) {
      long t = System.nanoTime();
      WriteResult w = cp.store().apply(List.of(new ConfigInput("services.yaml", serviceEntries(s))), "bench");
      if (!w.accepted()) {
        throw new IllegalStateException("generated ServiceEntries refused: " + w.diagnostics().getFirst().format());
      }
      double registerMillis = millisSince(t);
      System.out.printf("registered %,d services with %,d endpoints in %.0f ms (translator: %s%s)%n", s.services(),
          s.services() * s.endpointsPerService(), registerMillis, translatorName, "");

      // Full push: connect every client, wait until every one is synced.
      t = System.nanoTime();
      for (int i = 0; i < s.clients(); i++) {
        if (i % s.clientsPerChannel() == 0) {
          channels.add(NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().eventLoopGroup(clientLoops)
              .channelType(NioSocketChannel.class).directExecutor().maxInboundMessageSize(64 * 1024 * 1024).build());
        }
        SimulatedProxy p = new SimulatedProxy(channels.getLast(), SimulatedProxy.sidecar("app-" + i, "bench",
            "10.200." + (i / 250) + "." + (i % 250 + 1), Map.of("app", "app-" + i)), timer, false, Duration.ofMillis(200),
            Duration.ofSeconds(5));
        proxies.add(p);
        p.start();
      }
      await("all clients synced", Duration.ofMinutes(10), () -> proxies.stream().allMatch(SimulatedProxy::synced));
      double fullPushMillis = millisSince(t);
      long resourcesPerClient = 0;
      for (ResourceType type : TYPES) {
        resourcesPerClient += cp.xds().proxyStatus(proxies.getFirst().id()).orElseThrow().types().get(type).resourceNames().size();
      }
      System.out.printf("full push: %,d clients synced in %.0f ms (%,d resources each)%n", s.clients(), fullPushMillis,
          resourcesPerClient);

      // VirtualService changes.
      List<Push> pushes = new ArrayList<>();
      for (int i = 0; i < s.iterations(); i++) {
        Map<SimulatedProxy, Map<ResourceType, String>> before = new LinkedHashMap<>();
        for (SimulatedProxy p : proxies) {
          before.put(p, versions(p));
        }
        long t0 = System.nanoTime();
        WriteResult vs = cp.store().apply(List.of(new ConfigInput("vs.yaml", virtualService(i))), "bench");
        if (!vs.accepted()) {
          throw new IllegalStateException("VirtualService refused: " + vs.diagnostics().getFirst().format());
        }
        pushes.add(awaitPush(i, t0, before, cp));
        Push last = pushes.getLast();
        System.out.printf("  VirtualService change %2d: %,d clients updated, last ACK after %.1f ms%n", i + 1, last.clientsUpdated(),
            last.millisToLastAck());
      }

      System.gc();
      System.gc();
      double heapMiB = memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
      double processCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      double controlPlaneCpu = controlPlaneCpuSeconds(threads);
      List<Double> times = pushes.stream().filter(p -> p.clientsUpdated() > 0).map(Push::millisToLastAck).sorted().toList();
      double p50 = percentile(times, 50);
      double p99 = percentile(times, 99);
      String note = s.translator().equals("test") ? "TestTranslator (a stand-in, every service to every proxy): checks the harness, not Weft." : "";
      Results r = new Results(LocalDate.now().toString(), translatorName, s, channels.size(), registerMillis,
          fullPushMillis, resourcesPerClient, pushes, p50, p99, heapMiB, processCpu, controlPlaneCpu, cp.configSource().translations(),
          note);
      print(r);
      Files.createDirectories(s.out());
      Path file = s.out().resolve("xds-" + r.date() + ".json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
      System.out.println("wrote " + file);
    } finally {
      proxies.forEach(SimulatedProxy::close);
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
      clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      timer.shutdownNow();
    }
  }

  /**
   * Waits until every client has ACKed a new version of some type, or until nothing new has been
   * ACKed for a quiet period (clients whose resources did not change get no push at all).
   */
  private static Push awaitPush(int iteration, long t0, Map<SimulatedProxy, Map<ResourceType, String>> before, ControlPlane cp)
      throws InterruptedException {
    long quietNanos = Duration.ofSeconds(3).toNanos(); // longer than the server's debounce maximum (1 s)
    long deadline = t0 + Duration.ofMinutes(2).toNanos();
    int updated = 0;
    long lastAck = t0;
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int count = 0;
      long latest = t0;
      for (Map.Entry<SimulatedProxy, Map<ResourceType, String>> e : before.entrySet()) {
        SimulatedProxy p = e.getKey();
        for (ResourceType type : TYPES) {
          if (!p.ackedVersion(type).equals(e.getValue().get(type))) {
            count++;
            for (ResourceType ty : TYPES) {
              if (!p.ackedVersion(ty).equals(e.getValue().get(ty))) {
                latest = Math.max(latest, p.lastAckNanos(ty));
              }
            }
            break;
          }
        }
      }
      if (count > updated) {
        updated = count;
        lastProgress = System.nanoTime();
      }
      lastAck = Math.max(lastAck, latest);
      if (updated == before.size() && before.keySet().stream().allMatch(SimulatedProxy::synced)) {
        break;
      }
      if (System.nanoTime() - lastProgress > quietNanos) {
        break;
      }
      Thread.sleep(2);
    }
    return new Push(iteration + 1, updated == 0 ? 0 : (lastAck - t0) / 1e6, updated);
  }

  private static Map<ResourceType, String> versions(SimulatedProxy p) {
    Map<ResourceType, String> out = new EnumMap<>(ResourceType.class);
    for (ResourceType t : TYPES) {
      out.put(t, p.ackedVersion(t));
    }
    return out;
  }

  /** CPU of every live thread except the simulated clients' (bench-*) and this main thread. */
  private static double controlPlaneCpuSeconds(ThreadMXBean threads) {
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || info.getThreadName().startsWith("bench-") || info.getThreadName().equals("main")) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        total += cpu;
      }
    }
    return total / 1e9;
  }

  static String serviceEntries(Settings s) {
    StringBuilder y = new StringBuilder(s.services() * (300 + 40 * s.endpointsPerService()));
    for (int i = 0; i < s.services(); i++) {
      y.append("""
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata:
            name: svc-%d
            namespace: bench
          spec:
            hosts: [svc-%d.bench.svc.cluster.local]
            location: MESH_INTERNAL
            resolution: STATIC
            ports:
            - {name: http, number: 8080, protocol: HTTP}
            endpoints:
          """.formatted(i, i));
      for (int e = 0; e < s.endpointsPerService(); e++) {
        int n = i * s.endpointsPerService() + e;
        y.append("  - {address: 10.").append(n / 65536 % 256).append('.').append(n / 256 % 256).append('.').append(n % 256)
            .append(", labels: {version: v").append(e % 2).append("}}\n");
      }
      y.append("---\n");
    }
    return y.toString();
  }

  /** A VirtualService for svc-0 whose timeout changes every iteration, so its route changes. */
  static String virtualService(int iteration) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: svc-0
          namespace: bench
        spec:
          hosts: [svc-0.bench.svc.cluster.local]
          http:
          - timeout: %ds
            route:
            - destination: {host: svc-0.bench.svc.cluster.local}
        """.formatted(iteration + 1);
  }

  private static void print(Results r) {
    System.out.println();
    System.out.printf("%-44s %s%n", "translator", r.translator());
    System.out.printf("%-44s %,d services, %,d endpoints, %,d clients on %d channels%n", "setup", r.settings().services(),
        r.settings().services() * r.settings().endpointsPerService(), r.settings().clients(), r.channels());
    System.out.printf("%-44s %,.0f ms%n", "full push (connect -> all synced)", r.fullPushMillis());
    System.out.printf("%-44s %,d%n", "resources per client", r.resourcesPerClient());
    System.out.printf("%-44s %,.1f ms / %,.1f ms%n", "VirtualService apply -> last ACK p50 / p99", r.pushP50Millis(), r.pushP99Millis());
    System.out.printf("%-44s %s%n", "clients updated per change", r.pushes().stream().map(p -> Integer.toString(p.clientsUpdated()))
        .distinct().toList());
    System.out.printf("%-44s %,.0f MiB%n", "heap after GC (whole process)", r.heapAfterGcMiB());
    System.out.printf("%-44s %,.1f s / %,.1f s%n", "CPU: process / control-plane threads", r.processCpuSeconds(),
        r.controlPlaneCpuSeconds());
    System.out.printf("%-44s %,d%n", "translations", r.translations());
    if (!r.note().isEmpty()) {
      System.out.println("NOTE: " + r.note());
    }
  }

  private static double percentile(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double millisSince(long t) {
    return (System.nanoTime() - t) / 1e6;
  }

  private static void await(String what, Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private XdsPushBenchmark() {}
}
