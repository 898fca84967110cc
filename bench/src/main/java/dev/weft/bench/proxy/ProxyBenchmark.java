package dev.weft.bench.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The proxy benchmark (not a test; {@code bench/proxy-bench.sh} runs it): one backend (nginx serving a
 * static 1 KB file) measured directly and behind nginx, HAProxy, one Weft proxy and two Weft
 * proxies in a row, all on 127.0.0.1. Per row:
 *
 * <ol>
 *   <li>a sanity GET (200, the body's size), a wrk warm-up, then wrk's maximum throughput
 *       ({@code -t2 -c64}, keep-alive);
 *   <li>latency at a constant rate ({@link RateLoad}: open loop, coordinated-omission-corrected),
 *       during which the proxy processes' CPU time ({@code /proc/PID/stat}) and RSS (VmRSS, sampled
 *       every 100 ms, summed over the row's processes, maximum kept) are measured.
 * </ol>
 *
 * Prints one table with ratios to nginx and to direct and writes {@code proxy-<date>.md} and
 * {@code proxy-<date>.json} (see {@link Report}).
 */
public final class ProxyBenchmark {
  static final List<String> ALL_ROWS = List.of("direct", "nginx", "haproxy", "weft-1", "weft-2");

  /**
   * @param workers N: nginx worker processes, HAProxy threads, the Weft proxy's event loops
   * @param backendWorkers the backend nginx's worker processes
   */
  record Settings(int workers, int backendWorkers, List<String> rows, int wrkThreads, int wrkConnections, Duration wrk,
      Duration wrkWarmup, int rate, Duration latency, int latencyConnections, int bodyBytes, String java,
      String proxyClasspath, List<String> proxyJvmFlags, Path out, int straceSeconds, Duration rateWarmup) {
    static Settings parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
        }
        a.put(args[i].substring(2), args[i + 1]);
      }
      Settings s = new Settings(integer(a, "workers", 2), integer(a, "backend-workers", 2),
          List.of(a.getOrDefault("rows", String.join(",", ALL_ROWS)).split(",")), integer(a, "wrk-threads", 2),
          integer(a, "connections", 64), Duration.ofSeconds(integer(a, "wrk-seconds", 10)),
          Duration.ofSeconds(integer(a, "warmup-seconds", 5)), integer(a, "rate", 1000),
          Duration.ofSeconds(integer(a, "latency-seconds", 20)), integer(a, "latency-connections", 16),
          integer(a, "body-bytes", 1024), a.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
          a.get("proxy-classpath"),
          a.containsKey("proxy-jvm-flags") ? Arrays.asList(a.get("proxy-jvm-flags").trim().split("\\s+")) : WeftProxies.DEFAULT_JVM_FLAGS,
          Path.of(a.getOrDefault("out", "bench/results")),
          a.containsKey("strace-seconds") ? integer(a, "strace-seconds", 10) : 0,
          Duration.ofSeconds(a.containsKey("rate-warmup-seconds") && a.get("rate-warmup-seconds").equals("0") ? 0
              : integer(a, "rate-warmup-seconds", 10)));
      for (String r : s.rows()) {
        if (!ALL_ROWS.contains(r)) {
          throw new IllegalArgumentException("--rows: unknown row " + r + " (rows: " + ALL_ROWS + ")");
        }
      }
      return s;
    }

    private static int integer(Map<String, String> a, String name, int def) {
      int v = a.containsKey(name) ? Integer.parseInt(a.get(name)) : def;
      if (v <= 0) {
        throw new IllegalArgumentException("--" + name + " must be positive");
      }
      return v;
    }
  }

  private ProxyBenchmark() {}

  public static void main(String[] args) throws Exception {
    long runStart = System.nanoTime();
    Settings s;
    try {
      s = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("proxy-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path tmp = Files.createTempDirectory("weft-proxy-bench");
    Report.Environment env = Report.Environment.capture(s);
    System.out.printf("proxy-bench: N=%d (nginx workers, HAProxy threads, Weft event loops), backend nginx %d workers, "
            + "wrk -t%d -c%d %ds (after %ds warm-up), %d rps for %ds over %d connections, %d-byte bodies; load average at start %s%n",
        s.workers(), s.backendWorkers(), s.wrkThreads(), s.wrkConnections(), s.wrk().toSeconds(), s.wrkWarmup().toSeconds(),
        s.rate(), s.latency().toSeconds(), s.latencyConnections(), s.bodyBytes(), env.loadAverage());
    System.out.println("proxy-bench: files in " + tmp);
    List<RowResult> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (Nginx backend = Nginx.backend(tmp.resolve("backend"), freePort(), s.backendWorkers(), s.bodyBytes())) {
      WeftProxies weft = null;
      try {
        for (String row : s.rows()) {
          Target target;
          if (row.startsWith("weft-")) {
            if (weft == null) {
              var cp = WeftProxies.proxyClasspath(s.proxyClasspath());
              if (cp.isEmpty()) {
                String skipped = "weft rows skipped: proxy not built";
                if (!notes.contains(skipped)) {
                  System.out.println(skipped);
                  notes.add(skipped);
                }
                continue;
              }
              weft = WeftProxies.open(tmp.resolve("weft"), s.java(), cp.get(), s.proxyJvmFlags(), s.workers(), backend.port());
            }
            try {
              target = row.equals("weft-1") ? weft.one(freePort()) : weft.two(freePort(), freePort());
            } catch (IOException | RuntimeException e) {
              String failed = row + " not measured: " + e.getMessage();
              System.out.println(failed);
              notes.add(failed.lines().findFirst().orElse(failed));
              continue;
            }
          } else {
            try {
              target = switch (row) {
                case "direct" -> direct(backend.port());
                case "nginx" -> Nginx.reverseProxy(tmp.resolve("nginx"), freePort(), s.workers(), backend.port());
                case "haproxy" -> Haproxy.start(tmp.resolve("haproxy"), freePort(), s.workers(), backend.port());
                default -> throw new IllegalStateException(row);
              };
            } catch (IOException | RuntimeException e) {
              String failed = row + " not measured: " + e.getMessage();
              System.out.println(failed);
              notes.add(failed.lines().findFirst().orElse(failed));
              continue;
            }
          }
          try (target) {
            results.add(measure(target, s));
          } catch (IOException | RuntimeException e) {
            String failed = row + " not measured: " + e.getMessage();
            System.out.println(failed);
            notes.add(failed.lines().findFirst().orElse(failed));
          }
        }
      } finally {
        if (weft != null) {
          weft.close();
        }
      }
    }
    double seconds = (System.nanoTime() - runStart) / 1e9;
    Report report = new Report(LocalDate.now().toString(), s, env, results, notes, seconds);
    System.out.println();
    System.out.print(report.table());
    Files.createDirectories(s.out());
    Path md = s.out().resolve("proxy-" + report.date() + ".md");
    Path json = s.out().resolve("proxy-" + report.date() + ".json");
    Files.writeString(md, report.markdown());
    report.writeJson(json);
    System.out.printf("%nwrote %s and %s (whole run: %.0f s)%n", md, json, seconds);
  }

  /** Measures one row; the target is up and stays up for the duration. */
  static RowResult measure(Target t, Settings s) throws IOException, InterruptedException {
    int body = probe(t);
    if (body != s.bodyBytes()) {
      throw new IllegalStateException(t.name() + ": body of " + body + " bytes, expected " + s.bodyBytes());
    }
    System.out.printf("%-8s warm-up...%n", t.name());
    Wrk.run(t.port(), s.wrkThreads(), s.wrkConnections(), s.wrkWarmup());
    Wrk.Result wrk = Wrk.run(t.port(), s.wrkThreads(), s.wrkConnections(), s.wrk());
    System.out.printf("%-8s wrk: %,.0f rps (%d errors)%n", t.name(), wrk.rps(), wrk.errors());

    List<Long> pids = t.proxyPids();
    if (!s.rateWarmup().isZero()) {
      // The same constant rate, not measured: after wrk's burst a JVM proxy's JIT compilers are still
      // working through the code the lower rate takes (measured: C2 threads used more CPU than the
      // event loops in the first 20 s at 1,000 rps on a loaded machine). Steady state is what a
      // long-running proxy costs per request; the JIT's share of the measured run stays visible in
      // the by-thread CPU.
      RateLoad.run(t.port(), s.rate(), s.rateWarmup(), s.latencyConnections(), Duration.ofSeconds(5));
    }
    AtomicLong maxRssKib = new AtomicLong();
    Thread sampler = Thread.ofPlatform().name("rss-sampler").daemon(true).start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        maxRssKib.accumulateAndGet(Procs.rssKib(pids), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    double cpuBefore = Procs.cpuSeconds(pids);
    long switchesBefore = Procs.contextSwitches(pids);
    Map<String, Long> threadTicksBefore = Procs.ticksByThreadKind(pids);
    RateLoad.Result r = RateLoad.run(t.port(), s.rate(), s.latency(), s.latencyConnections(), Duration.ofSeconds(5));
    double cpu = Procs.cpuSeconds(pids) - cpuBefore;
    long switches = Procs.contextSwitches(pids) - switchesBefore;
    Map<String, Double> cpuByThread = Procs.secondsSpent(threadTicksBefore, Procs.ticksByThreadKind(pids));
    sampler.interrupt();
    sampler.join(1000);
    Map<String, Double> syscallsPerRequest = null;
    if (s.straceSeconds() > 0 && !pids.isEmpty()) {
      // A separate stretch at the same rate: ptrace slows every system call, so nothing else is measured meanwhile.
      try (Syscalls traced = Syscalls.attach(pids, s.out().resolve("strace"), t.name())) {
        RateLoad.Result tr = RateLoad.run(t.port(), s.rate(), Duration.ofSeconds(s.straceSeconds()), s.latencyConnections(),
            Duration.ofSeconds(5));
        Map<String, Long> calls = traced.stop();
        syscallsPerRequest = new LinkedHashMap<>();
        long total = 0;
        for (var e : calls.entrySet()) {
          if (!e.getKey().endsWith(" errors")) {
            total += e.getValue();
          }
        }
        syscallsPerRequest.put("total", round(total / (double) Math.max(1, tr.ok()), 2));
        for (var e : calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
          double perRequest = round(e.getValue() / (double) Math.max(1, tr.ok()), 2);
          if (perRequest >= 0.01) {
            syscallsPerRequest.put(e.getKey(), perRequest);
          }
        }
        System.out.printf("%-8s syscalls per request (strace -f -c, %d s, %,d requests): %s%n", t.name(), s.straceSeconds(),
            tr.ok(), syscallsPerRequest);
      }
    }
    Histogram h = r.latency();
    boolean proxied = !pids.isEmpty();
    RowResult row = new RowResult(t.name(), wrk.rps(), ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
        proxied ? round(cpu / (r.ok() / 1000.0), 5) : null, proxied ? round(maxRssKib.get() / 1024.0, 1) : null,
        proxied ? round(switches / (double) Math.max(1, r.ok()), 3) : null, proxied ? cpuByThread : null,
        syscallsPerRequest, wrk.errors(),
        r.due(), r.ok(),
        r.errors());
    System.out.printf("%-8s %d rps: %,d of %,d ok, %d errors%s; p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f ms%s%n", t.name(), s.rate(),
        r.ok(), r.due(), r.errors(), r.firstError() == null ? "" : " (first: " + r.firstError() + ")", row.p50(), row.p90(),
        row.p99(), row.p999(), proxied ? String.format("; CPU %.3f s/1k, RSS %.1f MiB, %.2f context switches per request",
            row.cpuSecondsPer1k(), row.rssMb(), row.contextSwitchesPerRequest()) : "");
    if (proxied) {
      System.out.printf("%-8s CPU seconds by thread over the constant-rate run: %s%n", t.name(), cpuByThread);
    }
    return row;
  }

  /** A GET through the target: retried for a few seconds (a proxy may be ready before its last route). */
  private static int probe(Target t) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        return RateLoad.probe(t.port(), Duration.ofSeconds(5));
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Daemon.sleep(200);
      }
    }
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static Target direct(int port) {
    return new Target() {
      @Override
      public String name() {
        return "direct";
      }

      @Override
      public int port() {
        return port;
      }

      @Override
      public List<Long> proxyPids() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
