package dev.weft.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.api.Test;

class ProxyNodeTest {

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    @Test
    void readsIstioSidecarNode() {
        ProxyNode node = ProxyNode.of(Node.newBuilder()
                .setId("sidecar~10.1.2.3~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local")
                .setCluster("reviews.bookinfo")
                .setMetadata(Struct.newBuilder()
                        .putFields("SERVICE_ACCOUNT", string("bookinfo-reviews"))
                        .putFields("INSTANCE_IPS", string("10.1.2.3,fd00::3"))
                        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("app", string("reviews"))
                                .putFields("version", string("v1"))
                                .putFields("replicas", Value.newBuilder().setNumberValue(3).build())).build()))
                .build());
        assertThat(node.type()).isEqualTo(ProxyType.SIDECAR);
        assertThat(node.namespace()).isEqualTo("bookinfo"); // from the id: no NAMESPACE metadata
        assertThat(node.cluster()).isEqualTo("reviews.bookinfo");
        assertThat(node.serviceAccount()).isEqualTo("bookinfo-reviews");
        assertThat(node.labels()).containsOnly(
                java.util.Map.entry("app", "reviews"), java.util.Map.entry("version", "v1"));
        assertThat(node.ipAddresses()).containsExactly("10.1.2.3", "fd00::3");
    }

    @Test
    void routerAndProxylessNodes() {
        ProxyNode gateway = ProxyNode.of(Node.newBuilder()
                .setId("router~10.0.0.5~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local")
                .build());
        assertThat(gateway.type()).isEqualTo(ProxyType.ROUTER);
        assertThat(gateway.namespace()).isEqualTo("istio-system");
        assertThat(gateway.ipAddresses()).containsExactly("10.0.0.5");

        ProxyNode grpc = ProxyNode.of(Node.newBuilder()
                .setId("sidecar~10.0.0.6~client.default~default.svc.cluster.local")
                .setMetadata(Struct.newBuilder().putFields("GENERATOR", string("grpc"))
                        .putFields("NAMESPACE", string("other")))
                .build());
        assertThat(grpc.type()).isEqualTo(ProxyType.PROXYLESS_GRPC);
        assertThat(grpc.namespace()).isEqualTo("other"); // metadata wins over the id

        ProxyNode plain = ProxyNode.of(Node.newBuilder().setId("my-proxy").build());
        assertThat(plain.type()).isEqualTo(ProxyType.SIDECAR);
        assertThat(plain.namespace()).isEmpty();
        assertThat(plain.ipAddresses()).isEmpty();
    }
}
