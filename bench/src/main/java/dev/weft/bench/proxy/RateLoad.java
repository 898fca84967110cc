package dev.weft.bench.proxy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A constant-rate (open-loop) HTTP/1.1 load generator that does not omit the slow moments
 * ("coordinated omission"): request {@code i} is due at {@code start + i / rate}, whether or not
 * earlier ones have been answered, and its latency is counted from that intended time to the last
 * byte of the response. A pool of keep-alive connections, one platform thread each, takes the due
 * requests in order; if every connection is busy when a request is due, its wait is part of its
 * latency, as it would be for a real client.
 *
 * <p>Every figure includes this generator's own wake-up delay ({@code parkNanos} slack, tens of
 * microseconds on Linux), the same in every row: compare rows by the difference to "direct".
 */
final class RateLoad {
  /** @param latency microseconds, from the intended send time to the end of the response */
  record Result(Histogram latency, long due, long ok, long errors, long bodyBytes, String firstError) {}

  private static final long LATENCY_MAX_MICROS = Duration.ofSeconds(60).toNanos() / 1000;

  private RateLoad() {}

  /**
   * @param rate requests per second
   * @param duration how long requests are issued; the run ends at most {@code timeout} after that
   * @param connections the pool size (enough that a healthy target never makes requests queue)
   * @param timeout per request (socket read timeout); a late request is an error
   */
  static Result run(int port, int rate, Duration duration, int connections, Duration timeout) throws InterruptedException {
    long total = rate * duration.toSeconds();
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime() + Duration.ofMillis(200).toNanos(); // let every thread connect first
    AtomicLong next = new AtomicLong();
    Recorder recorder = new Recorder(LATENCY_MAX_MICROS, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong bodyBytes = new AtomicLong(-1);
    String[] firstError = {null};
    byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: weft-bench\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < connections; w++) {
      workers.add(Thread.ofPlatform().name("rate-load-" + w).daemon(true).start(() -> {
        Connection c = null;
        long i;
        while ((i = next.getAndIncrement()) < total) {
          long intended = start + i * intervalNanos;
          long wait;
          while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          try {
            if (c == null) {
              c = new Connection(port, timeout);
            }
            int body = c.exchange(request);
            long micros = (System.nanoTime() - intended) / 1000;
            recorder.recordValue(Math.min(micros, LATENCY_MAX_MICROS));
            ok.incrementAndGet();
            bodyBytes.compareAndSet(-1, body);
            if (c.closeRequested) {
              c.close();
              c = null;
            }
          } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            synchronized (firstError) {
              if (firstError[0] == null) {
                firstError[0] = e.toString();
              }
            }
            if (c != null) {
              c.close();
              c = null;
            }
          }
        }
        if (c != null) {
          c.close();
        }
      }));
    }
    long joinDeadline = start + duration.toNanos() + timeout.toNanos() + Duration.ofSeconds(2).toNanos();
    for (Thread t : workers) {
      long left = joinDeadline - System.nanoTime();
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
    }
    next.set(Long.MAX_VALUE); // bounded: whatever is still running takes no further requests
    return new Result(recorder.getIntervalHistogram(), total, ok.get(), errors.get(), bodyBytes.get(), firstError[0]);
  }

  /** One GET on a new connection: the body's size, or an IOException (non-200 included). */
  static int probe(int port, Duration timeout) throws IOException {
    Connection c = new Connection(port, timeout);
    try {
      return c.exchange(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    } finally {
      c.close();
    }
  }

  /** One keep-alive HTTP/1.1 connection: writes a GET, reads the response (Content-Length or chunked). */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final StringBuilder line = new StringBuilder();
    boolean closeRequested;

    Connection(int port, Duration timeout) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) timeout.toMillis());
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    /** Sends the request, reads the whole response; returns the body's size. Non-200 is an error. */
    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String status = readLine();
      boolean ok = status.startsWith("HTTP/1.1 200") || status.startsWith("HTTP/1.0 200");
      StringBuilder flags = new StringBuilder();
      long length = -1;
      boolean chunked = false;
      for (String h = readLine(); !h.isEmpty(); h = readLine()) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase().contains("chunked")) {
          chunked = true;
        } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
          closeRequested = true;
        } else if (name.equalsIgnoreCase("x-weft-response-flags") || name.equalsIgnoreCase("x-envoy-response-flags")) {
          flags.append(' ').append(name).append(": ").append(value);
        }
      }
      if (!ok) {
        closeRequested = true; // the body is not read: the connection cannot be reused
        throw new IOException("status: " + status + flags);
      }
      if (chunked) {
        int total = 0;
        for (long size = Long.parseLong(readLine().split(";")[0].trim(), 16); size > 0;
            size = Long.parseLong(readLine().split(";")[0].trim(), 16)) {
          skip(size);
          readLine();
          total += (int) size;
        }
        while (!readLine().isEmpty()) {
          // trailers
        }
        return total;
      }
      if (length < 0) {
        throw new IOException("response without Content-Length or chunked encoding");
      }
      skip(length);
      return (int) length;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) {
          if (in.read() < 0) {
            throw new IOException("connection closed mid-body");
          }
          s = 1;
        }
        n -= s;
      }
    }

    private String readLine() throws IOException {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed by peer");
        }
        if (b != '\r') {
          line.append((char) b);
        }
        if (line.length() > 16 * 1024) {
          throw new IOException("header line too long");
        }
      }
      return line.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
