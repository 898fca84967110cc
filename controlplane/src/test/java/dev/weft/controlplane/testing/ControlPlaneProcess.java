package dev.weft.controlplane.testing;

import dev.weft.controlplane.ControlPlane;
import java.nio.file.Path;

/** Runs a control plane in its own JVM for crash tests: prints {@code LISTENING <port>} once it serves. */
public final class ControlPlaneProcess {
  private ControlPlaneProcess() {}

  public static void main(String[] args) throws Exception {
    ControlPlane cp = ControlPlane.start(ControlPlane.Options.defaults(Path.of(args[0])).withEphemeralPorts());
    System.out.println("LISTENING " + cp.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // until killed
  }
}
