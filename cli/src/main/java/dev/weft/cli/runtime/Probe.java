package dev.weft.cli.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Health checks: an HTTP GET that answers 200, polled until a deadline. A plain socket with one
 * HTTP/1.0 request, not java.net.http: {@code weft up} polls 14 endpoints while 13 JVMs start on
 * the same cores, and the JDK's client (its selector thread, its per-request objects) cost
 * {@code weft up} about 1 CPU-second of its start (measured, README Performance).
 */
public final class Probe {
  private Probe() {}

  private static final int CONNECT_TIMEOUT_MS = 1_000;
  private static final int READ_TIMEOUT_MS = 2_000;

  /** Whether {@code url} (http://host:port/path) answers 200 within the timeouts. */
  public static boolean ok(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (!"http".equals(u.getScheme()) || u.getHost() == null) {
      return false;
    }
    int port = u.getPort() < 0 ? 80 : u.getPort();
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    if (u.getRawQuery() != null) {
      path += "?" + u.getRawQuery();
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.getHost(), port), CONNECT_TIMEOUT_MS);
      s.setSoTimeout(READ_TIMEOUT_MS);
      s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + u.getHost() + ":" + port
          + "\r\nUser-Agent: weft-probe\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // The status line only: "HTTP/1.x 200 ...".
      byte[] line = new byte[12];
      InputStream in = s.getInputStream();
      int n = 0;
      while (n < line.length) {
        int r = in.read(line, n, line.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      String status = new String(line, 0, n, StandardCharsets.US_ASCII);
      return status.startsWith("HTTP/1.") && status.length() >= 12 && status.substring(8, 12).equals(" 200");
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until {@code check} holds or {@code timeout} passes, or {@code stillWorth} says to give up; true when it held. */
  static boolean until(Duration timeout, BooleanSupplier stillWorth, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 20;
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      if (!stillWorth.getAsBoolean()) {
        return false;
      }
      Thread.sleep(sleep);
      sleep = Math.min(200, sleep * 2);
    }
    return check.getAsBoolean();
  }
}
