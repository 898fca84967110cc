package dev.weft.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * System calls of the proxy processes over a stretch of load: {@code strace -f -c} attached to each
 * (all threads), stopped with SIGTERM, its summary table parsed. ptrace slows every system call
 * down, so the row's latency and CPU figures are never taken while it is attached.
 */
final class Syscalls implements AutoCloseable {
  private final List<Process> straces = new ArrayList<>();
  private final List<Path> outputs = new ArrayList<>();

  private Syscalls() {}

  /** Attaches to every pid; empty (and a note printed) if strace is missing. */
  static Syscalls attach(List<Long> pids, Path dir, String row) throws IOException, InterruptedException {
    Syscalls s = new Syscalls();
    Files.createDirectories(dir);
    for (long pid : pids) {
      Path out = dir.resolve("strace-" + row + "-" + pid + ".txt");
      s.outputs.add(out);
      s.straces.add(new ProcessBuilder("strace", "-f", "-c", "-q", "-o", out.toString(), "-p", Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(dir.resolve("strace-" + row + "-" + pid + ".log").toFile()).start());
    }
    Thread.sleep(1000); // attaching to every thread of a JVM takes a moment
    return s;
  }

  /** Detaches and returns the calls (and, as "name EAGAIN" etc., the failed ones) summed over the processes. */
  Map<String, Long> stop() throws IOException, InterruptedException {
    for (Process p : straces) {
      p.destroy(); // SIGTERM: strace detaches and writes its summary
    }
    for (Process p : straces) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    Map<String, Long> calls = new LinkedHashMap<>();
    for (Path out : outputs) {
      if (!Files.exists(out)) {
        continue;
      }
      for (String line : Files.readAllLines(out)) {
        String[] f = line.trim().split("\\s+");
        // % time, seconds, usecs/call, calls, [errors,] syscall
        if (f.length < 5 || !f[0].matches("[0-9.]+") || f[f.length - 1].equals("total")) {
          continue;
        }
        String name = f[f.length - 1];
        calls.merge(name, Long.parseLong(f[3]), Long::sum);
        if (f.length == 6) {
          calls.merge(name + " errors", Long.parseLong(f[4]), Long::sum);
        }
      }
    }
    return calls;
  }

  @Override
  public void close() {
    straces.forEach(Process::destroyForcibly);
  }
}
