package dev.weft.cli;

import dev.weft.cli.runtime.LocalMesh;
import dev.weft.cli.runtime.LoopbackRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft up}: the control plane, an ingress gateway and Bookinfo, each workload with its sidecar, until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Run a whole mesh on this machine: the control plane, an ingress gateway and Istio's Bookinfo (each workload with its sidecar), "
        + "as separate processes, until Ctrl-C or `weft down`.",
        "Every workload gets its own loopback address from --ip-range; its sidecar runs without traffic capture (Istio's INTERCEPTION_MODE NONE) "
            + "and the application reaches services through HTTP_PROXY."})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--no-demo", description = "start an empty mesh (control plane and gateway, no Bookinfo)")
  boolean noDemo;

  @Mixin RunDirOption runDir;

  @Option(names = "--ip-range", defaultValue = LoopbackRange.DEFAULT, paramLabel = "CIDR",
      description = "loopback addresses for the workloads, inside 127.0.0.0/8 (default: ${DEFAULT-VALUE}; the first is the gateway's admin)")
  String ipRange;

  @Option(names = "--gateway-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "address the ingress gateway listens on; its port is the Gateway resource's (8080 in bookinfo-gateway.yaml) (default: ${DEFAULT-VALUE})")
  String gatewayAddress;

  @Option(names = "--controlplane-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "address of the control plane's admin API and xDS (default: ${DEFAULT-VALUE})")
  String controlPlaneAddress;

  @Option(names = "--port", defaultValue = "15014", paramLabel = "PORT", description = "control plane admin API port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--xds-port", defaultValue = "15010", paramLabel = "PORT", description = "control plane xDS port (default: ${DEFAULT-VALUE})")
  int xdsPort;

  @Option(names = "--samples", paramLabel = "DIR", description = "Istio's samples directory (default: samples/ of this checkout)")
  Path samples;

  @Option(names = "--start-timeout", defaultValue = "120", paramLabel = "SECONDS", description = "longest wait for each part to be ready (default: ${DEFAULT-VALUE})")
  int startTimeout;

  @Option(names = "--transparent", description = "capture traffic with iptables in a network namespace per workload (Linux, root): not available yet")
  boolean transparent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (transparent) {
      err.println(Transparent.unavailable());
      err.flush();
      return 2;
    }
    LoopbackRange range;
    try {
      range = LoopbackRange.parse(ipRange);
    } catch (IllegalArgumentException e) {
      err.println("weft up: --ip-range: " + e.getMessage());
      err.flush();
      return 2;
    }
    Path samplesDir = samples != null ? samples : findSamples();
    if (!noDemo && (samplesDir == null || !Files.isDirectory(samplesDir.resolve("bookinfo/networking")))) {
      err.println("weft up: cannot find Istio's samples (samples/bookinfo/networking): run from the checkout or pass --samples DIR");
      err.flush();
      return 2;
    }
    LocalMesh.Options options = new LocalMesh.Options(runDir.path(), range, controlPlaneAddress, port, xdsPort, gatewayAddress, !noDemo,
        samplesDir, Duration.ofSeconds(startTimeout));
    LocalMesh mesh;
    try {
      mesh = LocalMesh.start(options, out);
    } catch (IOException e) {
      err.println("weft up: " + e.getMessage());
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("weft-up-shutdown").unstarted(() -> {
      out.println("weft up: stopping...");
      out.flush();
      mesh.close();
      out.println("weft up: stopped");
      out.flush();
      stopped.countDown();
    }));
    mesh.printSummary();
    stopped.await();
    return 0;
  }

  /** samples/ beside the checkout this weft runs from, or under the working directory. */
  static Path findSamples() {
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      starts.add(Path.of(UpCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath());
    } catch (Exception e) {
      // no code source: the working directory only
    }
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolve("samples/bookinfo/networking"))) {
          return p.resolve("samples");
        }
      }
    }
    return null;
  }
}
