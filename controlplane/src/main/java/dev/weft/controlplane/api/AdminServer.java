package dev.weft.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Protocol;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlWriter;
import dev.weft.controlplane.Log;
import dev.weft.controlplane.api.ApiTypes.EndpointView;
import dev.weft.controlplane.api.ApiTypes.Error;
import dev.weft.controlplane.api.ApiTypes.Heartbeat;
import dev.weft.controlplane.api.ApiTypes.NackView;
import dev.weft.controlplane.api.ApiTypes.Port;
import dev.weft.controlplane.api.ApiTypes.ProxyList;
import dev.weft.controlplane.api.ApiTypes.ProxyView;
import dev.weft.controlplane.api.ApiTypes.TypeView;
import dev.weft.controlplane.api.ApiTypes.ServiceList;
import dev.weft.controlplane.api.ApiTypes.ServiceView;
import dev.weft.controlplane.api.ApiTypes.WorkloadList;
import dev.weft.controlplane.api.ApiTypes.WorkloadRegistration;
import dev.weft.controlplane.api.ApiTypes.WorkloadStatus;
import dev.weft.controlplane.api.ApiTypes.WriteRequest;
import dev.weft.controlplane.api.ApiTypes.WriteResponse;
import dev.weft.controlplane.registry.Health;
import dev.weft.controlplane.registry.Locality;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.registry.Workload;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.StoreException;
import dev.weft.controlplane.store.StoredResource;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.ProxyStatus;
import dev.weft.controlplane.xds.server.XdsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private final ConfigStore store;
  private final WorkloadRegistry workloads;
  private final ServiceRegistry registry;
  private final Limits limits;
  private final Semaphore inFlight;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final XdsServer xds;

  public AdminServer(ConfigStore store, WorkloadRegistry workloads, ServiceRegistry registry, InetSocketAddress bind, Limits limits)
      throws IOException {
    this(store, workloads, registry, bind, limits, null);
  }

  /** @param xds the xDS server whose proxies the API shows; null when it does not run */
  public AdminServer(ConfigStore store, WorkloadRegistry workloads, ServiceRegistry registry, InetSocketAddress bind, Limits limits,
      XdsServer xds) throws IOException {
    this.xds = xds;
    this.store = store;
    this.workloads = workloads;
    this.registry = registry;
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

  /** An answer: status and body bytes. */
  private record Reply(int status, String contentType, byte[] body) {
    static Reply json(int status, Object value) {
      try {
        return new Reply(status, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    static Reply error(int status, String message) {
      return json(status, new Error(message));
    }
  }

  /** A client mistake, answered with its status and message. */
  private static final class ApiException extends RuntimeException {
    final int status;
    final List<String> details;

    ApiException(int status, String message, List<String> details) {
      super(message, null, false, false);
      this.status = status;
      this.details = details;
    }

    ApiException(int status, String message) {
      this(status, message, List.of());
    }
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
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    if (path.equals("/healthz")) {
      requireMethod(method, "GET");
      return Reply.json(200, new ApiTypes.Health("ok", store.revision()));
    }
    if (parts.size() < 3 || !parts.get(0).equals("api") || !parts.get(1).equals("v1")) {
      throw new ApiException(404, "no such endpoint: " + path);
    }
    String resource = parts.get(2);
    return switch (resource) {
      case "apply" -> {
        requireMethod(method, "POST");
        requireLength(parts, 3, path);
        yield write(ex, query, false);
      }
      case "delete" -> {
        requireMethod(method, "POST");
        requireLength(parts, 3, path);
        yield write(ex, query, true);
      }
      case "resources" -> {
        requireMethod(method, "GET");
        requireLength(parts, 3, path);
        yield resources(ex, query);
      }
      case "workloads" -> workloads(ex, method, parts);
      case "services" -> {
        requireMethod(method, "GET");
        requireLength(parts, 3, path);
        yield services();
      }
      case "proxies" -> {
        requireMethod(method, "GET");
        yield proxies(parts, query, path);
      }
      default -> throw new ApiException(404, "no such endpoint: " + path);
    };
  }

  private static void requireLength(List<String> parts, int n, String path) {
    if (parts.size() != n) {
      throw new ApiException(404, "no such endpoint: " + path);
    }
  }

  private static void requireMethod(String method, String... allowed) {
    if (!Arrays.asList(allowed).contains(method)) {
      throw new ApiException(405, "method " + method + " not allowed here; use " + String.join(" or ", allowed));
    }
  }

  // ---- config

  private Reply write(HttpExchange ex, Map<String, String> query, boolean delete) throws IOException {
    String namespace = query.getOrDefault("namespace", "default");
    if (delete && query.containsKey("kind")) {
      ResourceKey key = keyFromQuery(query);
      return writeReply(store.delete(List.of(key)));
    }
    String body = readBody(ex);
    List<ConfigInput> inputs;
    if (isJson(ex)) {
      WriteRequest req = parseJson(body, WriteRequest.class);
      if (req.inputs() == null || req.inputs().isEmpty()) {
        throw new ApiException(400, "inputs: at least one input is required");
      }
      inputs = new ArrayList<>();
      for (int i = 0; i < req.inputs().size(); i++) {
        ApiTypes.Input in = req.inputs().get(i);
        if (in == null || in.text() == null) {
          throw new ApiException(400, "inputs[" + i + "].text: required");
        }
        inputs.add(new ConfigInput(in.name() == null || in.name().isEmpty() ? "input-" + (i + 1) : in.name(), in.text()));
      }
      if (req.namespace() != null && !req.namespace().isEmpty()) {
        namespace = req.namespace();
      }
    } else {
      inputs = List.of(new ConfigInput(query.getOrDefault("name", "request"), body));
    }
    return writeReply(delete ? store.delete(inputs, namespace) : store.apply(inputs, namespace));
  }

  private static Reply writeReply(WriteResult r) {
    return Reply.json(r.accepted() ? 200 : 422, WriteResponse.of(r));
  }

  private ResourceKey keyFromQuery(Map<String, String> query) {
    Kind kind = kind(query.get("kind"));
    String name = query.get("name");
    if (name == null || name.isEmpty()) {
      throw new ApiException(400, "name: required to delete by kind");
    }
    return new ResourceKey(kind, kind.namespaced() ? query.getOrDefault("namespace", "default") : "", name);
  }

  private static Kind kind(String name) {
    return Kind.byUserName(name == null ? "" : name).orElseThrow(() -> new ApiException(400, "unknown kind \"" + name + "\"; one of: "
        + String.join(", ", Arrays.stream(Kind.values()).map(Kind::kindName).toList())));
  }

  private Reply resources(HttpExchange ex, Map<String, String> query) throws IOException {
    Kind kind = query.containsKey("kind") && !query.get("kind").isEmpty() ? kind(query.get("kind")) : null;
    String namespace = query.get("namespace");
    String name = query.get("name");
    String output = query.getOrDefault("output", acceptsJson(ex) ? "json" : "yaml");
    if (!output.equals("json") && !output.equals("yaml")) {
      throw new ApiException(400, "output: \"" + output + "\" is not one of yaml, json");
    }
    List<StoredResource> found;
    if (name != null && !name.isEmpty()) {
      if (kind == null) {
        throw new ApiException(400, "kind: required with a name");
      }
      ResourceKey key = new ResourceKey(kind, kind.namespaced() ? (namespace == null ? "default" : namespace) : "", name);
      StoredResource r = store.get(key).orElseThrow(() -> new ApiException(404, key + " not found"));
      YamlNode.Mapping doc = r.versionedDocument();
      return output.equals("json") ? Reply.json(200, YamlJson.toJson(doc))
          : new Reply(200, "application/yaml", YamlWriter.write(doc).getBytes(StandardCharsets.UTF_8));
    }
    found = store.list(kind, namespace == null || namespace.isEmpty() ? null : namespace);
    if (output.equals("json")) {
      ObjectNode list = JSON.createObjectNode();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      ArrayNode items = list.putArray("items");
      for (StoredResource r : found) {
        items.add(YamlJson.toJson(r.versionedDocument()));
      }
      list.putObject("metadata").put("resourceVersion", Long.toString(store.revision()));
      return Reply.json(200, list);
    }
    List<YamlNode> items = new ArrayList<>();
    for (StoredResource r : found) {
      items.add(r.versionedDocument());
    }
    YamlNode.Mapping list = new YamlNode.Mapping(List.of(
        new YamlNode.Entry("apiVersion", 0, new YamlNode.Scalar("v1", YamlNode.ScalarType.STRING, 0)),
        new YamlNode.Entry("kind", 0, new YamlNode.Scalar("List", YamlNode.ScalarType.STRING, 0)),
        new YamlNode.Entry("items", 0, new YamlNode.Sequence(items, 0))), 0);
    return new Reply(200, "application/yaml", YamlWriter.write(list).getBytes(StandardCharsets.UTF_8));
  }

  // ---- registry

  private Reply workloads(HttpExchange ex, String method, List<String> parts) throws IOException {
    if (parts.size() == 3) {
      requireMethod(method, "GET", "POST", "PUT");
      if (method.equals("GET")) {
        return Reply.json(200, new WorkloadList(workloads.registrations().stream().map(AdminServer::status).toList()));
      }
      WorkloadRegistration reg = parseJson(readBody(ex), WorkloadRegistration.class);
      Workload w = toWorkload(reg);
      Duration ttl = reg.ttlSeconds() == null ? null : Duration.ofSeconds(reg.ttlSeconds());
      WorkloadRegistry.Outcome outcome;
      try {
        outcome = workloads.register(w, ttl);
      } catch (IllegalArgumentException e) {
        throw new ApiException(422, "invalid workload", List.of(e.getMessage().split("; ")));
      }
      return Reply.json(outcome == WorkloadRegistry.Outcome.CREATED ? 201 : 200,
          status(workloads.registration(w.namespace(), w.name()).orElseThrow()));
    }
    if (parts.size() != 5) {
      throw new ApiException(404, "no such endpoint: use /api/v1/workloads/NAMESPACE/NAME");
    }
    String ns = decode(parts.get(3));
    String name = decode(parts.get(4));
    requireMethod(method, "GET", "PUT", "DELETE");
    switch (method) {
      case "GET" -> {
        return Reply.json(200, status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
      }
      case "PUT" -> {
        String body = readBody(ex);
        Health health = null;
        if (!body.isBlank()) {
          // A heartbeat may carry the whole registration: then it registers again what is missing.
          WorkloadRegistration reg = parseJson(body, WorkloadRegistration.class);
          if (reg.address() != null || reg.ports() != null) {
            return reRegister(ns, name, reg);
          }
          Heartbeat hb = new Heartbeat(reg.health());
          if (reg.name() != null || reg.namespace() != null || reg.service() != null || reg.serviceAccount() != null
              || reg.labels() != null || reg.locality() != null || reg.weight() != null || reg.ttlSeconds() != null) {
            throw new ApiException(400, "a heartbeat carries either only {health} or the whole registration (with address and ports)");
          }
          health = hb.health() == null ? null : health(hb.health());
        }
        if (!workloads.heartbeat(ns, name, health)) {
          throw notRegistered(ns, name);
        }
        return Reply.json(200, status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
      }
      default -> {
        if (!workloads.deregister(ns, name)) {
          throw notRegistered(ns, name);
        }
        return Reply.json(200, Map.of("deregistered", ns + "/" + name));
      }
    }
  }

  /** A heartbeat with the whole registration: refreshes it, or registers it again (201) when it is missing. */
  private Reply reRegister(String ns, String name, WorkloadRegistration reg) {
    if ((reg.name() != null && !reg.name().equals(name)) || (reg.namespace() != null && !reg.namespace().equals(ns))) {
      throw new ApiException(400, "the body names workload " + (reg.namespace() == null ? ns : reg.namespace()) + "/" + (reg.name() == null ? name : reg.name()) + " but the path is " + ns + "/" + name);
    }
    WorkloadRegistration full = new WorkloadRegistration(name, ns, reg.service(), reg.serviceAccount(), reg.labels(), reg.address(),
        reg.ports(), reg.health(), reg.locality(), reg.weight(), reg.ttlSeconds());
    Workload w = toWorkload(full);
    WorkloadRegistry.Outcome outcome;
    try {
      outcome = workloads.register(w, full.ttlSeconds() == null ? null : Duration.ofSeconds(full.ttlSeconds()));
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "invalid workload", List.of(e.getMessage().split("; ")));
    }
    return Reply.json(outcome == WorkloadRegistry.Outcome.CREATED ? 201 : 200,
        status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
  }

  private static ApiException notRegistered(String ns, String name) {
    return new ApiException(404, "workload " + ns + "/" + name + " is not registered (expired or never was): register it again");
  }

  private static Workload toWorkload(WorkloadRegistration r) {
    List<String> problems = new ArrayList<>();
    List<Workload.WorkloadPort> ports = new ArrayList<>();
    if (r.ports() != null) {
      for (int i = 0; i < r.ports().size(); i++) {
        Port p = r.ports().get(i);
        if (p == null) {
          problems.add("ports[" + i + "]: required");
          continue;
        }
        Protocol proto = null;
        if (p.protocol() != null && !p.protocol().isEmpty()) {
          proto = Protocol.parse(p.protocol());
          if (proto == Protocol.UNSUPPORTED) {
            problems.add("ports[" + i + "].protocol: unknown protocol \"" + p.protocol() + "\"");
          }
        }
        ports.add(new Workload.WorkloadPort(p.name(), p.number(), proto));
      }
    }
    Health health = null;
    if (r.health() != null) {
      try {
        health = health(r.health());
      } catch (ApiException e) {
        problems.add(e.getMessage());
      }
    }
    if (r.ttlSeconds() != null && r.ttlSeconds() <= 0) {
      problems.add("ttlSeconds: must be positive, got " + r.ttlSeconds());
    }
    if (!problems.isEmpty()) {
      throw new ApiException(422, "invalid workload", problems);
    }
    return new Workload(r.name(), r.namespace() == null ? "default" : r.namespace(), r.service(), r.serviceAccount(), r.labels(),
        r.address(), ports, health, Locality.parse(r.locality()), r.weight() == null ? 0 : r.weight());
  }

  private static Health health(String s) {
    try {
      return Health.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "health: \"" + s + "\" is not one of HEALTHY, UNHEALTHY, DRAINING");
    }
  }

  private static WorkloadStatus status(WorkloadRegistry.Registration r) {
    Workload w = r.workload();
    return new WorkloadStatus(w.name(), w.namespace(), w.hostname(), w.serviceAccount(), w.labels(), w.address(),
        w.ports().stream().map(p -> new Port(p.name(), p.number(), p.protocol() == null ? null : p.protocol().istioName())).toList(),
        w.health().name(), w.locality().toString(), w.weight() == 0 ? 1 : w.weight(), r.ttl().toSeconds(), r.lastSeen().toString(),
        r.expiresAt().toString());
  }

  private Reply services() {
    List<ServiceView> out = new ArrayList<>();
    for (Service s : registry.services()) {
      out.add(new ServiceView(s.hostname(), s.namespace(), s.registry(), s.resolution().name(), s.location().name(),
          s.ports().stream().map(p -> new Port(p.name(), p.number(), p.protocol().istioName())).toList(), s.addresses(),
          registry.endpoints(s.hostname()).stream().map(e -> new EndpointView(e.address(), e.ports(), e.serviceAccount(),
              e.health().name(), e.locality().toString(), e.weight(), e.workload(), e.labels())).toList()));
    }
    return Reply.json(200, new ServiceList(out));
  }

  // ---- xDS proxies

  private Reply proxies(List<String> parts, Map<String, String> query, String path) {
    if (xds == null) {
      throw new ApiException(404, "the xDS server is not running in this control plane");
    }
    if (parts.size() == 3) {
      return Reply.json(200, new ProxyList(xds.proxyStatus().stream().map(AdminServer::proxyView).toList()));
    }
    if (parts.size() != 5 || !parts.get(4).equals("config")) {
      throw new ApiException(404, "no such endpoint: " + path + "; use /api/v1/proxies or /api/v1/proxies/ID/config?type=TYPE");
    }
    String id = decode(parts.get(3));
    String typeName = query.getOrDefault("type", "");
    ResourceType type = switch (typeName) {
      case "listeners", "listener", "lds" -> ResourceType.LISTENER;
      case "routes", "route", "rds" -> ResourceType.ROUTE;
      case "clusters", "cluster", "cds" -> ResourceType.CLUSTER;
      case "endpoints", "endpoint", "eds" -> ResourceType.ENDPOINT;
      case "secrets", "secret", "sds" -> ResourceType.SECRET;
      default -> throw new ApiException(400, "type: \"" + typeName + "\" is not one of listeners, routes, clusters, endpoints, secrets");
    };
    String json = xds.proxyConfigJson(id, type)
        .orElseThrow(() -> new ApiException(404, "proxy " + id + " is not connected"));
    return new Reply(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static ProxyView proxyView(ProxyStatus s) {
    Map<String, TypeView> types = new LinkedHashMap<>();
    s.types().forEach((type, t) -> types.put(type.shortName(), new TypeView(t.state().name(), t.sentVersion(), t.ackedVersion(),
        t.resourceNames().size(), t.responsesSent(),
        t.lastNack().map(n -> new NackView(n.version(), n.message(), n.at().toString())).orElse(null))));
    return new ProxyView(s.proxy().id(), s.connectionId(), s.proxy().type().name(), s.proxy().namespace(), s.proxy().cluster(),
        s.protocol().name(), s.peer(), s.connectedSince().toString(), proxyVersion(s.proxy().node()), types);
  }

  /** What the proxy says its version is: Istio's ISTIO_VERSION metadata, else its user agent. */
  private static String proxyVersion(io.envoyproxy.envoy.config.core.v3.Node node) {
    com.google.protobuf.Value v = node.getMetadata().getFieldsMap().get("ISTIO_VERSION");
    if (v != null && v.hasStringValue() && !v.getStringValue().isEmpty()) {
      return v.getStringValue();
    }
    String agent = node.getUserAgentName();
    String version = node.hasUserAgentBuildVersion()
        ? node.getUserAgentBuildVersion().getVersion().getMajorNumber() + "." + node.getUserAgentBuildVersion().getVersion().getMinorNumber()
            + "." + node.getUserAgentBuildVersion().getVersion().getPatch()
        : node.getUserAgentVersion();
    String out = (agent + " " + version).strip();
    return out.isEmpty() ? "" : out;
  }

  // ---- plumbing

  /** The body as UTF-8 text, refused (413) past the size limit without reading all of it. */
  private String readBody(HttpExchange ex) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > limits.maxBodyBytes()) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new ApiException(400, "Content-Length is not a number");
      }
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(limits.maxBodyBytes() + 1);
    }
    if (bytes.length > limits.maxBodyBytes()) {
      throw tooLarge();
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ApiException(400, "the request body is not UTF-8 text");
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "request body is larger than the " + limits.maxBodyBytes() / (1024 * 1024) + " MiB limit");
  }

  private static <T> T parseJson(String body, Class<T> type) {
    if (body.isBlank()) {
      throw new ApiException(400, "a JSON body is required");
    }
    try {
      T value = JSON.readValue(body, type);
      if (value == null) {
        throw new ApiException(400, "a JSON object is required");
      }
      return value;
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      String first = msg == null ? "unreadable" : nl < 0 ? msg : msg.substring(0, nl);
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new ApiException(400, "invalid JSON body: " + first + where);
    }
  }

  private static boolean isJson(HttpExchange ex) {
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static boolean acceptsJson(HttpExchange ex) {
    String accept = ex.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed URL encoding: " + s);
    }
  }
}
