package dev.weft.bench.proxy;

import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.Log;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.proxy.ProxyJvmOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that knows how to run Weft proxies for the benchmark: an in-process control plane
 * (ephemeral ports, its own data directory) that holds the backend as a ServiceEntry, and proxy
 * processes ({@value #MAIN_CLASS} with a bootstrap file) configured only over xDS from it.
 *
 * <p>Each proxy runs as a gateway ({@code router~} node id) of its own Gateway + VirtualService:
 * a sidecar's listeners are reached through iptables capture ({@code virtualOutbound} 15001,
 * {@code virtualInbound} 15006), which this machine does not give us, and the translator does not
 * yet turn a Sidecar's {@code ingress}/{@code egress} ports with {@code bind} into listeners (Istio's
 * way without capture). So "two in a row" is two proxies, each doing the sidecar's HTTP work
 * (listener, route, cluster, upstream pool), the first routing to a ServiceEntry that is the
 * second. When the translator grows capture-free sidecar listeners, only {@link #start} changes.
 *
 * <p>The servers' {@code bind: 127.0.0.1} is written out; until the translator honours it, the
 * proxy binds Istio's {@code 0.0.0.0}.
 */
final class WeftProxies implements AutoCloseable {
  static final String MAIN_CLASS = "dev.weft.proxy.ProxyMain";
  static final String NAMESPACE = "bench";
  static final String BACKEND_HOST = "backend.bench.internal";

  /**
   * The proxy's JVM flags: the product's own ({@code dev/weft/proxy/jvm.options}, plus
   * {@code WEFT_PROXY_JVM_OPTS}), so the benchmark measures what {@code weft proxy} and
   * {@code weft up} run. Replace them with {@code --proxy-jvm-flags} to compare candidates.
   */
  static final List<String> DEFAULT_JVM_FLAGS = ProxyJvmOptions.current();

  private final Path dir;
  private final String java;
  private final String classpath;
  private final List<String> jvmFlags;
  private final int eventLoops;
  private final ControlPlane controlPlane;

  private WeftProxies(Path dir, String java, String classpath, List<String> jvmFlags, int eventLoops, ControlPlane cp) {
    this.dir = dir;
    this.java = java;
    this.classpath = classpath;
    this.jvmFlags = List.copyOf(jvmFlags);
    this.eventLoops = eventLoops;
    this.controlPlane = cp;
  }

  /**
   * Where the proxy's classes are: {@code explicit} if given, else this JVM's class path if it holds
   * the proxy's main class (the bench module depends on the proxy once the proxy module exists).
   */
  static Optional<String> proxyClasspath(String explicit) {
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(explicit);
    }
    try {
      Class.forName(MAIN_CLASS, false, WeftProxies.class.getClassLoader());
      return Optional.of(System.getProperty("java.class.path"));
    } catch (ClassNotFoundException absent) {
      return Optional.empty();
    }
  }

  /** Starts the control plane and registers the backend. */
  static WeftProxies open(Path dir, String java, String classpath, List<String> jvmFlags, int eventLoops, int backendPort)
      throws IOException {
    Files.createDirectories(dir);
    Log.to(new PrintStream(Files.newOutputStream(dir.resolve("controlplane.log")), true));
    ControlPlane cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data")).withEphemeralPorts());
    WeftProxies w = new WeftProxies(dir, java, classpath, jvmFlags, eventLoops, cp);
    w.apply("backend.yaml", serviceEntry("backend", BACKEND_HOST, backendPort));
    return w;
  }

  /** weft-1: one proxy in front of the backend. */
  Target one(int port) throws IOException {
    Proxy p = start("weft-1", port, BACKEND_HOST);
    return new Row("weft-1", port, List.of(p));
  }

  /** weft-2: client proxy -> server proxy -> backend. */
  Target two(int clientPort, int serverPort) throws IOException {
    List<Proxy> started = new ArrayList<>();
    try {
      started.add(start("weft-2-server", serverPort, BACKEND_HOST));
      apply("server-sidecar.yaml", serviceEntry("server-sidecar", "server-sidecar.bench.internal", serverPort));
      started.add(start("weft-2-client", clientPort, "server-sidecar.bench.internal"));
      return new Row("weft-2", clientPort, started);
    } catch (IOException | RuntimeException e) {
      started.forEach(Proxy::close);
      throw e;
    }
  }

  /** One proxy process: its Gateway + VirtualService, bootstrap, start, /ready, listener up. */
  private Proxy start(String name, int port, String destinationHost) throws IOException {
    apply(name + ".yaml", gateway(name, port, destinationHost));
    int adminPort = ProxyBenchmark.freePort();
    Path bootstrap = dir.resolve(name + "-bootstrap.json");
    Files.writeString(bootstrap, """
        {
          "node": {
            "id": "router~127.0.0.1~%1$s.%2$s~%2$s.svc.cluster.local",
            "cluster": "%1$s.%2$s",
            "metadata": {"NAMESPACE": "%2$s", "LABELS": {"weft-bench": "%1$s"}}
          },
          "xds": {"address": "127.0.0.1:%3$d"},
          "admin": {"address": "127.0.0.1:%4$d"}
        }
        """.formatted(name, NAMESPACE, controlPlane.xdsPort(), adminPort));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmFlags);
    // The proxy sizes its event loops by the processors it sees: this is how N is set.
    command.add("-XX:ActiveProcessorCount=" + eventLoops);
    // Netty's native transport and protobuf; without these the JDK warns on every start.
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    command.addAll(List.of("-cp", classpath, MAIN_CLASS, "--bootstrap", bootstrap.toString()));
    Daemon d = Daemon.start(name, command, dir.resolve(name + ".log"));
    try {
      awaitReady(name, d, adminPort, Duration.ofSeconds(60));
      d.awaitListening(port, Duration.ofSeconds(10));
      return new Proxy(d);
    } catch (RuntimeException e) {
      d.close();
      // The useful line is usually the proxy's NACK of the listener, not the last one.
      String rejected = d.logLines().stream().filter(l -> l.contains("rejected")).reduce((a, b) -> b).orElse("");
      throw new IllegalStateException(rejected.isEmpty() ? e.getMessage() : name + ": " + rejected.trim(), e);
    }
  }

  private static void awaitReady(String name, Daemon d, int adminPort, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!d.alive()) {
        throw new IllegalStateException(name + " exited: " + d.tail());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // admin not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      Daemon.sleep(100);
    }
    throw new IllegalStateException(name + ": /ready not 200 after " + timeout + ": " + d.tail());
  }

  private void apply(String file, String yaml) {
    WriteResult w = controlPlane.store().apply(List.of(new ConfigInput(file, yaml)), NAMESPACE);
    if (!w.accepted()) {
      throw new IllegalStateException(file + " refused: " + w.diagnostics().getFirst().format());
    }
  }

  private static String serviceEntry(String name, String host, int targetPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: %s
          namespace: bench
        spec:
          hosts: [%s]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 80, name: http, protocol: HTTP, targetPort: %d}
          endpoints:
          - address: 127.0.0.1
        """.formatted(name, host, targetPort);
  }

  private static String gateway(String name, int port, String destinationHost) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: %1$s
          namespace: bench
        spec:
          selector:
            weft-bench: %1$s
          servers:
          - port: {number: %2$d, name: http, protocol: HTTP}
            bind: 127.0.0.1
            hosts: ["*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %1$s
          namespace: bench
        spec:
          hosts: ["*"]
          gateways: [%1$s]
          http:
          - route:
            - destination:
                host: %3$s
                port: {number: 80}
        """.formatted(name, port, destinationHost);
  }

  @Override
  public void close() throws IOException {
    controlPlane.close();
  }

  private record Proxy(Daemon daemon) {
    void close() {
      daemon.close();
    }
  }

  private record Row(String name, int port, List<Proxy> proxies) implements Target {
    @Override
    public List<Long> proxyPids() {
      return proxies.stream().map(p -> p.daemon().pid()).toList();
    }

    @Override
    public void close() {
      proxies.reversed().forEach(Proxy::close);
    }
  }
}
