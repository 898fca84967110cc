package dev.weft.cli;

import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.api.AdminServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.controlplane.xds.translate.MeshSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft controlplane} (alias {@code weftd}): runs the control plane until SIGTERM or Ctrl-C. */
@Command(name = "controlplane", aliases = "weftd", mixinStandardHelpOptions = true,
    description = "Run the control plane: the config store (kept in --data-dir), the service registry, the xDS server and the admin API.")
final class ControlPlaneCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "where the configuration is kept (created if missing)")
  Path dataDir;

  @Option(names = "--config-dir", paramLabel = "DIR", description = "a directory of YAML to follow: edits take effect live")
  Path configDir;

  @Option(names = "--port", defaultValue = "" + AdminServer.DEFAULT_PORT, paramLabel = "PORT",
      description = "admin API port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "admin API address (default: ${DEFAULT-VALUE}; the API has no authentication: keep it on loopback)")
  String bind;

  @Option(names = "--xds-port", defaultValue = "" + ControlPlane.Options.DEFAULT_XDS_PORT, paramLabel = "PORT",
      description = "xDS (ADS, plaintext gRPC) port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int xdsPort;

  @Option(names = "--xds-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "xDS address (default: ${DEFAULT-VALUE}; plaintext, without authentication: keep it on loopback)")
  String xdsBind;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS",
      description = "namespace for config-dir resources that name none (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--workload-ttl", defaultValue = "30", paramLabel = "SECONDS",
      description = "longest a registered workload lives without a heartbeat (default: ${DEFAULT-VALUE})")
  int workloadTtlSeconds;

  @Option(names = "--access-log-file", defaultValue = "", paramLabel = "PATH",
      description = "Istio's meshConfig.accessLogFile: every proxy writes an access log (Envoy's default format) to PATH, "
          + "e.g. /dev/stdout (default: none)")
  String accessLogFile;

  @Option(names = "--vhds-min-virtual-hosts", defaultValue = "" + XdsServerOptions.DEFAULT_VHDS_MIN_VIRTUAL_HOSTS, paramLabel = "N",
      description = "proxies on delta xDS get route configurations with at least N virtual hosts through VHDS, one resource "
          + "per virtual host, so a change sends only what changed; 0 turns VHDS off (default: ${DEFAULT-VALUE})")
  int vhdsMinVirtualHosts;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535 || xdsPort < 0 || xdsPort > 65535 || workloadTtlSeconds < 1 || vhdsMinVirtualHosts < 0) {
      err.println("weft controlplane: --port and --xds-port must be 0..65535, --workload-ttl at least 1 and --vhds-min-virtual-hosts"
          + " at least 0");
      err.flush();
      return 2;
    }
    ControlPlane.Options o = new ControlPlane.Options(dataDir, configDir, bind, port, namespace, Duration.ofSeconds(workloadTtlSeconds),
        Duration.ofSeconds(5), xdsBind, xdsPort, null).withMesh(MeshSettings.DEFAULT.withAccessLogFile(accessLogFile))
        .withVhdsMinVirtualHosts(vhdsMinVirtualHosts);
    ControlPlane cp;
    try {
      cp = ControlPlane.start(o);
    } catch (IOException | RuntimeException e) {
      err.println("weft controlplane: cannot start: " + describe(e));
      err.flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("weft-shutdown").unstarted(() -> {
      try {
        cp.close();
      } catch (IOException e) {
        System.err.println("weft controlplane: while stopping: " + e.getMessage());
      }
      stopped.countDown();
    }));
    PrintWriter out = spec.commandLine().getOut();
    out.println("weft control plane: admin API on " + cp.url() + ", xDS on " + xdsBind + ":" + cp.xdsPort() + ", data in "
        + dataDir.toAbsolutePath());
    out.flush();
    stopped.await();
    return 0;
  }

  private static String describe(Exception e) {
    if (e instanceof java.net.BindException) {
      return "address in use or not available (" + e.getMessage() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
