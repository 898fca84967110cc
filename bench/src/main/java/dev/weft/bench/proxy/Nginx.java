package dev.weft.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nginx from Debian in two roles: the backend (a static 1 KB file) and a reverse proxy row
 * ({@code proxy_pass} to an upstream with a keep-alive pool). Each instance gets its own prefix
 * directory (config, pid, logs, temp paths) and runs in the foreground as the current user.
 */
final class Nginx implements Target {
  static final String BINARY = "/usr/sbin/nginx";

  private final String name;
  private final int port;
  private final Daemon daemon;

  private Nginx(String name, int port, Daemon daemon) {
    this.name = name;
    this.port = port;
    this.daemon = daemon;
  }

  /** The backend: {@code GET /} returns the same {@code bodyBytes}-byte file; keep-alive without a request limit. */
  static Nginx backend(Path dir, int port, int workers, int bodyBytes) throws IOException {
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.write(www.resolve("index.html"), Body.bytes(bodyBytes));
    String server = """
          server {
            listen 127.0.0.1:%d reuseport backlog=4096;
            root %s;
            location / { }
          }
        """.formatted(port, www);
    return start("backend", dir, port, workers, server, "");
  }

  /** The reverse-proxy row: to the backend over an upstream keep-alive pool, {@code workers} worker processes. */
  static Nginx reverseProxy(Path dir, int port, int workers, int backendPort) throws IOException {
    String upstream = """
          upstream backend {
            server 127.0.0.1:%d;
            keepalive 128;
            keepalive_requests 100000000;
          }
        """.formatted(backendPort);
    String server = """
          server {
            listen 127.0.0.1:%d reuseport backlog=4096;
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering on;
            }
          }
        """.formatted(port);
    return start("nginx", dir, port, workers, server, upstream);
  }

  private static Nginx start(String name, Path dir, int port, int workers, String server, String upstream) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("tmp"));
    // As root, nginx would hand its workers to "nobody", which cannot read our 0700 temp directory.
    String user = System.getProperty("user.name").equals("root") ? "user root;\n" : "";
    String conf = user + """
        worker_processes %d;
        pid %s;
        error_log %s warn;
        events { worker_connections 4096; multi_accept on; }
        http {
          access_log off;
          sendfile on;
          tcp_nodelay on;
          open_file_cache max=16 inactive=600s;
          open_file_cache_valid 600s;
          keepalive_timeout 120s;
          keepalive_requests 100000000;
          default_type application/octet-stream;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
        %s%s}
        """.formatted(workers, dir.resolve("nginx.pid"), dir.resolve("logs/error.log"), dir.resolve("tmp"),
        dir.resolve("tmp"), dir.resolve("tmp"), dir.resolve("tmp"), dir.resolve("tmp"), upstream, server);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Daemon d = Daemon.start(name, List.of(BINARY, "-p", dir.toString(), "-c", file.toString(), "-g", "daemon off;"),
        dir.resolve("logs/stdout.log"));
    d.awaitListening(port, Duration.ofSeconds(10));
    return new Nginx(name, port, d);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int port() {
    return port;
  }

  /** The master and its workers (the master is idle under load; its few KiB are counted too). */
  @Override
  public List<Long> proxyPids() {
    return Procs.withChildren(daemon.pid());
  }

  @Override
  public void close() {
    daemon.close();
  }
}
