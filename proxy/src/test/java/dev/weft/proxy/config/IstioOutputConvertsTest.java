package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every route configuration and cluster the control plane wrote for Istio's Bookinfo samples (its
 * reviewed golden files) converts in the proxy: retries, header operations, rewrites, redirects,
 * mirrors, hash policies, CORS and outlier detection as Istio emits them are taken, not NACKed.
 * Only parts other work covers (upstream TLS) may still be refused, and are listed.
 */
class IstioOutputConvertsTest {

    private static final Path GOLDEN = Path.of("..", "controlplane", "src", "test", "resources", "golden");
    private static final JsonFormat.Parser PARSER = JsonFormat.parser()
            .usingTypeRegistry(dev.weft.envoy.EnvoyJson.typeRegistry());

    @Test
    void goldenRoutesAndClustersOfEverySampleConvert() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(GOLDEN), "control plane golden files not found at " + GOLDEN);
        ObjectMapper json = new ObjectMapper();
        List<String> refused = new ArrayList<>();
        int routes = 0;
        int clusters = 0;
        try (Stream<Path> files = Files.walk(GOLDEN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = json.readTree(file.toFile());
                for (JsonNode node : root.path("routes")) {
                    RouteConfiguration route = parse(node, RouteConfiguration.newBuilder());
                    routes++;
                    try {
                        RouteConverter.convert(route);
                    } catch (ConversionException e) {
                        refused.add(GOLDEN.relativize(file) + " route " + route.getName() + ": " + e.getMessage());
                    }
                }
                for (JsonNode node : root.path("clusters")) {
                    Cluster cluster = parse(node, Cluster.newBuilder());
                    clusters++;
                    try {
                        ClusterConverter.convert(cluster);
                    } catch (ConversionException e) {
                        if (!e.getMessage().contains("upstream TLS")) {
                            refused.add(GOLDEN.relativize(file) + " cluster " + cluster.getName() + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        assertThat(routes).isGreaterThan(20);
        assertThat(clusters).isGreaterThan(100);
        assertThat(refused).isEmpty();
    }

    /**
     * The VHDS form of the productpage sidecar's routes (golden/vhds/sidecar.json: route
     * configurations without virtual hosts, each virtual host its own resource) joins into the same
     * table as the whole route configuration: every Host the original routes, the joined one routes
     * to the same clusters.
     */
    @Test
    void goldenVhdsSplitJoinsIntoTheSameRoutes() throws Exception {
        Path file = GOLDEN.resolve("vhds/sidecar.json");
        Assumptions.assumeTrue(Files.exists(file), "VHDS golden file not found at " + file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<io.envoyproxy.envoy.config.route.v3.VirtualHost> hosts = new ArrayList<>();
        for (JsonNode node : root.path("virtualHosts")) {
            hosts.add(parse(node.path("resource"), io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder()));
        }
        int joined = 0;
        for (JsonNode node : root.path("vhdsRouteConfigurations")) {
            RouteConfiguration config = parse(node.path("resource"), RouteConfiguration.newBuilder());
            assertThat(config.hasVhds()).isTrue();
            List<io.envoyproxy.envoy.config.route.v3.VirtualHost> own = hosts.stream()
                    .filter(h -> h.getName().startsWith(config.getName() + "/")).toList();
            List<dev.weft.proxy.route.VirtualHost> converted = new ArrayList<>();
            for (var vh : own) {
                converted.add(RouteConverter.vhdsVirtualHost(vh));
            }
            var table = RouteConverter.convert(config, converted);
            var whole = RouteConverter.convert(config.toBuilder().clearVhds().addAllVirtualHosts(own).build());
            assertThat(table.vhds()).isTrue();
            assertThat(table.virtualHosts()).isEqualTo(whole.virtualHosts());
            for (var vh : own) {
                for (String domain : vh.getDomainsList()) {
                    String host = domain.replace("*", "x");
                    assertThat(table.virtualHost(host).map(dev.weft.proxy.route.VirtualHost::name))
                            .isEqualTo(whole.virtualHost(host).map(dev.weft.proxy.route.VirtualHost::name));
                }
            }
            joined += own.size();
        }
        assertThat(joined).isEqualTo(hosts.size()).isGreaterThan(3);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(JsonNode node, Message.Builder builder) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) node)
                .deepCopy();
        copy.remove("@type");
        PARSER.merge(copy.toString(), builder);
        return (T) builder.build();
    }
}
