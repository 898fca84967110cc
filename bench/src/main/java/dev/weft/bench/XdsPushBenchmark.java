package dev.weft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.controlplane.testing.TestTranslator;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.Translation;
import dev.weft.controlplane.xds.server.Acknowledged;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** VHDS only on delta streams, and only for route configurations large enough (never sent: not waited for). */
  private static final ResourceType[] TYPES = {ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER, ResourceType.ROUTE,
      ResourceType.VIRTUAL_HOST};

  /**
   * {@code translator}: "default" (the control plane's) or "test" (TestTranslator, to check the harness itself).
   * {@code clientsProcess}: "same" runs the simulated proxies in this JVM (times are their own ACK times);
   * "separate" runs them in a child JVM ({@link SimulatedSidecars}) and times ACKs as the control plane
   * receives them, so heap and CPU of this process are the control plane's (plus this harness's polling).
   */
  record Settings(int services, int endpointsPerService, int clients, int clientsPerChannel, int iterations, Path out,
      String translator, String clientsProcess, int warmup, int sidecarScope, String label, String clientParse, String protocol) {
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
          Path.of(a.getOrDefault("out", "bench/results")), a.getOrDefault("translator", "default"),
          a.getOrDefault("clients-process", "same"), Integer.parseInt(a.getOrDefault("warmup", "0")),
          Integer.parseInt(a.getOrDefault("sidecar-scope", "0")), a.getOrDefault("label", ""),
          a.getOrDefault("client-parse", "full"), a.getOrDefault("protocol", "sotw"));
    }

    /** The namespace of service (or client) {@code i} of {@code count}: "bench", or with --sidecar-scope N one of ns-0..ns-(N-1). */
    String namespace(int i, int count) {
      return sidecarScope <= 0 ? "bench" : "ns-" + (int) ((long) i * sidecarScope / count);
    }

    String host(int service) {
      return "svc-" + service + "." + namespace(service, services) + ".svc.cluster.local";
    }
  }

  /** One VirtualService apply: how long until the last updated client ACKed, and how many were updated. */
  record Push(int iteration, double millisToLastAck, int clientsUpdated) {}

  /**
   * @param heapAfterGcMiB this process after GC: the control plane and the clients with {@code clientsProcess=same},
   *     the control plane (and this harness) with "separate"
   * @param controlPlaneCpuSeconds CPU of the control plane's threads over the whole run
   * @param changesControlPlaneCpuSeconds the same, during the VirtualService changes only
   * @param clientsCpuSeconds CPU of the simulated clients over the whole run (their threads, or their process)
   * @param changesClientsCpuSeconds the same, during the VirtualService changes only
   */
  record Results(String date, String translator, Settings settings, int channels,
      double connectAndRegisterMillis, double fullPushMillis, long resourcesPerClient, List<Push> pushes, double pushP50Millis,
      double pushP99Millis, double heapAfterGcMiB, double processCpuSeconds, double controlPlaneCpuSeconds,
      double changesControlPlaneCpuSeconds, double clientsCpuSeconds, double changesClientsCpuSeconds, long translations,
      long routeBytesPerClient, double routeParseMillis,
      double changesProcessCpuSeconds, Map<String, ThreadCpu.Use> changesProcessCpuByThread,
      Map<String, ThreadCpu.Use> changesClientsCpuByThread, String note) {}

  /** What every simulated proxy acknowledged, by proxy id and type; see {@link Acknowledged}. */
  @FunctionalInterface
  interface AckView {
    Map<String, Map<ResourceType, Acknowledged>> now();
  }

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    MeshTranslator translator = switch (s.translator()) {
      case "default" -> Translation.meshTranslator();
      case "test" -> new TestTranslator();
      default -> throw new IllegalArgumentException("--translator must be default or test");
    };
    boolean parseAll = switch (s.clientParse()) {
      case "full" -> true;
      case "names" -> false;
      default -> throw new IllegalArgumentException("--client-parse must be full or names");
    };
    if (!s.protocol().equals("sotw") && !s.protocol().equals("delta")) {
      throw new IllegalArgumentException("--protocol must be sotw or delta");
    }
    boolean separate = switch (s.clientsProcess()) {
      case "same" -> false;
      case "separate" -> true;
      default -> throw new IllegalArgumentException("--clients-process must be same or separate");
    };
    ControlPlane.Options options = ControlPlane.Options.defaults(Files.createTempDirectory("weft-xds-bench")).withEphemeralPorts()
        .withTranslator(translator);
    String translatorName = translator.getClass().getName();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < s.clients(); i++) {
      ids.add(SimulatedSidecars.node(i, s.namespace(i, s.clients())).getId());
    }
    SimulatedSidecars inProcess = null;
    Process clientProcess = null;
    try (ControlPlane cp = ControlPlane.start(options)) {
      long t = System.nanoTime();
      WriteResult w = cp.store().apply(List.of(new ConfigInput("services.yaml", serviceEntries(s) + sidecars(s))), "bench");
      if (!w.accepted()) {
        throw new IllegalStateException("generated ServiceEntries refused: " + w.diagnostics().getFirst().format());
      }
      double registerMillis = millisSince(t);
      System.out.printf("registered %,d services with %,d endpoints in %.0f ms (translator: %s, clients in %s)%n",
          s.services(), s.services() * s.endpointsPerService(), registerMillis, translatorName,
          separate ? "a separate process" : "this process");

      // Full push: connect every client, wait until every one is synced.
      t = System.nanoTime();
      AckView acks;
      if (separate) {
        clientProcess = SimulatedSidecars.launch(cp.xdsPort(), s.clients(), s.clientsPerChannel(), Math.max(0, s.sidecarScope()),
            parseAll, s.protocol());
        acks = () -> cp.xds().acknowledged();
      } else {
        inProcess = SimulatedSidecars.start(cp.xdsPort(), s.clients(), s.clientsPerChannel(), Math.max(0, s.sidecarScope()), parseAll,
            s.protocol());
        acks = inProcess::acknowledged;
      }
      AckView view = acks;
      Process child = clientProcess;
      await("all clients synced", Duration.ofMinutes(10), () -> {
        if (child != null && !child.isAlive()) {
          throw new IllegalStateException("the simulated clients' process ended with " + child.exitValue());
        }
        return allSynced(view.now(), ids);
      });
      double fullPushMillis = millisSince(t);
      long resourcesPerClient = 0;
      for (ResourceType type : TYPES) {
        // VHDS appears only in the status of streams that asked for it (delta)
        var status = cp.xds().proxyStatus(ids.getFirst()).orElseThrow().types().get(type);
        resourcesPerClient += status == null ? 0 : status.resourceNames().size();
      }
      int channels = (s.clients() + s.clientsPerChannel() - 1) / s.clientsPerChannel();
      Map<String, com.google.protobuf.Any> routes = cp.xds().lastSent(ids.getFirst(), ResourceType.ROUTE).orElseThrow();
      // delta: the VHDS route configurations plus their virtual hosts (all of them, as at connect)
      long routeBytes = routes.values().stream().mapToLong(a -> a.getSerializedSize()).sum()
          + cp.xds().lastSent(ids.getFirst(), ResourceType.VIRTUAL_HOST).orElse(Map.of()).values().stream()
              .mapToLong(a -> a.getSerializedSize()).sum();
      double routeParseMillis = parseMillis(routes.values());
      System.out.printf("routes per client: %,d bytes; parsing them takes one client %.2f ms%n", routeBytes, routeParseMillis);
      System.out.printf("full push: %,d clients synced in %.0f ms (%,d resources each)%n", s.clients(), fullPushMillis,
          resourcesPerClient);

      // Warm-up changes (not counted): JIT and GC settle before the measured ones.
      for (int i = 0; i < s.warmup(); i++) {
        Map<String, Map<ResourceType, Acknowledged>> before = acks.now();
        long t0 = System.nanoTime();
        WriteResult vs = cp.store().apply(List.of(new ConfigInput("vs.yaml", virtualService(s, s.iterations() + i))), "bench");
        if (!vs.accepted()) {
          throw new IllegalStateException("VirtualService refused: " + vs.diagnostics().getFirst().format());
        }
        Push p = awaitPush(i, t0, before, ids, acks);
        System.out.printf("  warm-up change %2d: %,d clients updated, last ACK after %.1f ms%n", i + 1, p.clientsUpdated(),
            p.millisToLastAck());
      }

      // VirtualService changes.
      Map<String, ThreadCpu.Use> cpThreadsBefore = ThreadCpu.of(ProcessHandle.current().pid());
      Map<String, ThreadCpu.Use> clientThreadsBefore = clientProcess == null ? Map.of() : ThreadCpu.of(clientProcess.pid());
      double processCpuBefore = os.getProcessCpuTime() / 1e9;
      double cpCpuBefore = controlPlaneCpuSeconds(threads);
      double clientCpuBefore = clientsCpuSeconds(threads, clientProcess);
      List<Push> pushes = new ArrayList<>();
      for (int i = 0; i < s.iterations(); i++) {
        Map<String, Map<ResourceType, Acknowledged>> before = acks.now();
        long t0 = System.nanoTime();
        WriteResult vs = cp.store().apply(List.of(new ConfigInput("vs.yaml", virtualService(s, i))), "bench");
        if (!vs.accepted()) {
          throw new IllegalStateException("VirtualService refused: " + vs.diagnostics().getFirst().format());
        }
        pushes.add(awaitPush(i, t0, before, ids, acks));
        Push last = pushes.getLast();
        System.out.printf("  VirtualService change %2d: %,d clients updated, last ACK after %.1f ms%n", i + 1, last.clientsUpdated(),
            last.millisToLastAck());
      }
      double changesCpCpu = controlPlaneCpuSeconds(threads) - cpCpuBefore;
      double changesProcessCpu = os.getProcessCpuTime() / 1e9 - processCpuBefore;
      Map<String, ThreadCpu.Use> cpThreads = ThreadCpu.since(cpThreadsBefore, ThreadCpu.of(ProcessHandle.current().pid()));
      Map<String, ThreadCpu.Use> clientThreads = clientProcess == null ? Map.of()
          : ThreadCpu.since(clientThreadsBefore, ThreadCpu.of(clientProcess.pid()));
      double clientsCpu = clientsCpuSeconds(threads, clientProcess);
      double changesClientsCpu = clientsCpu - clientCpuBefore;

      System.gc();
      System.gc();
      double heapMiB = memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
      double processCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      double controlPlaneCpu = controlPlaneCpuSeconds(threads);
      List<Double> times = pushes.stream().filter(p -> p.clientsUpdated() > 0).map(Push::millisToLastAck).sorted().toList();
      double p50 = percentile(times, 50);
      double p99 = percentile(times, 99);
      String note = s.translator().equals("test") ? "TestTranslator (a stand-in, every service to every proxy): checks the harness, not Weft." : "";
      Results r = new Results(LocalDate.now().toString(), translatorName, s, channels, registerMillis,
          fullPushMillis, resourcesPerClient, pushes, p50, p99, heapMiB, processCpu, controlPlaneCpu, changesCpCpu, clientsCpu,
          changesClientsCpu, cp.configSource().translations(), routeBytes, routeParseMillis, changesProcessCpu, cpThreads, clientThreads, note);
      print(r);
      Files.createDirectories(s.out());
      Path file = s.out().resolve("xds-" + r.date() + (s.label().isEmpty() ? "" : "-" + s.label())
          + (separate ? "-separate-clients" : "") + (s.sidecarScope() > 0 ? "-sidecar-scope" : "")
          + (parseAll ? "" : "-clients-parse-names") + (s.protocol().equals("sotw") ? "" : "-" + s.protocol()) + ".json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
      System.out.println("wrote " + file);
    } finally {
      if (inProcess != null) {
        inProcess.close();
      }
      if (clientProcess != null) {
        clientProcess.destroy();
        if (!clientProcess.waitFor(10, TimeUnit.SECONDS)) {
          clientProcess.destroyForcibly();
        }
      }
    }
  }

  /** Every proxy is connected and has ACKed the last response of each of the four types. */
  private static boolean allSynced(Map<String, Map<ResourceType, Acknowledged>> acks, List<String> ids) {
    for (String id : ids) {
      Map<ResourceType, Acknowledged> types = acks.get(id);
      if (types == null) {
        return false;
      }
      for (ResourceType type : TYPES) {
        Acknowledged a = types.get(type);
        if (a == null ? type != ResourceType.VIRTUAL_HOST : !a.synced()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Waits until every client has ACKed a new version of some type, or until nothing new has been
   * ACKed for a quiet period (clients whose resources did not change get no push at all). The time
   * reported is that of the ACK ({@link Acknowledged#atNanos()}), so how often this polls does not
   * change it, only how soon this loop notices the end; polling every 200 ms keeps the harness's own CPU
   * (a map of 1,000 proxies per poll, 0.13 CPU-s per change when it polled every 50 ms) out of the way
   * of the push it measures.
   */
  private static Push awaitPush(int iteration, long t0, Map<String, Map<ResourceType, Acknowledged>> before, List<String> ids,
      AckView acks) throws InterruptedException {
    long quietNanos = Duration.ofSeconds(3).toNanos(); // longer than the server's debounce maximum (1 s)
    long deadline = t0 + Duration.ofMinutes(2).toNanos();
    int updated = 0;
    long lastAck = t0;
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Map<String, Map<ResourceType, Acknowledged>> now = acks.now();
      int count = 0;
      long latest = t0;
      for (String id : ids) {
        Map<ResourceType, Acknowledged> was = before.getOrDefault(id, Map.of());
        Map<ResourceType, Acknowledged> is = now.getOrDefault(id, Map.of());
        boolean changed = false;
        for (ResourceType type : TYPES) {
          Acknowledged a = is.get(type);
          Acknowledged b = was.get(type);
          if (a != null && (b == null || !a.version().equals(b.version()))) {
            changed = true;
            latest = Math.max(latest, a.atNanos());
          }
        }
        if (changed) {
          count++;
        }
      }
      if (count > updated) {
        updated = count;
        lastProgress = System.nanoTime();
      }
      lastAck = Math.max(lastAck, latest);
      if (updated == ids.size() && allSynced(now, ids)) {
        break;
      }
      if (System.nanoTime() - lastProgress > quietNanos) {
        break;
      }
      Thread.sleep(200);
    }
    return new Push(iteration + 1, updated == 0 ? 0 : (lastAck - t0) / 1e6, updated);
  }

  /**
   * What reading one client's routes costs (the median of 30 parses after up to 300 unmeasured ones
   * or 15 s, so the JIT has compiled the parser): the least every client must spend per change, on
   * the same two cores in this benchmark.
   */
  private static double parseMillis(java.util.Collection<com.google.protobuf.Any> resources) throws Exception {
    long warmUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int i = 0; i < 300 && System.nanoTime() < warmUntil; i++) {
      for (com.google.protobuf.Any a : resources) {
        io.envoyproxy.envoy.config.route.v3.RouteConfiguration.parseFrom(a.getValue());
      }
    }
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long t = System.nanoTime();
      for (com.google.protobuf.Any a : resources) {
        io.envoyproxy.envoy.config.route.v3.RouteConfiguration.parseFrom(a.getValue());
      }
      times.add((System.nanoTime() - t) / 1e6);
    }
    java.util.Collections.sort(times);
    return times.get(times.size() / 2);
  }

  /** CPU of every live thread except the simulated clients' ({@code bench-*}) and this main thread. */
  private static double controlPlaneCpuSeconds(ThreadMXBean threads) {
    return threadCpuSeconds(threads, name -> !name.startsWith("bench-") && !name.equals("main"));
  }

  /** CPU of the simulated clients: their process, or their threads in this one. */
  private static double clientsCpuSeconds(ThreadMXBean threads, Process clients) {
    if (clients != null) {
      return clients.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }
    return threadCpuSeconds(threads, name -> name.startsWith("bench-"));
  }

  private static double threadCpuSeconds(ThreadMXBean threads, java.util.function.Predicate<String> which) {
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || !which.test(info.getThreadName())) {
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
            namespace: %s
          spec:
            hosts: [%s]
            location: MESH_INTERNAL
            resolution: STATIC
            ports:
            - {name: http, number: 8080, protocol: HTTP}
            endpoints:
          """.formatted(i, s.namespace(i, s.services()), s.host(i)));
      for (int e = 0; e < s.endpointsPerService(); e++) {
        int n = i * s.endpointsPerService() + e;
        y.append("  - {address: 10.").append(n / 65536 % 256).append('.').append(n / 256 % 256).append('.').append(n % 256)
            .append(", labels: {version: v").append(e % 2).append("}}\n");
      }
      y.append("---\n");
    }
    return y.toString();
  }

  /**
   * With {@code --sidecar-scope N}: in each namespace a Sidecar importing only its own namespace and
   * istio-system (what Istio recommends for large meshes), so each proxy sees its namespace's services.
   */
  static String sidecars(Settings s) {
    StringBuilder y = new StringBuilder();
    for (int n = 0; n < s.sidecarScope(); n++) {
      y.append("""
          apiVersion: networking.istio.io/v1
          kind: Sidecar
          metadata: {name: default, namespace: ns-%d}
          spec:
            egress:
            - hosts: ["./*", "istio-system/*"]
          ---
          """.formatted(n));
    }
    return y.toString();
  }

  /** A VirtualService for svc-0 whose timeout changes every iteration, so its route changes. */
  static String virtualService(Settings s, int iteration) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: svc-0
          namespace: %s
        spec:
          hosts: [%s]
          http:
          - timeout: %ds
            route:
            - destination: {host: %s}
        """.formatted(s.namespace(0, s.services()), s.host(0), iteration + 1, s.host(0));
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
    System.out.printf("%-44s %,.0f MiB%n", r.settings().clientsProcess().equals("same")
        ? "heap after GC (whole process, clients incl.)" : "heap after GC (control plane process)", r.heapAfterGcMiB());
    System.out.printf("%-44s %,.1f s / %,.1f s / %,.1f s%n", "CPU: process / control plane / clients", r.processCpuSeconds(),
        r.controlPlaneCpuSeconds(), r.clientsCpuSeconds());
    System.out.printf("%-44s %,.1f s / %,.1f s (%,.2f s / %,.2f s per change)%n", "CPU during the changes: control plane / clients",
        r.changesControlPlaneCpuSeconds(), r.changesClientsCpuSeconds(),
        r.changesControlPlaneCpuSeconds() / Math.max(1, r.pushes().size()), r.changesClientsCpuSeconds() / Math.max(1, r.pushes().size()));
    System.out.printf("%-44s %,.2f s per change%n", "CPU during the changes: control plane process", r.changesProcessCpuSeconds()
        / Math.max(1, r.pushes().size()));
    System.out.printf("%-44s %s%n", "  by thread (user+system s per change)", ThreadCpu.summary(r.changesProcessCpuByThread(), r.pushes().size()));
    if (!r.changesClientsCpuByThread().isEmpty()) {
      System.out.printf("%-44s %s%n", "  clients by thread", ThreadCpu.summary(r.changesClientsCpuByThread(), r.pushes().size()));
    }
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
