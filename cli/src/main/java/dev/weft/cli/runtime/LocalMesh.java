package dev.weft.cli.runtime;

import dev.weft.cli.ApiClient;
import dev.weft.controlplane.api.ApiTypes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code weft up}: the whole mesh on one machine, each part its own process supervised here: the
 * control plane, an ingress gateway (Istio's istio-ingressgateway: node type router, labels
 * {@code istio: ingressgateway}, namespace istio-system) configured by
 * samples/bookinfo/networking/bookinfo-gateway.yaml, and each Bookinfo workload with its sidecar
 * ({@link Workload}). Everything is written to {@link RunState} in the run directory; logs go to
 * {@code <run-dir>/logs}.
 */
public final class LocalMesh implements AutoCloseable {

  /**
   * @param controlPlaneAddress where the control plane's admin API ({@code adminPort}) and xDS ({@code xdsPort}) listen
   * @param gatewayAddress      where the gateway's listeners bind (the port is the Gateway resource's: 8080 for Bookinfo's)
   * @param samples             Istio's samples directory (holding bookinfo/networking)
   */
  public record Options(Path runDir, LoopbackRange range, String controlPlaneAddress, int adminPort, int xdsPort,
      String gatewayAddress, boolean demo, Path samples, Duration startTimeout) {}

  public static final int GATEWAY_PORT = 8080;
  static final Duration GRACE = Duration.ofSeconds(5);
  /** Writing the AOT cache at exit takes a few seconds, more on a loaded machine. */
  static final Duration TRAINING_GRACE = Duration.ofSeconds(40);

  private final Options options;
  private final PrintWriter out;
  private final List<ManagedProcess> infra = Collections.synchronizedList(new ArrayList<>());
  private final List<Workload> workloads = Collections.synchronizedList(new ArrayList<>());
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("weft-heartbeats").factory());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long started = System.nanoTime();
  /** The gateway records the proxies' AOT cache: it is written when the gateway stops, which then takes longer. */
  private volatile boolean trainsProxyCache;

  private LocalMesh(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public String controlPlaneUrl() {
    return "http://" + options.controlPlaneAddress() + ":" + options.adminPort();
  }

  public String xdsAddress() {
    return options.controlPlaneAddress() + ":" + options.xdsPort();
  }

  public String gateway() {
    return options.gatewayAddress() + ":" + GATEWAY_PORT;
  }

  /** Starts everything; on failure stops what was started and throws with one line for the user. */
  public static LocalMesh start(Options options, PrintWriter out) throws IOException, InterruptedException {
    for (RunState s : RunState.readAll(options.runDir())) {
      if (s.owner().equals("mesh") && s.supervisorAlive()) {
        throw new IOException("a mesh is already running from " + options.runDir() + " (weft pid " + s.supervisorPid()
            + "): `weft down --run-dir " + options.runDir() + "` first");
      }
    }
    Files.createDirectories(options.runDir().resolve("logs"));
    LocalMesh mesh = new LocalMesh(options, out);
    try {
      mesh.startAll();
      return mesh;
    } catch (IOException | InterruptedException | RuntimeException e) {
      mesh.close();
      throw e;
    }
  }

  private void startAll() throws IOException, InterruptedException {
    say("weft up: run dir " + options.runDir() + ", workload addresses " + options.range());
    controlPlane();
    if (options.demo()) {
      apply(options.samples().resolve("bookinfo/networking/bookinfo-gateway.yaml"));
    }
    // The gateway and the workloads start side by side; each reports when it is ready.
    List<Thread> starting = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    starting.add(Thread.ofVirtual().start(() -> {
      try {
        gatewayProcess();
      } catch (Exception e) {
        failures.add(e);
      }
    }));
    if (options.demo()) {
      int index = 2;
      for (WorkloadSpec spec : BookinfoDemo.workloads()) {
        String address = options.range().address(index++);
        starting.add(Thread.ofVirtual().start(() -> {
          try {
            startWorkload(spec, address);
          } catch (Exception e) {
            failures.add(e);
          }
        }));
      }
    }
    for (Thread t : starting) {
      t.join();
    }
    if (!failures.isEmpty()) {
      Exception first = failures.getFirst();
      if (first instanceof InterruptedException ie) {
        throw ie;
      }
      throw first instanceof IOException io ? io : new IOException(first.getMessage(), first);
    }
    heartbeats.scheduleWithFixedDelay(() -> {
      for (Workload w : List.copyOf(workloads)) {
        w.heartbeat();
      }
    }, 5, 5, TimeUnit.SECONDS);
    say(String.format("mesh ready in %.1f s", (System.nanoTime() - started) / 1e9));
  }

  private void controlPlane() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String cp = options.controlPlaneAddress();
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("admin", options.adminPort());
    ports.put("xds", options.xdsPort());
    ManagedProcess p = new ManagedProcess(new Component("controlplane", "controlplane", JavaLauncher.weft(List.of("controlplane",
        "--data-dir", options.runDir().resolve("data").toString(), "--bind", cp, "--port", Integer.toString(options.adminPort()),
        "--xds-bind", cp, "--xds-port", Integer.toString(options.xdsPort()), "--workload-ttl",
        Integer.toString(Workload.REGISTRATION_TTL_SECONDS))), Map.of(), options.runDir().resolve("logs/controlplane.log"), cp,
        ports, controlPlaneUrl() + "/healthz"), this::say, this::writeState);
    infra.add(p);
    p.start();
    if (!Probe.until(options.startTimeout(), p::alive, () -> Probe.ok(controlPlaneUrl() + "/healthz"))) {
      throw new IOException("the control plane did not start (log: " + p.component().log() + ")");
    }
    progress("control plane", t0, "admin API " + controlPlaneUrl() + ", xDS " + xdsAddress());
  }

  private void apply(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("cannot find " + file + " (Istio's samples; --samples DIR)");
    }
    ApiTypes.WriteRequest body = new ApiTypes.WriteRequest("default", List.of(new ApiTypes.Input(file.toString(), Files.readString(file))));
    try {
      ApiClient.Response r = new ApiClient(controlPlaneUrl()).postJson("/api/v1/apply", body);
      if (r.status() != 200) {
        throw new IOException("applying " + file + ": " + r.error());
      }
    } catch (ApiClient.Unreachable e) {
      throw new IOException("applying " + file + ": " + e.getMessage());
    }
  }

  private void gatewayProcess() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String admin = options.range().address(1);
    trainsProxyCache = JavaLauncher.proxyCacheMissing();
    Path bootstrap = options.runDir().resolve("bootstrap/istio-ingressgateway.yaml");
    Files.createDirectories(bootstrap.getParent());
    Files.writeString(bootstrap, """
        # weft up: Istio's ingress gateway (node type router, labels istio=ingressgateway); its listeners
        # bind WEFT_BIND_ADDRESS on the ports of the Gateway resources that select it.
        node:
          id: router~%1$s~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local
          cluster: istio-ingressgateway.istio-system
          metadata:
            NAMESPACE: istio-system
            SERVICE_ACCOUNT: istio-ingressgateway-service-account
            LABELS: {app: istio-ingressgateway, istio: ingressgateway}
            WEFT_BIND_ADDRESS: "%2$s"
        xds:
          address: %3$s
          reconnect: {initial: 200ms, max: 5s}
        admin:
          address: %1$s:%4$d
        """.formatted(admin, options.gatewayAddress(), xdsAddress(), Workload.ADMIN_PORT));
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("http", GATEWAY_PORT);
    ports.put("admin", Workload.ADMIN_PORT);
    ManagedProcess p = new ManagedProcess(new Component("istio-ingressgateway", "gateway",
        JavaLauncher.proxy(bootstrap, trainsProxyCache), Map.of(),
        options.runDir().resolve("logs/istio-ingressgateway.log"), options.gatewayAddress(), ports,
        "http://" + admin + ":" + Workload.ADMIN_PORT + "/ready"), this::say, this::writeState);
    infra.add(p);
    p.start();
    if (!Probe.until(options.startTimeout(), p::alive, () -> Probe.ok(p.component().health()))) {
      throw new IOException("the ingress gateway did not become ready (log: " + p.component().log() + ")");
    }
    progress("ingress gateway", t0, options.demo() ? "http://" + gateway() + "/productpage" : "admin http://" + admin + ":15000");
  }

  private void startWorkload(WorkloadSpec spec, String address) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Workload w = new Workload(spec, address, controlPlaneUrl(), xdsAddress(), options.runDir(), this::say, this::writeState);
    workloads.add(w);
    w.start(options.startTimeout());
    progress(spec.name(), t0, String.format("%s:%d (sidecar ready %.2f s after its start; admin http://%s:%d)", address,
        spec.servicePort(), w.sidecarReady().toNanos() / 1e9, address, Workload.ADMIN_PORT));
  }

  private void progress(String what, long t0, String detail) {
    say(String.format("  %-16s ready in %4.1f s  %s", what, (System.nanoTime() - t0) / 1e9, detail));
  }

  private synchronized void say(String line) {
    out.println(line);
    out.flush();
  }

  /** The processes' current pids and ports into the state file. */
  synchronized void writeState() {
    if (closed.get()) {
      return;
    }
    List<RunState.Entry> entries = new ArrayList<>();
    for (ManagedProcess p : List.copyOf(infra)) {
      entries.add(p.entry());
    }
    for (Workload w : List.copyOf(workloads)) {
      for (ManagedProcess p : w.processes()) {
        entries.add(p.entry());
      }
    }
    ProcessHandle self = ProcessHandle.current();
    try {
      new RunState("mesh", self.pid(), ProcessTree.startMillis(self), controlPlaneUrl(), gateway(), options.range().toString(), entries)
          .write(options.runDir());
    } catch (IOException e) {
      say("weft up: cannot write the state file: " + e.getMessage());
    }
  }

  /** What the user needs once the mesh is up. */
  public void printSummary() {
    String server = controlPlaneUrl().equals("http://127.0.0.1:15014") ? "" : " --server " + controlPlaneUrl();
    StringBuilder b = new StringBuilder();
    b.append('\n');
    if (options.demo()) {
      b.append("Product page:    http://").append(gateway()).append("/productpage\n");
    }
    b.append("Apply config:    ./weft apply").append(server).append(" -f samples/bookinfo/networking/destination-rule-all.yaml\n");
    b.append("                 ./weft apply").append(server).append(" -f samples/bookinfo/networking/virtual-service-all-v1.yaml\n");
    b.append("Status:          ./weft status --run-dir ").append(options.runDir()).append('\n');
    b.append("Control plane:   ").append(controlPlaneUrl()).append("/api/v1/services   (./weft proxy-status").append(server).append(")\n");
    b.append("Proxy admin:     http://").append(options.range().address(1)).append(":15000/stats (gateway)");
    if (options.demo()) {
      b.append(", http://").append(options.range().address(2)).append(":15000/stats (details-v1), ...");
    }
    b.append('\n');
    b.append("Logs:            ").append(options.runDir().resolve("logs")).append('\n');
    b.append("Stop:            Ctrl-C, or ./weft down --run-dir ").append(options.runDir()).append(" from another shell\n");
    say(b.toString());
  }

  /** Stops every process (workloads first, the control plane last) and removes the state file. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeats.shutdownNow();
    List<Thread> stopping = new ArrayList<>();
    for (Workload w : List.copyOf(workloads)) {
      stopping.add(Thread.ofVirtual().start(() -> w.stop(GRACE)));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ManagedProcess> rest = new ArrayList<>(infra);
    Collections.reverse(rest);
    for (ManagedProcess p : rest) {
      p.stop(p.component().kind().equals("gateway") && trainsProxyCache ? TRAINING_GRACE : GRACE);
    }
    try {
      Files.deleteIfExists(RunState.file(options.runDir(), "mesh"));
    } catch (IOException e) {
      // nothing left to stop: a stale file is ignored (its supervisor is gone)
    }
  }
}
