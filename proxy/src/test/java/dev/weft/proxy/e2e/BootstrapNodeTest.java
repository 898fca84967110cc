package dev.weft.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ProxyType;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.BootstrapReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, "bootstrap from a file: node id and metadata (namespace, labels, service account, proxy
 * type)": a bootstrap file as Istio writes it, read by the proxy, reaches a real control plane over
 * ADS, which reads from it what selects the proxy's configuration.
 */
class BootstrapNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theBootstrapFilesNodeReachesTheControlPlaneAsIstioMeansIt() throws Exception {
        try (XdsServer server = new XdsServer(new MutableSource(), XdsServerOptions.defaults()
                .withAddress("127.0.0.1", 0).withDebounce(Duration.ZERO, Duration.ZERO)).start()) {
            var bootstrap = BootstrapReader.parse("bootstrap.yaml", """
                    node:
                      id: router~127.0.0.1~ingress-7.edge~edge.svc.cluster.local
                      cluster: ingress.edge
                      metadata:
                        NAMESPACE: edge
                        SERVICE_ACCOUNT: ingress-sa
                        LABELS: {app: ingress, version: v2}
                        INTERCEPTION_MODE: NONE
                    xds:
                      address: 127.0.0.1:%d
                      reconnect: {initial: 100ms, max: 500ms}
                    admin:
                      address: 127.0.0.1:0
                    """.formatted(server.port()));
            try (Proxy proxy = Proxy.start(bootstrap, 1, Duration.ofSeconds(1))) {
                Await.until("the proxy connected", WAIT, () -> !server.connectedProxies().isEmpty());
                ProxyNode node = server.connectedProxies().getFirst();
                assertThat(node.id()).isEqualTo("router~127.0.0.1~ingress-7.edge~edge.svc.cluster.local");
                assertThat(node.cluster()).isEqualTo("ingress.edge");
                assertThat(node.type()).isEqualTo(ProxyType.ROUTER);
                assertThat(node.namespace()).isEqualTo("edge");
                assertThat(node.serviceAccount()).isEqualTo("ingress-sa");
                assertThat(node.labels()).isEqualTo(Map.of("app", "ingress", "version", "v2"));
                assertThat(node.ipAddresses()).containsExactly("127.0.0.1");
                assertThat(node.node().getMetadata().getFieldsOrThrow("INTERCEPTION_MODE").getStringValue())
                        .isEqualTo("NONE");
            }
        }
    }
}
