package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.weft.config.testing.Corpus;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Bookinfo's services plus the given YAML, translated for a proxy; typed access to the result. */
record Translated(ProxyResources resources) {

  static final Path BOOKINFO = Corpus.samples().resolve("bookinfo/platform/kube/bookinfo.yaml");
  static final ProxyNode PRODUCTPAGE = Mesh.sidecar("productpage-v1-1", "default", Map.of("app", "productpage", "version", "v1"));
  static final ProxyNode INGRESS = Mesh.router("ingress-1", "istio-system", Map.of("istio", "ingressgateway"));
  static final ProxyNode GRPC = Mesh.proxyless("client-1", "default", Map.of("app", "client"));

  static Translated of(ProxyNode proxy, String yaml) {
    MeshSnapshot snapshot = Mesh.snapshot(Mesh.load(List.of(BOOKINFO), yaml.isEmpty() ? Map.of() : Map.of("test.yaml", yaml)));
    return new Translated(new IstioTranslator().translate(snapshot, proxy));
  }

  Cluster cluster(String name) {
    return unpack(ResourceType.CLUSTER, name, Cluster.class);
  }

  ClusterLoadAssignment endpoints(String name) {
    return unpack(ResourceType.ENDPOINT, name, ClusterLoadAssignment.class);
  }

  Listener listener(String name) {
    return unpack(ResourceType.LISTENER, name, Listener.class);
  }

  RouteConfiguration routes(String name) {
    return unpack(ResourceType.ROUTE, name, RouteConfiguration.class);
  }

  VirtualHost vhost(String routeConfig, String name) {
    return routes(routeConfig).getVirtualHostsList().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no virtual host " + name + " in " + routes(routeConfig).getVirtualHostsList()
            .stream().map(VirtualHost::getName).toList()));
  }

  /** The routes of a service's virtual host in a sidecar's route configuration {@code 9080}. */
  List<Route> sidecarRoutes(String service) {
    return vhost("9080", service + ".default.svc.cluster.local:9080").getRoutesList();
  }

  java.util.Set<String> names(ResourceType type) {
    return resources.of(type).keySet();
  }

  private <M extends Message> M unpack(ResourceType type, String name, Class<M> cls) {
    Any any = resources.of(type).get(name);
    if (any == null) {
      throw new AssertionError("no " + type + " " + name + "; have " + new java.util.TreeSet<>(resources.of(type).keySet()));
    }
    try {
      return any.unpack(cls);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static <M extends Message> M unpack(Any any, Class<M> cls) {
    try {
      return any.unpack(cls);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
