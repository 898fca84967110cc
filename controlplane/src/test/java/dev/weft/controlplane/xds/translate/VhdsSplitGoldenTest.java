package dev.weft.controlplane.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import dev.weft.config.model.ConfigSet;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.envoy.EnvoyJson;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The VHDS form of the productpage sidecar's routes for Bookinfo with virtual-service-reviews-test-v2
 * (golden file {@code golden/vhds/sidecar.json}; {@code -Dweft.golden.update=true} rewrites it), and
 * that merging the virtual hosts back gives the translator's route configurations, virtual host
 * names aside.
 */
class VhdsSplitGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void bookinfoSidecarRoutesSplitIntoVhds() throws Exception {
    ConfigSet config = Mesh.load(List.of(GoldenTest.BOOKINFO.resolve("platform/kube/bookinfo.yaml"),
        GoldenTest.BOOKINFO.resolve("networking/virtual-service-reviews-test-v2.yaml"),
        GoldenTest.BOOKINFO.resolve("networking/destination-rule-all.yaml")), Map.of());
    Map<String, Any> routes = new IstioTranslator().translate(Mesh.snapshot(config), GoldenTest.PRODUCTPAGE)
        .of(ResourceType.ROUTE);
    VhdsSplit.Split split = VhdsSplit.split(routes, 1);

    String actual = json(split);
    Path file = GoldenTest.GOLDEN.resolve("vhds/sidecar.json");
    if (GoldenTest.UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
    } else {
      assertThat(actual).as("VHDS split differs from %s", file).isEqualTo(Files.readString(file));
    }

    // Pure and lossless: merged back, each route configuration is the translator's, with the
    // virtual hosts renamed <route configuration>/<first domain> and the vhds source added.
    Map<String, Any> merged = VhdsSplit.merge(split.routes(), split.virtualHosts());
    assertThat(merged.keySet()).isEqualTo(routes.keySet());
    for (String name : routes.keySet()) {
      RouteConfiguration original = routes.get(name).unpack(RouteConfiguration.class);
      RouteConfiguration back = merged.get(name).unpack(RouteConfiguration.class);
      RouteConfiguration.Builder expected = original.toBuilder().setVhds(back.getVhds());
      expected.getVirtualHostsBuilderList().forEach(vh -> vh.setName(name + "/" + vh.getDomains(0)));
      var renamed = expected.build().getVirtualHostsList().stream()
          .sorted(java.util.Comparator.comparing(io.envoyproxy.envoy.config.route.v3.VirtualHost::getName)).toList();
      expected.clearVirtualHosts().addAllVirtualHosts(renamed);
      assertThat(back).isEqualTo(expected.build());
    }
    // A threshold above every route configuration leaves them as they are.
    assertThat(VhdsSplit.split(routes, 10_000).routes()).isEqualTo(routes);
    assertThat(VhdsSplit.split(routes, 10_000).virtualHosts()).isEmpty();
  }

  private static String json(VhdsSplit.Split split) throws Exception {
    JsonFormat.Printer printer = JsonFormat.printer().usingTypeRegistry(EnvoyJson.typeRegistry());
    ObjectNode root = JSON.createObjectNode();
    for (var part : List.of(Map.entry("vhdsRouteConfigurations", split.routes()), Map.entry("virtualHosts", split.virtualHosts()))) {
      ArrayNode list = root.putArray(part.getKey());
      for (Map.Entry<String, Any> e : new java.util.TreeMap<>(part.getValue()).entrySet()) {
        ObjectNode entry = list.addObject();
        entry.put("name", e.getKey());
        entry.set("resource", JSON.readTree(printer.print(e.getValue())));
      }
    }
    return JSON.writeValueAsString(root) + "\n";
  }
}
