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
   * @param transparent         null: every workload on its loopback address with HTTP_PROXY (Istio's
   *                            INTERCEPTION_MODE NONE); else each in its network namespace with
   *                            iptables capture ({@link TransparentNetwork}), in this /24 ("auto": one
   *                            no route of the machine uses)
   */
  public record Options(Path runDir, LoopbackRange range, String controlPlaneAddress, int adminPort, int xdsPort,
      String gatewayAddress, boolean demo, Path samples, Duration startTimeout, String transparent) {

    public Options(Path runDir, LoopbackRange range, String controlPlaneAddress, int adminPort, int xdsPort,
        String gatewayAddress, boolean demo, Path samples, Duration startTimeout) {
      this(runDir, range, controlPlaneAddress, adminPort, xdsPort, gatewayAddress, demo, samples, startTimeout, null);
    }
  }

  public static final int GATEWAY_PORT = 8080;
  static final Duration GRACE = Duration.ofSeconds(5);
  /**
   * Writing the AOT cache at exit takes a few seconds, far more on a loaded machine: at a load
   * average of 40 on two cores the sample app took 60 s, and a gateway and control plane stopped
   * after 40 s had written nothing (the next weft up then records them again).
   */
  static final Duration TRAINING_GRACE = Duration.ofSeconds(90);

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
  /** The control plane records its AOT cache (written when it stops). */
  private volatile boolean trainsControlPlaneCache;
  /** One sample application ({@link BookinfoDemo#TRAINER}) records theirs. */
  private volatile boolean trainsAppCache;
  /** The namespaces, veths and rules of {@code --transparent}, null otherwise. */
  private volatile TransparentNetwork network;

  private LocalMesh(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public String controlPlaneUrl() {
    return "http://" + options.controlPlaneAddress() + ":" + options.adminPort();
  }

  public String xdsAddress() {
    return xdsBind() + ":" + options.xdsPort();
  }

  /** Under --transparent xDS listens on the bridge, which the sidecars in their namespaces reach. */
  private String xdsBind() {
    TransparentNetwork n = network;
    return n != null ? n.bridgeAddress() : options.controlPlaneAddress();
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
    // A crashed run's namespaces, veths and rules (its supervisor is gone, checked above).
    List<String> stale = TransparentNetwork.teardown(options.runDir());
    if (!stale.isEmpty()) {
      throw new IOException("cannot remove what an earlier --transparent run left: " + String.join("; ", stale));
    }
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
    if (options.transparent() != null) {
      Map<String, String> names = new LinkedHashMap<>();
      if (options.demo()) {
        BookinfoDemo.workloads().forEach(w -> names.put(w.name(), w.service()));
      }
      List<Path> read = new ArrayList<>(List.of(Path.of(JavaLauncher.java()), options.runDir()));
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        read.add(Path.of(entry));
      }
      TransparentNetwork.checkSidecarCanRead(read);
      network = TransparentNetwork.create(options.runDir(), options.transparent(), names);
      say("weft up: run dir " + options.runDir() + ", transparent mode: a network namespace per workload on " + network.subnet()
          + " (bridge " + network.bridgeAddress() + "), service virtual IPs " + network.serviceVips());
    } else {
      say("weft up: run dir " + options.runDir() + ", workload addresses " + options.range());
    }
    // Heartbeats from the start: a workload registered early must not expire (its TTL is 15 s) while
    // slower ones are still starting (a loaded machine took minutes; Workload skips unregistered ones).
    heartbeats.scheduleWithFixedDelay(() -> {
      for (Workload w : List.copyOf(workloads)) {
        w.heartbeat();
      }
    }, 5, 5, TimeUnit.SECONDS);
    // The applications need nothing from the mesh: they start first, beside the control plane (on
    // two cores the JVMs' start is CPU-bound; the control plane's start leaves a core idle).
    List<Workload> demo = new ArrayList<>();
    if (options.demo()) {
      trainsAppCache = JavaLauncher.Cache.SAMPLE_APP.missing();
      int index = 2;
      for (WorkloadSpec spec : BookinfoDemo.workloads()) {
        demo.add(startApplication(spec, options.range().address(index++)));
      }
    }
    controlPlane();
    if (options.demo()) {
      apply(options.samples().resolve("bookinfo/networking/bookinfo-gateway.yaml"));
    }
    // Then the gateway and the sidecars side by side; each workload reports when it is ready.
    List<Thread> starting = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    starting.add(Thread.ofVirtual().start(() -> {
      try {
        gatewayProcess();
      } catch (Exception e) {
        failures.add(e);
      }
    }));
    for (Workload w : demo) {
      starting.add(Thread.ofVirtual().start(() -> {
        try {
          finishWorkload(w);
        } catch (Exception e) {
          failures.add(e);
        }
      }));
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
    say(String.format("mesh ready in %.1f s", (System.nanoTime() - started) / 1e9));
  }

  private void controlPlane() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String cp = options.controlPlaneAddress();
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("admin", options.adminPort());
    ports.put("xds", options.xdsPort());
    trainsControlPlaneCache = JavaLauncher.Cache.CONTROL_PLANE.missing();
    ManagedProcess p = new ManagedProcess(new Component("controlplane", "controlplane", JavaLauncher.controlPlane(List.of(
        "--data-dir", options.runDir().resolve("data").toString(), "--bind", cp, "--port", Integer.toString(options.adminPort()),
        "--xds-bind", xdsBind(), "--xds-port", Integer.toString(options.xdsPort()), "--workload-ttl",
        Integer.toString(Workload.REGISTRATION_TTL_SECONDS)), trainsControlPlaneCache), Map.of(), options.runDir().resolve("logs/controlplane.log"), cp,
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

  private Workload startApplication(WorkloadSpec spec, String loopback) throws IOException {
    TransparentNetwork.Placement place = network == null ? null : network.placement(spec.name());
    String address = place == null ? loopback : place.address();
    Workload w = new Workload(spec, address, place == null ? null : place.namespace(), controlPlaneUrl(), xdsAddress(),
        options.runDir(), this::say, this::writeState);
    workloads.add(w);
    w.startApplication();
    return w;
  }

  private void finishWorkload(Workload w) throws IOException, InterruptedException {
    w.start(options.startTimeout());
    String ns = w.namespace() == null ? "" : "netns " + w.namespace() + " ";
    progress(w.spec().name(), started, String.format(ns + "%s:%d (sidecar ready %.2f s after its start; admin http://%s:%d)", w.address(),
        w.spec().servicePort(), w.sidecarReady().toNanos() / 1e9, w.address(), Workload.ADMIN_PORT));
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
      new RunState("mesh", self.pid(), ProcessTree.startMillis(self), controlPlaneUrl(), gateway(),
          network != null ? network.subnet() + " (network namespaces)" : options.range().toString(), entries)
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
      String details = network != null ? network.placement("details-v1").address() : options.range().address(2);
      b.append(", http://").append(details).append(":15000/stats (details-v1), ...");
    }
    b.append('\n');
    TransparentNetwork n = network;
    if (n != null && options.demo()) {
      b.append("Capture:         ip netns exec ").append(n.placement("productpage-v1").namespace())
          .append(" curl -s http://reviews:9080/reviews/0   (through the sidecar: see x-envoy-upstream-service-time with -i)\n");
    }
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
    // Workloads first, then the gateway, the control plane last; except that processes recording
    // an AOT cache stop beside the workloads: each writes its cache as it exits (seconds of CPU),
    // and one after the other they made the first `weft down` last a minute on two cores.
    List<Thread> stopping = new ArrayList<>();
    for (Workload w : List.copyOf(workloads)) {
      boolean trains = trainsAppCache && w.spec().name().equals(BookinfoDemo.TRAINER);
      stopping.add(Thread.ofVirtual().start(() -> w.stop(trains ? TRAINING_GRACE : GRACE)));
    }
    List<ManagedProcess> rest = new ArrayList<>();
    for (ManagedProcess p : List.copyOf(infra)) {
      boolean trains = switch (p.component().kind()) {
        case "gateway" -> trainsProxyCache;
        case "controlplane" -> trainsControlPlaneCache;
        default -> false;
      };
      if (trains) {
        stopping.add(Thread.ofVirtual().start(() -> p.stop(TRAINING_GRACE)));
      } else {
        rest.add(p);
      }
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Collections.reverse(rest);
    for (ManagedProcess p : rest) {
      p.stop(GRACE);
    }
    List<String> left = TransparentNetwork.teardown(options.runDir());
    if (!left.isEmpty()) {
      say("weft up: could not remove: " + String.join("; ", left) + " (`weft down --run-dir " + options.runDir() + "` retries)");
    }
    try {
      Files.deleteIfExists(RunState.file(options.runDir(), "mesh"));
    } catch (IOException e) {
      // nothing left to stop: a stale file is ignored (its supervisor is gone)
    }
  }
}
