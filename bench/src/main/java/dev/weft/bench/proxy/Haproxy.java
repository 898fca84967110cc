package dev.weft.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HAProxy from Debian as the reverse-proxy row: one process with {@code nbthread} threads, HTTP mode,
 * keep-alive to clients and to the server (idle server connections reused by any request).
 */
final class Haproxy implements Target {
  static final String BINARY = "/usr/sbin/haproxy";

  private final int port;
  private final Daemon daemon;

  private Haproxy(int port, Daemon daemon) {
    this.port = port;
    this.daemon = daemon;
  }

  static Haproxy start(Path dir, int port, int threads, int backendPort) throws IOException {
    Files.createDirectories(dir);
    String conf = """
        global
          nbthread %d
          maxconn 4096
          pidfile %s

        defaults
          mode http
          option http-keep-alive
          http-reuse always
          timeout connect 5s
          timeout client 60s
          timeout server 60s
          timeout http-keep-alive 60s

        frontend bench
          bind 127.0.0.1:%d
          default_backend backend

        backend backend
          server b1 127.0.0.1:%d
        """.formatted(threads, dir.resolve("haproxy.pid"), port, backendPort);
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, conf);
    Daemon d = Daemon.start("haproxy", List.of(BINARY, "-db", "-f", file.toString()), dir.resolve("haproxy.log"));
    d.awaitListening(port, Duration.ofSeconds(10));
    return new Haproxy(port, d);
  }

  @Override
  public String name() {
    return "haproxy";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<Long> proxyPids() {
    return Procs.withChildren(daemon.pid());
  }

  @Override
  public void close() {
    daemon.close();
  }
}
