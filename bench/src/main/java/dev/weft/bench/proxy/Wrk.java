package dev.weft.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk (closed loop, keep-alive): the maximum throughput figure only; its latencies are not used. */
final class Wrk {
  static final String BINARY = "/usr/bin/wrk";
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** @param errors non-2xx responses plus socket errors (connect, read, write, timeout) */
  record Result(double rps, long errors, String output) {}

  private Wrk() {}

  static Result run(int port, int threads, int connections, Duration duration) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(BINARY, "-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s",
        "--timeout", "5s", "http://127.0.0.1:" + port + "/")).redirectErrorStream(true).start();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes(); // ends when wrk exits; wrk stops itself after -d
      if (!p.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("wrk did not finish");
      }
    } finally {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    Matcher m = RPS.matcher(text);
    if (p.exitValue() != 0 || !m.find()) {
      throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "):\n" + text);
    }
    long errors = 0;
    Matcher n = NON_2XX.matcher(text);
    if (n.find()) {
      errors += Long.parseLong(n.group(1));
    }
    Matcher s = SOCKET_ERRORS.matcher(text);
    if (s.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(s.group(g));
      }
    }
    return new Result(Double.parseDouble(m.group(1)), errors, text);
  }
}
