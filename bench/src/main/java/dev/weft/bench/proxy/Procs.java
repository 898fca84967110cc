package dev.weft.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What Linux says about a process: CPU time ({@code /proc/PID/stat} utime + stime) and resident
 * memory ({@code /proc/PID/status} VmRSS). A process that has gone counts as zero.
 */
final class Procs {
  /** USER_HZ: the unit of utime/stime. 100 on every Linux this runs on (getconf CLK_TCK). */
  private static final double TICKS_PER_SECOND = 100.0;

  private Procs() {}

  /** User + system CPU seconds of the processes, all their threads included. */
  static double cpuSeconds(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      String[] f = statFields(pid);
      if (f != null) {
        ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]); // utime, stime (fields 14 and 15)
      }
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** Sum of VmRSS of the processes, in KiB. */
  static long rssKib(List<Long> pids) {
    long kib = 0;
    for (long pid : pids) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            kib += Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException | RuntimeException gone) {
        // exited between listing and reading
      }
    }
    return kib;
  }

  /**
   * Context switches of the processes, all their threads summed ({@code voluntary_ctxt_switches} +
   * {@code nonvoluntary_ctxt_switches} of /proc/PID/task/TID/status): each voluntary one is a thread
   * going to sleep and being woken again, the cost a request pays for every hand-off between threads.
   */
  static long contextSwitches(List<Long> pids) {
    long n = 0;
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
              if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
              }
            }
          } catch (IOException | RuntimeException threadGone) {
            // the thread ended between listing and reading
          }
        }
      } catch (IOException | RuntimeException gone) {
        // exited
      }
    }
    return n;
  }

  /**
   * CPU ticks (utime + stime, USER_HZ) per thread kind of the processes: thread names from
   * /proc/PID/task/TID/comm with digits and the trailing separators dropped ("weft-worker-3-1" and
   * "weft-worker-3-2" are both "weft-worker", "C2 CompilerThre" the JIT). Where a JVM spends CPU
   * besides its event loops (GC, JIT compilers) shows here, not in a profiler of Java stacks.
   */
  static Map<String, Long> ticksByThreadKind(List<Long> pids) {
    Map<String, Long> ticks = new TreeMap<>();
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          try {
            String kind = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "").replaceAll("[-_# ]+$", "");
            String stat = Files.readString(task.resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            ticks.merge(kind, Long.parseLong(rest[11]) + Long.parseLong(rest[12]), Long::sum); // fields 14, 15
          } catch (IOException | RuntimeException threadGone) {
            // the thread ended between listing and reading
          }
        }
      } catch (IOException | RuntimeException gone) {
        // exited
      }
    }
    return ticks;
  }

  /** CPU seconds per thread kind spent between two {@link #ticksByThreadKind} samples, largest first. */
  static Map<String, Double> secondsSpent(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Double> spent = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> spent.put(e.getKey(), e.getValue() / TICKS_PER_SECOND));
    return spent;
  }

  /** The process and its children (one level: nginx's master and its workers). */
  static List<Long> withChildren(long pid) {
    List<Long> out = new ArrayList<>();
    out.add(pid);
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      dirs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).forEach(n -> {
        String[] f = statFields(Long.parseLong(n));
        if (f != null && Long.parseLong(f[3]) == pid) {
          out.add(Long.parseLong(n));
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  /** The fields of /proc/PID/stat, with the command name (which may hold spaces) as field 1. */
  private static String[] statFields(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException gone) {
      return null;
    }
    int close = stat.lastIndexOf(')');
    String[] rest = stat.substring(close + 2).trim().split(" ");
    String[] f = new String[rest.length + 2];
    f[0] = Long.toString(pid);
    f[1] = stat.substring(stat.indexOf('(') + 1, close);
    System.arraycopy(rest, 0, f, 2, rest.length);
    return f;
  }
}
