package dev.weft.cli.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stopping a process and everything it started: SIGTERM to the tree (children first), wait, then
 * SIGKILL what is left. A pid is only touched when its start time is the one recorded, so a reused
 * pid is never killed.
 */
public final class ProcessTree {
  private ProcessTree() {}

  /** The live process with this pid and start time (epoch millis; 0 = do not check). */
  public static Optional<ProcessHandle> find(long pid, long startMillis) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startMillis == 0
        || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startMillis) < 2_000).orElse(true));
  }

  /** The start time of a process in epoch millis, 0 when unknown. */
  public static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** Terminates the tree of {@code root}; true when nothing of it is left alive. */
  public static boolean stop(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    for (ProcessHandle h : all) {
      h.destroy();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : all) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        // still alive: forced below
      }
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    boolean gone = true;
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        gone = false;
      }
    }
    return gone;
  }
}
