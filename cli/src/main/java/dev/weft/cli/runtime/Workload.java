package dev.weft.cli.runtime;

import dev.weft.cli.ApiClient;
import dev.weft.controlplane.api.ApiTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One workload of the local mesh: its application and its sidecar, two processes on the
 * workload's own loopback address. The sidecar runs with Istio's {@code INTERCEPTION_MODE: NONE}:
 * it binds the service port on that address (inbound, to the application) and Istio's
 * {@code HTTP_PROXY_PORT} (15080), where the application's {@code HTTP_PROXY} points; its admin is
 * on 15000 of the same address. Once the application answers and the sidecar is ready, the
 * workload is registered with the control plane and heartbeats keep it there.
 */
public final class Workload {
  public static final int ADMIN_PORT = 15000;
  public static final int HTTP_PROXY_PORT = 15080;
  static final int REGISTRATION_TTL_SECONDS = 15;

  private final WorkloadSpec spec;
  private final String address;
  private final String namespace;
  private final String appHost;
  private final int appPort;
  private final ManagedProcess app;
  private final ManagedProcess sidecar;
  private final ApiClient api;
  private volatile boolean registered;
  private boolean appStarted;
  private volatile Duration sidecarReady = Duration.ZERO;

  /**
   * @param address      the workload's loopback address
   * @param controlPlane the control plane's admin API URL; {@code xds} its xDS host:port
   */
  public Workload(WorkloadSpec spec, String address, String controlPlane, String xds, Path runDir, Consumer<String> report,
      Runnable changed) throws IOException {
    this(spec, address, null, controlPlane, xds, runDir, report, changed);
  }

  /**
   * A workload in a network namespace ({@code weft up --transparent}, see {@link TransparentNetwork}):
   * the application listens on the service port of every address of its namespace and calls
   * services by name with no proxy set; the sidecar runs as uid {@value TransparentNetwork#SIDECAR_UID}
   * with Istio's default interception (REDIRECT), so it gets the capture listeners 15001/15006.
   *
   * @param namespace the workload's network namespace, null for the loopback (NONE) mode
   * @param address   its address (in the namespace when there is one)
   */
  public Workload(WorkloadSpec spec, String address, String namespace, String controlPlane, String xds, Path runDir,
      Consumer<String> report, Runnable changed) throws IOException {
    this.spec = spec;
    this.address = address;
    this.namespace = namespace;
    boolean captured = namespace != null;
    this.appHost = captured ? "0.0.0.0" : spec.appPort() > 0 ? "127.0.0.1" : address;
    this.appPort = captured ? spec.servicePort() : spec.appPort() > 0 ? spec.appPort() : freePort(address);
    this.api = new ApiClient(controlPlane);
    Path logs = runDir.resolve("logs");
    Map<String, String> env = new TreeMap<>();
    if (!captured) {
      String proxyUrl = "http://" + address + ":" + HTTP_PROXY_PORT;
      env.put("HTTP_PROXY", proxyUrl);
      env.put("http_proxy", proxyUrl);
    }
    env.put("PORT", Integer.toString(appPort));
    env.put("HOSTNAME", spec.name());
    env.put("WEFT_WORKLOAD_ADDRESS", address);
    Map<String, Integer> appPorts = new LinkedHashMap<>();
    appPorts.put("app", appPort);
    List<String> appCommand = spec.app().build(appHost, appPort);
    String appProbeHost = captured ? address : appHost;
    this.app = new ManagedProcess(new Component(spec.name(), "app",
        captured ? TransparentNetwork.inNamespace(namespace, appCommand) : appCommand, captured ? withoutProxy(env) : env,
        logs.resolve(spec.name() + ".log"), appProbeHost, appPorts,
        spec.healthPath() == null ? "" : "http://" + appProbeHost + ":" + appPort + spec.healthPath()), report, changed);

    Path bootstrap = runDir.resolve("bootstrap").resolve(spec.name() + ".yaml");
    Files.createDirectories(bootstrap.getParent());
    Files.writeString(bootstrap, captured ? capturedBootstrap(xds) : bootstrap(xds));
    Map<String, Integer> sidecarPorts = new LinkedHashMap<>();
    if (captured) {
      sidecarPorts.put("outbound-capture", TransparentNetwork.OUTBOUND_CAPTURE_PORT);
      sidecarPorts.put("inbound-capture", TransparentNetwork.INBOUND_CAPTURE_PORT);
    } else {
      sidecarPorts.put("inbound", spec.servicePort());
      sidecarPorts.put("http-proxy", HTTP_PROXY_PORT);
    }
    sidecarPorts.put("admin", ADMIN_PORT);
    List<String> proxy = JavaLauncher.proxy(bootstrap, false);
    this.sidecar = new ManagedProcess(new Component(spec.name() + "-sidecar", "sidecar",
        captured ? TransparentNetwork.asSidecar(namespace, proxy) : proxy, captured ? withoutProxy(Map.of()) : Map.of(),
        logs.resolve(spec.name() + "-sidecar.log"), address, sidecarPorts,
        "http://" + address + ":" + ADMIN_PORT + "/ready"), report, changed);
  }

  /**
   * The inherited environment minus any HTTP proxy (a user's own would bypass the capture). Entries
   * set to "" are removed by {@link ManagedProcess}.
   */
  private static Map<String, String> withoutProxy(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>(env);
    for (String k : List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")) {
      out.put(k, "");
    }
    return out;
  }

  /** Istio's default interception (REDIRECT: no INTERCEPTION_MODE key): the control plane sends virtualOutbound/virtualInbound. */
  private String capturedBootstrap(String xds) {
    StringBuilder labels = new StringBuilder();
    new TreeMap<>(spec.labels()).forEach((k, v) -> labels.append(labels.isEmpty() ? "" : ", ").append(quote(k)).append(": ").append(quote(v)));
    return """
        # weft up --transparent: the sidecar of %1$s in network namespace %6$s, as uid %7$d; iptables
        # there send the workload's outbound TCP to 15001 and its inbound TCP to 15006
        node:
          id: sidecar~%2$s~%1$s.%3$s~%3$s.svc.cluster.local
          cluster: %4$s.%3$s
          metadata:
            NAMESPACE: %3$s
            SERVICE_ACCOUNT: %5$s
            LABELS: {%8$s}
        xds:
          address: %9$s
          reconnect: {initial: 200ms, max: 5s}
        admin:
          address: %2$s:%10$d
        """.formatted(spec.name(), address, spec.namespace(), spec.service(), spec.serviceAccount(), namespace,
        TransparentNetwork.SIDECAR_UID, labels, xds, ADMIN_PORT);
  }

  private String bootstrap(String xds) {
    StringBuilder labels = new StringBuilder();
    new TreeMap<>(spec.labels()).forEach((k, v) -> labels.append(labels.isEmpty() ? "" : ", ").append(quote(k)).append(": ").append(quote(v)));
    return """
        # weft up: the sidecar of %1$s (Istio's INTERCEPTION_MODE NONE: nothing is captured; the
        # application reaches services through HTTP_PROXY=http://%2$s:%3$d)
        node:
          id: sidecar~%2$s~%1$s.%4$s~%4$s.svc.cluster.local
          cluster: %5$s.%4$s
          metadata:
            NAMESPACE: %4$s
            SERVICE_ACCOUNT: %6$s
            LABELS: {%7$s}
            INTERCEPTION_MODE: NONE
            HTTP_PROXY_PORT: "%3$d"
            WEFT_APP_PORTS: "%8$d=%9$s:%10$d"
        xds:
          address: %11$s
          reconnect: {initial: 200ms, max: 5s}
        admin:
          address: %2$s:%12$d
        """.formatted(spec.name(), address, HTTP_PROXY_PORT, spec.namespace(), spec.service(), spec.serviceAccount(), labels,
        spec.servicePort(), appHost, appPort, xds, ADMIN_PORT);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public WorkloadSpec spec() {
    return spec;
  }

  public String address() {
    return address;
  }

  public List<ManagedProcess> processes() {
    return List.of(app, sidecar);
  }

  /** Starts the application alone ({@code weft up} starts every application while the control plane starts). */
  public synchronized void startApplication() throws IOException {
    if (!appStarted) {
      app.start();
      appStarted = true;
    }
  }

  /**
   * Starts the application (unless {@link #startApplication} did) and the sidecar at once (the
   * sidecar's xDS warming does not need the application), registers the workload once both are up,
   * and waits until a request to the service port on its address reaches the application through
   * the sidecar.
   */
  public void start(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    startApplication();
    long sidecarStart = System.nanoTime();
    sidecar.start();
    if (!Probe.until(left(deadline), sidecar::alive, () -> Probe.ok(sidecar.component().health()))) {
      throw new IOException(spec.name() + ": the sidecar did not become ready (log: " + sidecar.component().log() + ")");
    }
    sidecarReady = Duration.ofNanos(System.nanoTime() - sidecarStart);
    // In a namespace the application is reached through the capture only, so once the sidecar is up.
    if (namespace == null && !Probe.until(left(deadline), app::alive, this::appUp)) {
      throw new IOException(spec.name() + ": the application did not " + (app.alive() ? "answer" : "stay up")
          + " (log: " + app.component().log() + ")");
    }
    register();
    if (!Probe.until(left(deadline), sidecar::alive, this::inboundUp)) {
      throw new IOException(spec.name() + ": the sidecar does not serve " + address + ":" + spec.servicePort()
          + " (log: " + sidecar.component().log() + ")");
    }
  }

  /** The network namespace it runs in ({@code --transparent}), null on a loopback address. */
  public String namespace() {
    return namespace;
  }

  /** How long the sidecar took from its start to /ready (its xDS configuration warmed). */
  public Duration sidecarReady() {
    return sidecarReady;
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private boolean appUp() {
    return spec.healthPath() != null ? Probe.ok("http://" + appHost + ":" + appPort + spec.healthPath()) : connects(appHost, appPort);
  }

  private boolean inboundUp() {
    return spec.healthPath() != null ? Probe.ok("http://" + address + ":" + spec.servicePort() + spec.healthPath())
        : connects(address, spec.servicePort());
  }

  private static boolean connects(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  ApiTypes.WorkloadRegistration registration() {
    return new ApiTypes.WorkloadRegistration(spec.name(), spec.namespace(), spec.service(), spec.serviceAccount(), spec.labels(),
        address, List.of(new ApiTypes.Port("http", spec.servicePort(), "HTTP")), "HEALTHY", null, null, REGISTRATION_TTL_SECONDS);
  }

  void register() throws IOException {
    try {
      ApiClient.Response r = api.postJson("/api/v1/workloads", registration());
      if (r.status() != 200 && r.status() != 201) {
        throw new IOException(spec.name() + ": registration refused: " + r.error());
      }
      registered = true;
    } catch (ApiClient.Unreachable e) {
      throw new IOException(spec.name() + ": cannot register: " + e.getMessage());
    }
  }

  /** The heartbeat: the whole registration, so a restarted control plane learns the workload again. */
  public void heartbeat() {
    if (!registered) {
      return;
    }
    try {
      api.putJson("/api/v1/workloads/" + spec.namespace() + "/" + spec.name(), registration());
    } catch (ApiClient.Unreachable e) {
      // the control plane is restarting: the next heartbeat registers again
    }
  }

  /** Deregisters (best effort), then stops the sidecar and the application. */
  public boolean stop(Duration grace) {
    if (registered) {
      registered = false;
      try {
        api.delete("/api/v1/workloads/" + spec.namespace() + "/" + spec.name());
      } catch (ApiClient.Unreachable e) {
        // the control plane may already be gone: the registration then expires with its TTL
      }
    }
    boolean a = sidecar.stop(grace);
    boolean b = app.stop(grace);
    return a && b;
  }

  private static int freePort(String address) throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(address, 0));
      return s.getLocalPort();
    }
  }
}
