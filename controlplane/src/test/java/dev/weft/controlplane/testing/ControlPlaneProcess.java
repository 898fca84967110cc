package dev.weft.controlplane.testing;

import dev.weft.controlplane.ControlPlane;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a control plane in its own JVM for crash and restart tests. Arguments: the data directory,
 * then optionally the admin and xDS ports (0 for free ones) and a workload TTL in seconds; with
 * ports given, proxies are served by {@link TestTranslator}. Prints {@code LISTENING <admin port>},
 * then {@code XDS <xds port>}, once it serves.
 */
public final class ControlPlaneProcess {
  private ControlPlaneProcess() {}

  public static void main(String[] args) throws Exception {
    ControlPlane.Options o = ControlPlane.Options.defaults(Path.of(args[0])).withEphemeralPorts();
    if (args.length >= 3) {
      o = o.withListen("127.0.0.1", Integer.parseInt(args[1])).withXds("127.0.0.1", Integer.parseInt(args[2]))
          .withTranslator(new TestTranslator());
    }
    if (args.length >= 4) {
      o = o.withWorkloadTtl(Duration.ofSeconds(Integer.parseInt(args[3])));
    }
    ControlPlane cp = ControlPlane.start(o);
    System.out.println("LISTENING " + cp.port());
    System.out.println("XDS " + cp.xdsPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // until killed
  }
}
