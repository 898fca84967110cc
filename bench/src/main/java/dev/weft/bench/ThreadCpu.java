package dev.weft.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU per thread group of a Linux process, from {@code /proc/PID/task/*&#47;stat}: every thread, the
 * JVM's own too (GC, JIT compiler), which Java's ThreadMXBean does not list. Threads are grouped by
 * name without digits ("grpc-default-worker-ELG-3-1" and "-3-2" are one group); threads that ended
 * between two readings are lost, which is fine for pools that live as long as the process.
 */
final class ThreadCpu {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** User and system CPU seconds, minor page faults. */
  record Use(double user, double system, long minorFaults) {
    double total() {
      return user + system;
    }
  }

  /** CPU so far per thread group of process {@code pid}; empty where /proc is missing. */
  static Map<String, Use> of(long pid) {
    Map<String, Use> out = new TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue;
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
        String[] f = stat.substring(close + 2).split(" ");
        // after "(comm) ": state is field 3, utime field 14, stime field 15
        // minflt is field 10
        Use u = new Use(Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND, Long.parseLong(f[7]));
        out.merge(name, u, (a, b) -> new Use(a.user + b.user, a.system + b.system, a.minorFaults + b.minorFaults));
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }

  /** {@code after - before} per group, the groups that used CPU only, largest first. */
  static Map<String, Use> since(Map<String, Use> before, Map<String, Use> after) {
    Map<String, Use> diff = new TreeMap<>();
    after.forEach((name, a) -> {
      Use b = before.getOrDefault(name, new Use(0, 0, 0));
      Use d = new Use(Math.max(0, a.user - b.user), Math.max(0, a.system - b.system), Math.max(0, a.minorFaults - b.minorFaults));
      if (d.total() > 0) {
        diff.put(name, d);
      }
    });
    return diff.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue().total(), x.getValue().total()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x, LinkedHashMap::new));
  }

  /** "name user+system (minor faults)" per group, per change, the six largest. */
  static String summary(Map<String, Use> use, int changes) {
    int n = Math.max(1, changes);
    return use.entrySet().stream().limit(6)
        .map(e -> "%s %.2f+%.2f (%,d flt)".formatted(e.getKey(), e.getValue().user / n, e.getValue().system / n,
            e.getValue().minorFaults / n))
        .collect(Collectors.joining(", "));
  }

  private ThreadCpu() {}
}
