package dev.weft.bench.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The printed table, the Markdown file (table + how it was measured) and the JSON (one object per row). */
record Report(String date, ProxyBenchmark.Settings settings, Environment env, List<RowResult> rows, List<String> notes,
    double seconds) {
  Report {
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
  }

  /** What the figures depend on besides the code. */
  record Environment(String cpu, int processors, String kernel, String loadAverage, String nginx, String haproxy, String wrk,
      String java) {
    static Environment capture(ProxyBenchmark.Settings s) {
      String cpu = read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      return new Environment(cpu, Runtime.getRuntime().availableProcessors(), read("/proc/sys/kernel/osrelease").trim(),
          loadNow(), firstLine(Nginx.BINARY, "-v"),
          firstLine(Haproxy.BINARY, "-v").replaceAll("\\s*-?\\s*https?://.*", ""), // drop the project URL
          firstLine(Wrk.BINARY, "-v").replaceAll("\\s*Copyright.*", ""), firstLine(s.java(), "-version"));
    }

    static String loadNow() {
      String[] f = read("/proc/loadavg").split(" ");
      return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    private static String read(String file) {
      try {
        return Files.readString(Path.of(file));
      } catch (IOException e) {
        return "";
      }
    }

    private static String firstLine(String... command) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().filter(l -> !l.isBlank()).findFirst().orElse("?").trim();
      } catch (IOException e) {
        return "not found";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "?";
      }
    }
  }

  private static final String[] HEADER = {"name", "rps (wrk)", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "cpu_s/1k", "ctx sw/req",
      "rss MB", "rps vs nginx", "p99 vs direct", "added p99 ms"};

  private Optional<RowResult> row(String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  private String[][] cells() {
    Optional<RowResult> nginx = row("nginx");
    Optional<RowResult> direct = row("direct");
    String[][] cells = new String[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      RowResult r = rows.get(i);
      cells[i] = new String[] {r.name(), String.format("%,.0f", r.rps()), f3(r.p50()), f3(r.p90()), f3(r.p99()), f3(r.p999()),
          r.cpuSecondsPer1k() == null ? "-" : String.format("%.4f", r.cpuSecondsPer1k()),
          r.contextSwitchesPerRequest() == null ? "-" : String.format("%.2f", r.contextSwitchesPerRequest()),
          r.rssMb() == null ? "-" : String.format("%.1f", r.rssMb()),
          nginx.map(n -> String.format("%.2fx", r.rps() / n.rps())).orElse("-"),
          direct.map(d -> String.format("%.2fx", r.p99() / d.p99())).orElse("-"),
          direct.map(d -> String.format("%+.3f", r.p99() - d.p99())).orElse("-")};
    }
    return cells;
  }

  private static String f3(double v) {
    return String.format("%.3f", v);
  }

  /** The table for the terminal: aligned columns. */
  String table() {
    String[][] cells = cells();
    int[] width = new int[HEADER.length];
    for (int c = 0; c < HEADER.length; c++) {
      width[c] = HEADER[c].length();
      for (String[] row : cells) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    appendAligned(b, HEADER, width);
    for (String[] row : cells) {
      appendAligned(b, row, width);
    }
    for (String note : notes) {
      b.append(note).append('\n');
    }
    return b.toString();
  }

  private static void appendAligned(StringBuilder b, String[] row, int[] width) {
    for (int c = 0; c < row.length; c++) {
      String cell = c == 0 ? String.format("%-" + width[c] + "s", row[c]) : String.format("%" + width[c] + "s", row[c]);
      b.append(cell).append(c == row.length - 1 ? "\n" : "  ");
    }
  }

  String markdown() {
    ProxyBenchmark.Settings s = settings;
    StringBuilder b = new StringBuilder();
    b.append("# Proxy benchmark, ").append(date).append("\n\n");
    b.append("`bench/proxy-bench.sh` (whole run ").append(String.format("%.0f s", seconds)).append("). ")
        .append("Machine: ").append(env.cpu()).append(", ").append(env.processors()).append(" CPUs, Linux ")
        .append(env.kernel()).append("; load average at start ").append(env.loadAverage())
        .append(" (a shared machine: other work ran beside this).\n\n");
    b.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
    for (int c = 0; c < HEADER.length; c++) {
      b.append(c == 0 ? "---|" : "---:|");
    }
    b.append('\n');
    for (String[] row : cells()) {
      b.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    b.append('\n');
    for (String note : notes) {
      b.append("- ").append(note).append('\n');
    }
    if (!notes.isEmpty()) {
      b.append('\n');
    }
    if (rows.stream().anyMatch(r -> r.cpuSecondsByThread() != null)) {
      b.append("CPU seconds by thread over the constant-rate run (/proc/PID/task/*/stat, thread names without digits):\n\n");
      for (RowResult r : rows) {
        if (r.cpuSecondsByThread() != null) {
          b.append("- ").append(r.name()).append(": ").append(String.join(", ", r.cpuSecondsByThread().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue()).toList())).append('\n');
        }
      }
      b.append('\n');
    }
    if (rows.stream().anyMatch(r -> r.syscallsPerRequest() != null)) {
      b.append(String.format("System calls per request (`strace -f -c` on the proxy processes, a separate %d s at %d rps; "
          + "\"errors\" are failed calls, mostly EAGAIN):%n%n", s.straceSeconds(), s.rate()));
      for (RowResult r : rows) {
        if (r.syscallsPerRequest() != null) {
          b.append("- ").append(r.name()).append(": ").append(String.join(", ", r.syscallsPerRequest().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue()).toList())).append('\n');
        }
      }
      b.append('\n');
    }
    b.append("How it was measured:\n\n");
    b.append(String.format("- Backend: nginx (%s, %d workers) serving a static %d-byte file on 127.0.0.1; every row proxies to it.%n",
        env.nginx(), s.backendWorkers(), s.bodyBytes()));
    row("direct").ifPresent(d -> {
      double best = rows.stream().filter(r -> !r.name().equals("direct")).mapToDouble(RowResult::rps).max().orElse(0);
      b.append(String.format("- Backend headroom: direct reaches %,.0f rps%s.%n", d.rps(),
          best > 0 ? String.format(", %.1fx the fastest proxy row", d.rps() / best) : ""));
    });
    b.append(String.format("- N = %d: nginx `worker_processes %d` (proxy_pass, upstream keepalive 128), HAProxy `nbthread %d` "
        + "(%s; mode http, keep-alive both sides, http-reuse always), Weft proxy event loops (`-XX:ActiveProcessorCount=%d`).%n",
        s.workers(), s.workers(), s.workers(), env.haproxy(), s.workers()));
    b.append(String.format("- Weft proxy JVM (%s): `%s`.%n", env.java(), String.join(" ", s.proxyJvmFlags())));
    b.append(String.format("- rps: %s `-t%d -c%d -d%ds` after a %d s warm-up (closed loop, keep-alive).%n", env.wrk(), s.wrkThreads(),
        s.wrkConnections(), s.wrk().toSeconds(), s.wrkWarmup().toSeconds()));
    b.append(String.format("- Latency: %d rps for %d s (after %d s at the same rate, not measured) over %d keep-alive connections from our open-loop generator "
        + "(`RateLoad`, HdrHistogram): each request's latency counts from its intended send time, so stalls are not "
        + "omitted. Includes the generator's wake-up delay, equal in all rows: read 'added p99' against direct.%n",
        s.rate(), s.latency().toSeconds(), s.rateWarmup().toSeconds(), s.latencyConnections()));
    b.append("- cpu_s/1k: utime+stime of the row's proxy processes (/proc/PID/stat; nginx master + workers) over the "
        + "constant-rate run, per 1,000 requests. ctx sw/req: their threads' context switches (voluntary + involuntary, "
        + "/proc/PID/task/*/status) per request over the same run. rss MB: highest sum of their VmRSS, sampled every 100 ms during it.\n");
    b.append("- Errors: ");
    b.append(String.join(", ", rows.stream().map(r -> String.format("%s wrk %d, constant-rate %d of %d", r.name(), r.wrkErrors(),
        r.rateErrors(), r.rateDue())).toList()));
    b.append(".\n");
    return b.toString();
  }

  void writeJson(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), rows);
  }
}
