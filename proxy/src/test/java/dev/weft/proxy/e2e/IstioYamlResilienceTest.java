package dev.weft.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.ControlPlane;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.bootstrap.ProxyType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Retries, outlier detection, header operations and redirects written as Istio YAML (Gateway,
 * VirtualService, DestinationRule, ServiceEntry), translated by the real control plane and served
 * to a gateway proxy: what a user writes is what the proxy does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IstioYamlResilienceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ScriptedBackend flaky = new ScriptedBackend("flaky", n -> n % 3 == 0 ? 200 : 503);
    private final ScriptedBackend good = ScriptedBackend.always("good", 200);
    private final ScriptedBackend bad = ScriptedBackend.always("bad", 500);
    private Path dataDir;
    private ControlPlane controlPlane;
    private Proxy proxy;
    private int gatewayPort;

    @BeforeAll
    void start() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gatewayPort = socket.getLocalPort();
        }
        dataDir = Files.createTempDirectory("weft-istio-yaml");
        controlPlane = ControlPlane.start(ControlPlane.Options.defaults(dataDir).withEphemeralPorts());
        var written = controlPlane.store().apply(List.of(new dev.weft.controlplane.store.ConfigInput("mesh.yaml",
                yaml())), "test");
        assertThat(written.accepted()).as(written.diagnostics().toString()).isTrue();
        Bootstrap bootstrap = new Bootstrap("router~127.0.0.1~gw.test~test.svc.cluster.local", "gw.test",
                ProxyType.ROUTER, "test", "", Map.of("app", "gw"), "127.0.0.1", controlPlane.xdsPort(), "127.0.0.1",
                0, Duration.ofMillis(100), Duration.ofMillis(500));
        proxy = Proxy.start(bootstrap, 2, Duration.ofSeconds(1));
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
        Await.until("gateway listener", WAIT, () -> proxy.listenerAddress(listenerName()).isPresent()
                || !Admin.get(proxy.adminPort(), "/listeners").body().isEmpty());
    }

    private String listenerName() {
        return "0.0.0.0_" + gatewayPort;
    }

    @AfterAll
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        for (ScriptedBackend backend : List.of(flaky, good, bad)) {
            backend.close();
        }
    }

    private String yaml() {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: flaky, namespace: test}
                spec:
                  hosts: [flaky.test.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 80, name: http, protocol: HTTP, targetPort: %1$d}]
                  endpoints: [{address: 127.0.0.1}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: pool, namespace: test}
                spec:
                  hosts: [pool.test.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  endpoints:
                  - {address: 127.0.0.1, ports: {http: %2$d}}
                  - {address: 127.0.0.1, ports: {http: %3$d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: pool, namespace: test}
                spec:
                  host: pool.test.internal
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                    outlierDetection:
                      consecutive5xxErrors: 2
                      interval: 1s
                      baseEjectionTime: 60s
                      maxEjectionPercent: 50
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: test}
                spec:
                  selector: {app: gw}
                  servers:
                  - port: {number: %4$d, name: http, protocol: HTTP}
                    bind: 127.0.0.1
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: flaky, namespace: test}
                spec:
                  hosts: [flaky.example.com]
                  gateways: [gw]
                  http:
                  - retries: {attempts: 3, retryOn: "5xx", perTryTimeout: 5s}
                    headers:
                      request:
                        set: {x-team: blue}
                        remove: [x-secret]
                      response:
                        add: {x-served-by: weft}
                    route:
                    - destination: {host: flaky.test.internal, port: {number: 80}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: pool, namespace: test}
                spec:
                  hosts: [pool.example.com]
                  gateways: [gw]
                  http:
                  - match: [{uri: {prefix: /old}}]
                    redirect: {uri: /new, authority: moved.example.com, redirectCode: 308}
                  - route:
                    - destination: {host: pool.test.internal, port: {number: 80}}
                """.formatted(flaky.port(), good.port(), bad.port(), gatewayPort);
    }

    private Http1Client client() throws IOException {
        return new Http1Client(new InetSocketAddress("127.0.0.1", gatewayPort));
    }

    @Test
    void aVirtualServiceRetryPolicyRetriesAndItsHeaderOperationsApply() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("flaky.example.com", "/r", "x-secret: s");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-served-by")).isEqualTo("weft");
        }
        // 503, 503, 200: two retries.
        assertThat(flaky.seen).hasSize(3);
        assertThat(flaky.seen.getLast().header("x-team")).isEqualTo("blue");
        assertThat(flaky.seen.getLast().header("x-secret")).isNull();
    }

    @Test
    void aDestinationRuleOutlierDetectionEjectsTheFailingEndpoint() throws IOException {
        try (Http1Client client = client()) {
            for (int i = 0; i < 4; i++) {
                client.get("pool.example.com", "/");
            }
            Await.until("bad endpoint ejected", WAIT, () -> Admin.get(proxy.adminPort(), "/clusters").body()
                    .contains("127.0.0.1:" + bad.port() + "::health_flags::/failed_outlier_check"));
            int badBefore = bad.requests();
            for (int i = 0; i < 10; i++) {
                Http1Client.Response response = client.get("pool.example.com", "/");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("good");
            }
            assertThat(bad.requests()).isEqualTo(badBefore);
        }
    }

    @Test
    void aVirtualServiceRedirectIsAnsweredByTheProxy() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("pool.example.com", "/old?x=1");
            assertThat(response.status()).isEqualTo(308);
            assertThat(response.header("location")).isEqualTo("http://moved.example.com/new?x=1");
        }
    }
}
