package dev.weft.cli;

import dev.weft.cli.runtime.LoopbackRange;
import dev.weft.cli.runtime.ProcessTree;
import dev.weft.cli.runtime.RunState;
import dev.weft.cli.runtime.TransparentNetwork;
import dev.weft.cli.runtime.Workload;
import dev.weft.cli.runtime.WorkloadSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft run --name NAME --port P -- CMD ...}: puts any program into the running local mesh
 * with its own sidecar, until Ctrl-C. The program listens on 127.0.0.1:P ($PORT); the workload gets
 * the next free address of the mesh's range, where its sidecar serves P for other workloads, and the
 * program reaches services by name through $HTTP_PROXY. In a mesh of {@code weft up --transparent}
 * the program runs in a network namespace of its own ({@link TransparentNetwork#join}), listens on
 * 0.0.0.0:P and reaches services by name with plain sockets, captured by Istio's rules.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Put a program into the running local mesh (weft up) with its own sidecar, until Ctrl-C.",
        "The program listens on 127.0.0.1:PORT (env PORT) and calls services as http://NAME:PORT/... through env HTTP_PROXY.",
        "In a mesh of `weft up --transparent` (root) it runs in a network namespace of its own, listens on 0.0.0.0:PORT and calls "
            + "services by name with no proxy setting: Istio's iptables capture sends its traffic through its sidecar."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, paramLabel = "NAME", description = "workload name (also its service's, unless --service)")
  String name;

  @Option(names = "--port", required = true, paramLabel = "PORT", description = "the port the program listens on, and its service port")
  int port;

  @Option(names = "--labels", paramLabel = "K=V,...", split = ",", description = "workload labels (default app=NAME, version=v1)")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--service", paramLabel = "NAME", description = "service name (default: the app label, else --name)")
  String service;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "namespace (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--service-account", paramLabel = "SA", description = "service account (default: NAME)")
  String serviceAccount;

  @Option(names = "--health", paramLabel = "PATH", description = "HTTP path answering 200 when the program is up (default: a TCP connect)")
  String health;

  @Option(names = "--start-timeout", defaultValue = "120", paramLabel = "SECONDS", description = "longest wait for the program and its sidecar (default: ${DEFAULT-VALUE})")
  int startTimeout;

  @Mixin RunDirOption runDir;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "the program and its arguments (after --)")
  List<String> command;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = runDir.path();
    if (name.equals("mesh") || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      err.println("weft run: --name must be a DNS label (lower case letters, digits, '-') other than \"mesh\"");
      err.flush();
      return 2;
    }
    if (port < 1 || port > 65535) {
      err.println("weft run: --port must be 1..65535");
      err.flush();
      return 2;
    }
    List<RunState> states = RunState.readAll(dir);
    RunState mesh = states.stream().filter(s -> s.owner().equals("mesh") && s.supervisorAlive()).findFirst().orElse(null);
    if (mesh == null) {
      err.println("weft run: no mesh is running from " + dir + " (start one with `weft up`, or pass --run-dir)");
      err.flush();
      return 2;
    }
    if (states.stream().anyMatch(s -> s.owner().equals(name) && s.supervisorAlive())) {
      err.println("weft run: a workload named " + name + " is already running");
      err.flush();
      return 2;
    }
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.putIfAbsent("app", name);
    l.putIfAbsent("version", "v1");
    String svc = service != null ? service : l.get("app");
    String xdsPort = mesh.processes().stream().filter(e -> e.kind().equals("controlplane")).findFirst()
        .map(e -> Integer.toString(e.ports().get("xds"))).orElse("15010");
    String xds = mesh.processes().stream().filter(e -> e.kind().equals("controlplane")).findFirst()
        .map(e -> e.address() + ":" + xdsPort).orElse("127.0.0.1:15010");
    String address;
    String netns = null;
    TransparentNetwork network = null;
    if (Files.isRegularFile(TransparentNetwork.file(dir))) {
      // weft up --transparent: a namespace of our own on the mesh's bridge, Istio's capture, no HTTP_PROXY.
      String why = TransparentNetwork.unsupported();
      if (why != null) {
        err.println("weft run: the mesh runs --transparent: " + why);
        err.flush();
        return 2;
      }
      try {
        network = TransparentNetwork.join(dir, name, svc);
      } catch (IOException e) {
        err.println("weft run: cannot join the mesh's network: " + e.getMessage());
        err.flush();
        return 1;
      }
      netns = network.placement(name).namespace();
      address = network.placement(name).address();
      xds = network.bridgeAddress() + ":" + xdsPort;
    } else {
      address = freeAddress(LoopbackRange.parse(mesh.ipRange()), states);
    }
    TransparentNetwork joined = network;
    WorkloadSpec ws = new WorkloadSpec(name, svc, namespace, serviceAccount != null ? serviceAccount : name, l, port, port, health,
        (host, p) -> command);
    ProcessHandle self = ProcessHandle.current();
    Workload[] holder = new Workload[1];
    Runnable writeState = () -> {
      if (holder[0] == null) {
        return;
      }
      List<RunState.Entry> entries = new ArrayList<>();
      holder[0].processes().forEach(p -> entries.add(p.entry()));
      try {
        new RunState(name, self.pid(), ProcessTree.startMillis(self), mesh.controlPlane(), "", mesh.ipRange(), entries).write(dir);
      } catch (IOException e) {
        err.println("weft run: cannot write the state file: " + e.getMessage());
        err.flush();
      }
    };
    Workload w;
    try {
      w = new Workload(ws, address, netns, mesh.controlPlane(), xds, dir, line -> {
        out.println(line);
        out.flush();
      }, writeState);
      holder[0] = w;
    } catch (IOException e) {
      if (joined != null) {
        joined.leave(name);
      }
      err.println("weft run: " + e.getMessage());
      err.flush();
      return 1;
    }
    try {
      w.start(Duration.ofSeconds(startTimeout));
    } catch (IOException e) {
      w.stop(Duration.ofSeconds(5));
      if (joined != null) {
        joined.leave(name);
      }
      deleteState(dir);
      err.println("weft run: " + e.getMessage());
      err.flush();
      return 1;
    }
    writeState.run();
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    heartbeats.scheduleWithFixedDelay(w::heartbeat, 5, 5, TimeUnit.SECONDS);
    out.println("weft run: " + name + " is in the mesh as " + svc + "." + namespace + ".svc.cluster.local:" + port + " at " + address
        + (netns != null ? " in network namespace " + netns + " (captured: no proxy setting; sidecar admin http://" + address + ":"
            + Workload.ADMIN_PORT : " (sidecar admin http://" + address + ":" + Workload.ADMIN_PORT + ", HTTP_PROXY http://" + address + ":"
            + Workload.HTTP_PROXY_PORT)
        + ", log " + dir.resolve("logs").resolve(name + ".log") + "); Ctrl-C to leave");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      heartbeats.shutdownNow();
      w.stop(Duration.ofSeconds(5));
      if (joined != null) {
        joined.leave(name);
      }
      deleteState(dir);
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  private void deleteState(Path dir) {
    try {
      java.nio.file.Files.deleteIfExists(RunState.file(dir, name));
    } catch (IOException e) {
      // a stale state file names processes that are gone: down and status skip them
    }
  }

  /** The lowest address of the range (from the second) that no process of the mesh uses. */
  private static String freeAddress(LoopbackRange range, List<RunState> states) {
    Set<String> used = new HashSet<>();
    for (RunState s : states) {
      s.processes().forEach(e -> used.add(e.address()));
    }
    for (int i = 2; i <= range.size(); i++) {
      if (!used.contains(range.address(i))) {
        return range.address(i);
      }
    }
    throw new IllegalStateException("the range " + range + " is full");
  }
}
