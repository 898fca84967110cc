package dev.weft.controlplane.api;

import static dev.weft.controlplane.testing.Yaml.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import dev.weft.controlplane.registry.AggregateRegistry;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.testing.Http;
import dev.weft.controlplane.testing.Http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConfigStore store = ConfigStore.inMemory();
  private final WorkloadRegistry workloads = new WorkloadRegistry(InstantSource.system(), Duration.ofSeconds(30), 100);
  private AdminServer server;
  private Http http;

  private void start(AdminServer.Limits limits) throws IOException {
    server = new AdminServer(store, workloads, new AggregateRegistry(List.of(workloads)),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits);
    server.start();
    http = new Http("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode json(Response r) throws IOException {
    return JSON.readTree(r.body());
  }

  @Test
  void applyGetAndDeleteYaml() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    Response created = http.post("/api/v1/apply?name=gw.yaml&namespace=shop", "application/yaml", gateway("a", 80));
    assertThat(created.status()).isEqualTo(200);
    JsonNode body = json(created);
    assertThat(body.get("accepted").asBoolean()).isTrue();
    assertThat(body.get("results").get(0).toString())
        .isEqualTo("{\"kind\":\"Gateway\",\"group\":\"networking.istio.io\",\"namespace\":\"shop\",\"name\":\"a\",\"action\":\"created\",\"resourceVersion\":1}");

    Response same = http.post("/api/v1/apply?namespace=shop", "application/yaml", gateway("a", 80));
    assertThat(json(same).get("results").get(0).get("action").asText()).isEqualTo("unchanged");

    Response yaml = http.get("/api/v1/resources?kind=gw&namespace=shop&name=a");
    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.contentType()).startsWith("application/yaml");
    assertThat(yaml.body()).startsWith("""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: a
          namespace: shop
          resourceVersion: '1'
        spec:
        """);

    Response one = http.get("/api/v1/resources?kind=Gateway&namespace=shop&name=a&output=json");
    JsonNode doc = json(one);
    assertThat(doc.at("/spec/servers/0/port/number").isInt()).isTrue();
    assertThat(doc.at("/spec/servers/0/port/number").asInt()).isEqualTo(80);
    assertThat(doc.at("/metadata/resourceVersion").asText()).isEqualTo("1");

    Response list = http.get("/api/v1/resources?kind=gateways&output=json");
    assertThat(json(list).get("kind").asText()).isEqualTo("List");
    assertThat(json(list).get("items")).hasSize(1);

    Response all = http.get("/api/v1/resources");
    assertThat(all.body()).startsWith("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: networking.istio.io/v1\n");

    Response deleted = http.post("/api/v1/delete?namespace=shop", "application/yaml", gateway("a", 80));
    assertThat(json(deleted).get("results").get(0).get("action").asText()).isEqualTo("deleted");
    assertThat(http.get("/api/v1/resources?kind=gw&namespace=shop&name=a").status()).isEqualTo(404);
    assertThat(json(http.get("/api/v1/resources?kind=gw&namespace=shop&name=a")).get("error").asText())
        .isEqualTo("Gateway shop/a not found");
  }

  @Test
  void invalidConfigIs422WithTheDiagnosticsAndChangesNothing() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    Response r = http.post("/api/v1/apply?name=gw.yaml", "application/yaml", gateway("a", 80) + "---\n" + gateway("b", 70000));
    assertThat(r.status()).isEqualTo(422);
    JsonNode d = json(r).get("diagnostics").get(0);
    assertThat(d.get("text").asText()).isEqualTo("gw.yaml:28: Gateway default/b: spec.servers[0].port.number: port must be 1..65535, got 70000");
    assertThat(d.get("line").asInt()).isEqualTo(28);
    assertThat(d.get("path").asText()).isEqualTo("spec.servers[0].port.number");
    assertThat(store.config().size()).isZero();

    Response syntax = http.post("/api/v1/apply?name=bad.yaml", "application/yaml", "a: [1, 2\nb: 3\n");
    assertThat(syntax.status()).isEqualTo(422);
    assertThat(json(syntax).get("diagnostics").get(0).get("text").asText()).isEqualTo("bad.yaml:2: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got :");
  }

  @Test
  void jsonWriteRequestKeepsEachInputsName() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    String body = JSON.writeValueAsString(new ApiTypes.WriteRequest("prod", List.of(
        new ApiTypes.Input("ok.yaml", gateway("a", 80)), new ApiTypes.Input("bad.yaml", gateway("b", 0)))));
    Response r = http.post("/api/v1/apply", "application/json", body);
    assertThat(r.status()).isEqualTo(422);
    assertThat(json(r).get("diagnostics").get(0).get("text").asText()).startsWith("bad.yaml:13: Gateway prod/b: ");

    Response bad = http.post("/api/v1/apply", "application/json", "{\"inputs\": [}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(json(bad).get("error").asText()).startsWith("invalid JSON body: ");
    Response unknown = http.post("/api/v1/apply", "application/json", "{\"input\": []}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(json(unknown).get("error").asText()).contains("\"input\"");
  }

  @Test
  void deleteByKindAndName() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    store.apply("a.yaml", gateway("a", 80));
    Response r = http.post("/api/v1/delete?kind=gw&name=a", "text/plain", "");
    assertThat(json(r).get("results").get(0).get("action").asText()).isEqualTo("deleted");
    assertThat(store.get(new ResourceKey(Kind.GATEWAY, "default", "a"))).isEmpty();
    Response unknownKind = http.post("/api/v1/delete?kind=nope&name=a", "text/plain", "");
    assertThat(unknownKind.status()).isEqualTo(400);
    assertThat(json(unknownKind).get("error").asText()).startsWith("unknown kind \"nope\"; one of: VirtualService, ");
  }

  @Test
  void anOversizeBodyIs413BeforeItIsRead() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    // Only the headers are sent: the server must answer from Content-Length alone.
    String raw = rawRequest("POST /api/v1/apply HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nContent-Length: "
        + (4 * 1024 * 1024 + 1) + "\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 413 ");
    assertThat(raw).contains("\"error\" : \"request body is larger than the 4 MiB limit\"");
  }

  @Test
  void anOversizeChunkedBodyIs413() throws IOException {
    start(new AdminServer.Limits(1024 * 1024, 4));
    String chunk = "#".repeat(64 * 1024);
    StringBuilder req = new StringBuilder("POST /api/v1/apply HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 17; i++) {
      req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    req.append("0\r\n\r\n");
    String raw = rawRequest(req.toString());
    assertThat(raw).startsWith("HTTP/1.1 413 ");
    assertThat(store.revision()).isZero();
  }

  @Test
  void tooManyRequestsInProgressIs503() throws IOException {
    start(new AdminServer.Limits(1024, 0));
    Response r = http.get("/healthz");
    assertThat(r.status()).isEqualTo(503);
    assertThat(json(r).get("error").asText()).startsWith("too many requests in progress");
  }

  @Test
  void unknownPathsAndMethodsAreClearJsonErrors() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    assertThat(http.get("/healthz").body()).contains("\"status\" : \"ok\"");
    Response notFound = http.get("/api/v1/nothing");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(json(notFound).get("error").asText()).isEqualTo("no such endpoint: /api/v1/nothing");
    Response method = http.get("/api/v1/apply");
    assertThat(method.status()).isEqualTo(405);
    assertThat(json(method).get("error").asText()).isEqualTo("method GET not allowed here; use POST");
    Response output = http.get("/api/v1/resources?output=xml");
    assertThat(output.status()).isEqualTo(400);
  }

  @Test
  void workloadsRegisterHeartbeatListAndDeregister() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    String reg = """
        {"name": "reviews-1", "namespace": "shop", "serviceAccount": "reviews", "labels": {"app": "reviews"},
         "address": "10.1.2.3", "ports": [{"name": "http", "number": 9080}, {"name": "grpc-x", "number": 7070, "protocol": "GRPC"}],
         "locality": "eu/eu-1a", "ttlSeconds": 20}
        """;
    Response created = http.post("/api/v1/workloads", "application/json", reg);
    assertThat(created.status()).isEqualTo(201);
    assertThat(json(created).get("hostname").asText()).isEqualTo("reviews.shop.svc.cluster.local");
    assertThat(json(created).get("ttlSeconds").asInt()).isEqualTo(20);
    assertThat(http.put("/api/v1/workloads", reg).status()).isEqualTo(200);

    Response hb = http.put("/api/v1/workloads/shop/reviews-1", "{\"health\": \"draining\"}");
    assertThat(hb.status()).isEqualTo(200);
    assertThat(json(hb).get("health").asText()).isEqualTo("DRAINING");
    assertThat(http.put("/api/v1/workloads/shop/reviews-1", "").status()).isEqualTo(200);

    JsonNode list = json(http.get("/api/v1/workloads")).get("items");
    assertThat(list).hasSize(1);
    JsonNode services = json(http.get("/api/v1/services")).get("items");
    assertThat(services.get(0).get("hostname").asText()).isEqualTo("reviews.shop.svc.cluster.local");
    assertThat(services.get(0).get("ports").toString())
        .isEqualTo("[{\"name\":\"http\",\"number\":9080,\"protocol\":\"HTTP\"},{\"name\":\"grpc-x\",\"number\":7070,\"protocol\":\"GRPC\"}]");
    assertThat(services.get(0).get("endpoints").get(0).get("health").asText()).isEqualTo("DRAINING");

    assertThat(http.delete("/api/v1/workloads/shop/reviews-1").status()).isEqualTo(200);
    Response gone = http.put("/api/v1/workloads/shop/reviews-1", "");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(json(gone).get("error").asText()).contains("register it again");
  }

  @Test
  void aHeartbeatCarryingTheRegistrationRegistersAWorkloadTheRegistryLost() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    String reg = """
        {"address": "10.1.2.3", "labels": {"app": "reviews"}, "ports": [{"name": "http", "number": 9080}], "ttlSeconds": 20}
        """;
    Response created = http.put("/api/v1/workloads/shop/reviews-1", reg);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(json(created).get("hostname").asText()).isEqualTo("reviews.shop.svc.cluster.local");
    assertThat(http.put("/api/v1/workloads/shop/reviews-1", reg).status()).isEqualTo(200);
    assertThat(workloads.registrations()).hasSize(1);

    // The body must not name another workload than the path, nor mix a health-only heartbeat with other fields.
    Response other = http.put("/api/v1/workloads/shop/reviews-2", reg.replace("{\"address\"", "{\"name\": \"x\", \"address\""));
    assertThat(other.status()).isEqualTo(400);
    assertThat(json(other).get("error").asText()).isEqualTo("the body names workload shop/x but the path is shop/reviews-2");
    Response mixed = http.put("/api/v1/workloads/shop/reviews-1", "{\"health\": \"healthy\", \"weight\": 2}");
    assertThat(mixed.status()).isEqualTo(400);
    Response invalid = http.put("/api/v1/workloads/shop/reviews-3", "{\"address\": \"10.1.2.4\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(json(invalid).get("details").toString()).contains("ports: at least one port is required");
  }

  @Test
  void anInvalidWorkloadIs422WithEveryProblem() throws IOException {
    start(AdminServer.Limits.DEFAULT);
    Response r = http.post("/api/v1/workloads", "application/json",
        "{\"name\": \"x\", \"address\": \"\", \"ports\": [{\"name\": \"http\", \"number\": 0, \"protocol\": \"SMTP\"}], \"health\": \"ok\"}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(json(r).get("details").toString()).isEqualTo(
        "[\"ports[0].protocol: unknown protocol \\\"SMTP\\\"\",\"health: \\\"ok\\\" is not one of HEALTHY, UNHEALTHY, DRAINING\"]");
  }

  private String rawRequest(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading all of it: read what it said
      }
      // Read the head, then exactly Content-Length bytes: the server may keep the connection open.
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        head.append((char) c);
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
      int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
  }
}
