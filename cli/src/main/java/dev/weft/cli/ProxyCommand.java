package dev.weft.cli;

import dev.weft.proxy.ProxyMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft proxy}: runs Weft's proxy (sidecar or gateway), configured only over xDS. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = "Run a Weft proxy (sidecar or gateway) configured over xDS by the control plane, until SIGTERM.")
final class ProxyCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", paramLabel = "FILE", description = "bootstrap (node id, metadata, xDS server, admin address), JSON or YAML")
  String bootstrap;

  @Option(names = "--node-id", paramLabel = "ID", description = "node id, e.g. sidecar~127.0.0.1~reviews-v1.default~default.svc.cluster.local")
  String nodeId;

  @Option(names = "--xds", paramLabel = "HOST:PORT", description = "control plane xDS address (default 127.0.0.1:15010)")
  String xds;

  @Option(names = "--admin", paramLabel = "HOST:PORT", description = "admin address (default 127.0.0.1:15000)")
  String admin;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    add(args, "--bootstrap", bootstrap);
    add(args, "--node-id", nodeId);
    add(args, "--xds", xds);
    add(args, "--admin", admin);
    return ProxyMain.run(args.toArray(String[]::new), System.out, System.err, true);
  }

  private static void add(List<String> args, String flag, String value) {
    if (value != null) {
      args.add(flag);
      args.add(value);
    }
  }
}
