package dev.weft.controlplane.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.controlplane.Log;
import dev.weft.controlplane.api.ApiTypes.Error;
import dev.weft.controlplane.registry.Health;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.StoreException;
import dev.weft.controlplane.xds.server.XdsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The control plane's admin and config API, JSON over HTTP/1.1 on a loopback address by default.
 *
 * <pre>
 * POST   /api/v1/apply        YAML body (?namespace=&amp;name=) or JSON {namespace, inputs:[{name,text}]}
 * POST   /api/v1/delete       same bodies; or ?kind=&amp;namespace=&amp;name=
 * GET    /api/v1/resources    ?kind=&amp;namespace=&amp;name=&amp;output=yaml|json
 * POST   /api/v1/workloads    register (PUT the same: register or refresh)
 * PUT    /api/v1/workloads/NS/NAME   heartbeat, optional JSON {health}
 * DELETE /api/v1/workloads/NS/NAME
 * GET    /api/v1/workloads, /api/v1/services, /healthz
 * GET    /api/v1/proxies                  connected xDS proxies and their sync state (weft proxy-status)
 * GET    /api/v1/proxies/ID/config?type=listeners|routes|clusters|endpoints|secrets  (weft proxy-config)
 * </pre>
 *
 * Bounded: request bodies ({@link Limits#maxBodyBytes}, 413 beyond), requests in progress
 * ({@link Limits#maxConcurrent}, 503 beyond), and time (the JDK server's request and response
 * timers). Every error is a JSON {@link Error}; nothing answers with a stack trace.
 */
public final class AdminServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 15014;

  static {
    // The JDK server reads these once, when it is first used: slow clients are cut off.
    setDefault("sun.net.httpserver.maxReqTime", "30"); // seconds to send a request
    setDefault("sun.net.httpserver.maxRspTime", "30"); // seconds to take the response
    setDefault("sun.net.httpserver.idleInterval", "30");
    setDefault("sun.net.httpserver.maxIdleConnections", "64");
    setDefault("sun.net.httpserver.maxReqHeaders", "100");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Bounds on what one client can make the server do. */
  public record Limits(int maxBodyBytes, int maxConcurrent) {
    public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, 32);
  }

  private final ConfigStore store;
  private final ConfigEndpoints config;
  private final RegistryEndpoints registryEndpoints;
  private final ProxyEndpoints proxies;
  private final Limits limits;
  private final Semaphore inFlight;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public AdminServer(ConfigStore store, WorkloadRegistry workloads, ServiceRegistry registry, InetSocketAddress bind, Limits limits)
      throws IOException {
    this(store, workloads, registry, bind, limits, null);
  }

  /** @param xds the xDS server whose proxies the API shows; null when it does not run */
  public AdminServer(ConfigStore store, WorkloadRegistry workloads, ServiceRegistry registry, InetSocketAddress bind, Limits limits,
      XdsServer xds) throws IOException {
    this.store = store;
    this.config = new ConfigEndpoints(store);
    this.registryEndpoints = new RegistryEndpoints(workloads, registry);
    this.proxies = new ProxyEndpoints(xds);
    this.limits = limits;
    this.inFlight = new Semaphore(limits.maxConcurrent());
    this.server = HttpServer.create(bind, 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    Reply reply;
    boolean close = false;
    if (!inFlight.tryAcquire()) {
      reply = Reply.error(503, "too many requests in progress (at most " + limits.maxConcurrent() + "); retry later");
      close = true;
    } else {
      try {
        reply = route(ex);
      } catch (ApiException e) {
        reply = Reply.json(e.status, new Error(e.getMessage(), e.details, List.of()));
        close = e.status == 413;
      } catch (StoreException e) {
        reply = Reply.error(503, e.getMessage());
      } catch (RuntimeException | IOException e) {
        Log.warn("admin API " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + ": internal error: " + e);
        reply = Reply.error(500, "internal error: " + e.getClass().getSimpleName());
      } finally {
        inFlight.release();
      }
    }
    try (ex) {
      if (close) {
        ex.getResponseHeaders().set("Connection", "close");
      }
      ex.getResponseHeaders().set("Content-Type", reply.contentType() + "; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } catch (IOException e) {
      // The client went away: nothing to tell it.
    }
  }

  private Reply route(HttpExchange ex) throws IOException {
    ApiRequest req = new ApiRequest(ex, limits);
    List<String> parts = req.parts();
    if (req.path().equals("/healthz")) {
      req.requireMethod("GET");
      return Reply.json(200, new ApiTypes.Health("ok", store.revision()));
    }
    if (parts.size() < 3 || !parts.get(0).equals("api") || !parts.get(1).equals("v1")) {
      throw new ApiException(404, "no such endpoint: " + req.path());
    }
    return switch (parts.get(2)) {
      case "apply" -> {
        req.requireMethod("POST");
        req.requireSegments(3);
        yield config.write(req, false);
      }
      case "delete" -> {
        req.requireMethod("POST");
        req.requireSegments(3);
        yield config.write(req, true);
      }
      case "resources" -> {
        req.requireMethod("GET");
        req.requireSegments(3);
        yield config.resources(req);
      }
      case "workloads" -> registryEndpoints.workloads(req);
      case "services" -> {
        req.requireMethod("GET");
        req.requireSegments(3);
        yield registryEndpoints.services();
      }
      case "proxies" -> {
        req.requireMethod("GET");
        yield proxies.proxies(req);
      }
      default -> throw new ApiException(404, "no such endpoint: " + req.path());
    };
  }
}
