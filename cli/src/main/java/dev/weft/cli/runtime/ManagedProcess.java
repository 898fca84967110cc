package dev.weft.cli.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One supervised process: started with its output appended to its log file; when it dies without
 * being asked to, reported and restarted after a backoff (1 s, doubling up to 30 s; back to 1 s
 * once it ran a minute). {@link #stop} terminates its whole process tree.
 */
public final class ManagedProcess {
  private static final ScheduledExecutorService RESTARTS = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("weft-restarts").factory());
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Component component;
  private final Consumer<String> report;
  private final Runnable changed;
  private volatile Process process;
  private volatile boolean stopping;
  private volatile int restarts;
  private volatile long startedNanos;
  private Duration backoff = FIRST_BACKOFF;

  /**
   * @param report  one line for the user (a death, a restart)
   * @param changed called after every (re)start, so the state file can be rewritten
   */
  public ManagedProcess(Component component, Consumer<String> report, Runnable changed) {
    this.component = component;
    this.report = report;
    this.changed = changed;
  }

  public Component component() {
    return component;
  }

  public synchronized void start() throws IOException {
    Files.createDirectories(component.log().getParent());
    ProcessBuilder pb = new ProcessBuilder(component.command())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(component.log().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(component.env());
    Process p = pb.start();
    process = p;
    startedNanos = System.nanoTime();
    p.onExit().thenAccept(this::exited);
    changed.run();
  }

  private void exited(Process p) {
    if (stopping || p != process) {
      return;
    }
    Duration delay;
    synchronized (this) {
      if (System.nanoTime() - startedNanos > Duration.ofMinutes(1).toNanos()) {
        backoff = FIRST_BACKOFF;
      }
      delay = backoff;
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
    // Reported a moment later, and only if no stop followed: Ctrl-C reaches the children (same
    // process group) just before the supervisor's own shutdown stops them.
    RESTARTS.schedule(() -> {
      if (!stopping) {
        report.accept(component.name() + " exited with code " + p.exitValue() + "; restarting in " + delay.toSeconds()
            + " s (log: " + component.log() + ")");
      }
    }, 500, TimeUnit.MILLISECONDS);
    RESTARTS.schedule(() -> {
      if (stopping) {
        return;
      }
      try {
        restarts++;
        start();
        report.accept(component.name() + " restarted (pid " + process.pid() + ")");
      } catch (IOException e) {
        report.accept(component.name() + " cannot be restarted: " + e.getMessage());
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  public long pid() {
    Process p = process;
    return p == null ? 0 : p.pid();
  }

  public RunState.Entry entry() {
    Process p = process;
    long start = p == null ? 0 : ProcessTree.startMillis(p.toHandle());
    return new RunState.Entry(component.name(), component.kind(), p == null ? 0 : p.pid(), start, component.address(),
        component.ports(), component.health(), component.log().toString(), restarts);
  }

  /** Stops the process tree (SIGTERM, then SIGKILL after the grace time); no restart follows. */
  public boolean stop(Duration grace) {
    stopping = true;
    Process p = process;
    return p == null || ProcessTree.stop(p.toHandle(), grace);
  }
}
