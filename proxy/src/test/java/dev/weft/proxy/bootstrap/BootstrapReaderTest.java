package dev.weft.proxy.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootstrapReaderTest {

    @Test
    void readsIstioStyleNodeAndAddresses() throws BootstrapException {
        Bootstrap bootstrap = BootstrapReader.parse("b.yaml", """
                node:
                  id: router~10.0.0.5~ingress-1.istio-system~istio-system.svc.cluster.local
                  cluster: istio-ingressgateway.istio-system
                  metadata:
                    NAMESPACE: istio-system
                    SERVICE_ACCOUNT: ingress
                    LABELS: {app: ingress, version: "1"}
                xds:
                  address: 127.0.0.1:15012
                  reconnect: {initial: 250ms, max: 10s}
                admin:
                  address: 127.0.0.1:0
                """);
        assertThat(bootstrap.proxyType()).isEqualTo(ProxyType.ROUTER);
        assertThat(bootstrap.xdsPort()).isEqualTo(15012);
        assertThat(bootstrap.adminPort()).isZero();
        assertThat(bootstrap.labels()).isEqualTo(Map.of("app", "ingress", "version", "1"));
        assertThat(bootstrap.reconnectInitial()).isEqualTo(Duration.ofMillis(250));
        var node = bootstrap.node();
        assertThat(node.getCluster()).isEqualTo("istio-ingressgateway.istio-system");
        assertThat(node.getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue()).isEqualTo("istio-system");
        assertThat(node.getMetadata().getFieldsOrThrow("LABELS").getStructValue().getFieldsOrThrow("app")
                .getStringValue()).isEqualTo("ingress");
    }

    @Test
    void otherMetadataIsSentAsIs() throws BootstrapException {
        Bootstrap bootstrap = BootstrapReader.parse("b.yaml", """
                node:
                  id: sidecar~127.0.10.2~productpage-v1.default~default.svc.cluster.local
                  metadata: {NAMESPACE: default, INTERCEPTION_MODE: NONE, HTTP_PROXY_PORT: 15080}
                """);
        assertThat(bootstrap.metadata()).containsOnly(
                java.util.Map.entry("INTERCEPTION_MODE", "NONE"), java.util.Map.entry("HTTP_PROXY_PORT", "15080"));
        var fields = bootstrap.node().getMetadata().getFieldsMap();
        assertThat(fields.get("INTERCEPTION_MODE").getStringValue()).isEqualTo("NONE");
        assertThat(fields.get("HTTP_PROXY_PORT").getStringValue()).isEqualTo("15080");
        assertThat(fields.get("NAMESPACE").getStringValue()).isEqualTo("default");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x, metadata: {X: {a: b}}}"))
                .hasMessage("b.yaml: node.metadata.X: expected a string");
    }

    @Test
    void defaultsAndJson() throws BootstrapException {
        Bootstrap bootstrap = BootstrapReader.parse("b.json", "{\"node\": {\"id\": \"p1\"}}");
        assertThat(bootstrap.proxyType()).isEqualTo(ProxyType.SIDECAR);
        assertThat(bootstrap.xdsHost()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.xdsPort()).isEqualTo(15010);
        assertThat(bootstrap.adminHost()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.adminPort()).isEqualTo(15000);
        assertThat(bootstrap.xdsApi()).isEqualTo(XdsApi.GRPC);
    }

    @Test
    void deltaAdsByEnvoysApiTypeName() throws BootstrapException {
        assertThat(BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {api_type: DELTA_GRPC}").xdsApi())
                .isEqualTo(XdsApi.DELTA_GRPC);
        assertThat(BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {api_type: GRPC}").xdsApi())
                .isEqualTo(XdsApi.GRPC);
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {api_type: REST}"))
                .hasMessage("b.yaml: xds.api_type: must be GRPC or DELTA_GRPC, not 'REST'");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {}"))
                .hasMessage("b.yaml: node.id: required");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {adress: a}"))
                .hasMessage("b.yaml: xds.adress: unknown field");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x}\nadmn: {}"))
                .isInstanceOf(BootstrapException.class).hasMessage("b.yaml: admn: unknown field");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x, metadata: {LABELS: [a]}}"))
                .hasMessage("b.yaml: node.metadata.LABELS: expected a mapping");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {address: 'h:99999'}"))
                .hasMessage("b.yaml: xds.address: port must be 0-65535, not '99999'");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x, type: gateway}"))
                .hasMessage("b.yaml: node.type: must be sidecar or router, not 'gateway'");
        assertThatThrownBy(() -> BootstrapReader.parse("b.yaml", "node: {id: x}\nxds: {reconnect: {max: soon}}"))
                .hasMessage("b.yaml: xds.reconnect.max: not a duration like 500ms or 2s: 'soon'");
    }
}
