package dev.weft.cli;

import dev.weft.cli.runtime.ProcessTree;
import dev.weft.cli.runtime.RunState;
import dev.weft.cli.runtime.TransparentNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code weft down}: stops a local mesh from any shell. Each supervisor ({@code weft run}s first,
 * then {@code weft up}) is asked to stop (SIGTERM: it stops its processes in order); then every
 * process its state file names that is still alive is terminated with its whole process tree, and
 * killed if it does not exit in time. Exit 1 if anything is left.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
    description = "Stop the local mesh started by `weft up` (and `weft run`) from this run directory, leaving no process behind.")
final class DownCommand implements Callable<Integer> {
  /** Longer than LocalMesh's TRAINING_GRACE: a first weft up waits that long for its AOT caches to be written. */
  static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(120);
  static final Duration PROCESS_GRACE = Duration.ofSeconds(5);

  @Mixin RunDirOption runDir;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = runDir.path();
    List<RunState> states = new ArrayList<>(RunState.readAll(dir));
    if (states.isEmpty() && Files.isRegularFile(TransparentNetwork.file(dir))) {
      return removeNetwork(dir, out, err, 0);
    }
    if (states.isEmpty()) {
      out.println("weft down: nothing is running from " + dir);
      out.flush();
      return 0;
    }
    java.util.Collections.reverse(states); // `weft run`s before the mesh they joined
    int stopped = 0;
    List<String> left = new ArrayList<>();
    for (RunState s : states) {
      Optional<ProcessHandle> supervisor = ProcessTree.find(s.supervisorPid(), s.supervisorStart());
      if (supervisor.isPresent()) {
        supervisor.get().destroy();
        try {
          supervisor.get().onExit().get(SUPERVISOR_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // it did not stop in time: its processes are stopped below, then it
        }
      }
      for (RunState.Entry e : s.processes()) {
        Optional<ProcessHandle> p = ProcessTree.find(e.pid(), e.start());
        if (p.isPresent()) {
          if (!ProcessTree.stop(p.get(), PROCESS_GRACE)) {
            left.add(e.name() + " (pid " + e.pid() + ")");
          }
        }
        stopped++;
      }
      if (supervisor.isPresent() && supervisor.get().isAlive() && !ProcessTree.stop(supervisor.get(), PROCESS_GRACE)) {
        left.add("weft (pid " + s.supervisorPid() + ")");
      }
      try {
        Files.deleteIfExists(RunState.file(dir, s.owner()));
      } catch (IOException e) {
        err.println("weft down: cannot remove " + RunState.file(dir, s.owner()) + ": " + e.getMessage());
      }
    }
    if (!left.isEmpty()) {
      err.println("weft down: still running: " + String.join(", ", left));
      err.flush();
      return 1;
    }
    out.println("weft down: stopped " + stopped + " processes (logs kept in " + dir.resolve("logs") + ")");
    out.flush();
    return removeNetwork(dir, out, err, 0);
  }

  /**
   * {@code --transparent}: the namespaces, veths, iptables rules and /etc/netns entries the run
   * recorded in network.json; left there when {@code weft up} could not remove them (it crashed, or
   * was killed).
   */
  private static int removeNetwork(Path dir, PrintWriter out, PrintWriter err, int code) {
    if (!Files.isRegularFile(TransparentNetwork.file(dir))) {
      return code;
    }
    List<String> left = TransparentNetwork.teardown(dir);
    if (!left.isEmpty()) {
      err.println("weft down: could not remove: " + String.join("; ", left));
      err.flush();
      return 1;
    }
    out.println("weft down: removed the network namespaces, veths and iptables rules of the run");
    out.flush();
    return code;
  }
}
