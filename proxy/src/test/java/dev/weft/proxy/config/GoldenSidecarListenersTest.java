package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.listener.FilterChainSelector;
import dev.weft.proxy.network.ConnectionInfo;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The listeners the control plane really emits (its reviewed golden output for every Bookinfo
 * sample) convert, and the sidecar's capture listeners come out as Istio means them.
 */
class GoldenSidecarListenersTest {

    private static final Path GOLDEN = Path.of("..", "controlplane", "src", "test", "resources", "golden");
    private static final JsonFormat.Parser PARSER = JsonFormat.parser()
            .usingTypeRegistry(dev.weft.envoy.EnvoyJson.typeRegistry());

    private static List<Listener> listeners(Path file) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(GOLDEN),
                "control plane golden files not found at " + GOLDEN);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Listener> result = new java.util.ArrayList<>();
        for (JsonNode node : root.path("listeners")) {
            Listener.Builder builder = Listener.newBuilder();
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("@type");
            PARSER.merge(node.toString(), builder);
            result.add(builder.build());
        }
        return result;
    }

    @Test
    void everyGoldenListenerConverts() throws Exception {
        int converted = 0;
        try (Stream<Path> files = Files.walk(GOLDEN)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
                for (Listener listener : listeners(file)) {
                    try {
                        ListenerConverter.convert(listener);
                        converted++;
                    } catch (ConversionException e) {
                        throw new AssertionError(file + " " + listener.getName() + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        assertThat(converted).isGreaterThan(50);
    }

    @Test
    void sidecarCaptureListenersAsIstioMeansThem() throws Exception {
        Map<String, ListenerConfig> byName = new HashMap<>();
        for (Listener listener : listeners(GOLDEN.resolve("bookinfo-gateway/sidecar.json"))) {
            byName.put(listener.getName(), ListenerConverter.convert(listener));
        }
        ListenerConfig outbound = byName.get("virtualOutbound");
        assertThat(outbound.port()).isEqualTo(15001);
        assertThat(outbound.useOriginalDst()).isTrue();
        assertThat(outbound.defaultChain().orElseThrow().filter()).isInstanceOf(TcpProxyConfig.class);
        assertThat(chainFor(outbound, 15001)).isEqualTo("virtualOutbound-blackhole");
        assertThat(chainFor(outbound, 443)).isEqualTo("PassthroughFilterChain");

        ListenerConfig perPort = byName.get("0.0.0.0_9080");
        assertThat(perPort.bindToPort()).isFalse();
        assertThat(perPort.http().orElseThrow().websocket()).isTrue();
        assertThat(perPort.rdsNames()).containsExactly("9080");

        ListenerConfig inbound = byName.get("virtualInbound");
        assertThat(inbound.port()).isEqualTo(15006);
        assertThat(inbound.listenerFilters().originalDst()).isTrue();
        assertThat(chainFor(inbound, 10002)).isEqualTo("0.0.0.0_10002");
        assertThat(chainFor(inbound, 15006)).isEqualTo("virtualInbound-blackhole");
        assertThat(chainFor(inbound, 3306)).isEqualTo("InboundPassthroughCluster");
        assertThat(inbound.tcpClusters()).containsExactlyInAnyOrder("BlackHoleCluster", "InboundPassthroughCluster");
    }

    private static String chainFor(ListenerConfig listener, int port) {
        ConnectionInfo connection = ConnectionInfo.of(new InetSocketAddress("10.1.0.7", 40000),
                new InetSocketAddress("10.1.0.9", port), true);
        int index = FilterChainSelector.select(listener.filterChains(), connection);
        FilterChainConfig chain = index >= 0 ? listener.filterChains().get(index) : listener.defaultChain().orElseThrow();
        return chain.name();
    }
}
