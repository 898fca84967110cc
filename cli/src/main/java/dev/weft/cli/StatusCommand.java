package dev.weft.cli;

import dev.weft.cli.runtime.Probe;
import dev.weft.cli.runtime.ProcessTree;
import dev.weft.cli.runtime.RunState;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft status}: every process of the local mesh, its pid, health and ports. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show every process of the local mesh (weft up / weft run): pid, health, address and ports. Exit 1 if one is not healthy.")
final class StatusCommand implements Callable<Integer> {
  @Mixin RunDirOption runDir;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<RunState> states = RunState.readAll(runDir.path());
    if (states.isEmpty()) {
      out.println("nothing is running from " + runDir.path() + " (start it with `weft up`)");
      out.flush();
      return 1;
    }
    boolean allHealthy = true;
    for (RunState s : states) {
      boolean alive = s.supervisorAlive();
      out.println((s.owner().equals("mesh") ? "mesh" : "weft run " + s.owner()) + ": supervisor pid " + s.supervisorPid()
          + (alive ? "" : " (gone)") + ", control plane " + s.controlPlane()
          + (s.gateway().isEmpty() ? "" : ", gateway " + s.gateway()) + ", addresses " + s.ipRange());
      Table t = new Table("NAME", "KIND", "PID", "HEALTH", "ADDRESS", "PORTS", "RESTARTS");
      for (RunState.Entry e : s.processes()) {
        String health;
        if (ProcessTree.find(e.pid(), e.start()).isEmpty()) {
          health = "dead";
        } else if (e.health() == null || e.health().isEmpty()) {
          health = "running";
        } else {
          health = Probe.ok(e.health()) ? "healthy" : "unhealthy";
        }
        allHealthy &= health.equals("healthy") || health.equals("running");
        Map<String, Integer> ports = new TreeMap<>(e.ports());
        t.row(e.name(), e.kind(), Long.toString(e.pid()), health, e.address(),
            ports.entrySet().stream().map(p -> p.getKey() + "=" + p.getValue()).collect(Collectors.joining(",")),
            Integer.toString(e.restarts()));
      }
      t.print(out);
      out.println();
    }
    out.flush();
    return allHealthy ? 0 : 1;
  }
}
