package dev.weft.controlplane.xds.translate;

import dev.weft.envoy.EnvoyJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.weft.config.kube.Deployment;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Health;
import dev.weft.controlplane.registry.Locality;
import dev.weft.controlplane.registry.MeshLocation;
import dev.weft.controlplane.registry.Resolution;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test fixtures: a mesh built from YAML (Istio kinds as config; Kubernetes Services and
 * Deployments as the registry, one endpoint per Deployment at 127.0.0.1 on its own port; DNS
 * ServiceEntries as services), proxies as Envoy and gRPC describe themselves, and resources as JSON.
 */
final class Mesh {
  private Mesh() {}

  /** The first endpoint port; each Deployment (by namespace/name) gets the next one. */
  static final int FIRST_PORT = 10001;

  static ConfigSet load(List<Path> files, Map<String, String> texts) {
    ConfigLoader loader = new ConfigLoader();
    files.forEach(loader::addPath);
    texts.forEach(loader::addText);
    if (loader.diagnostics().hasErrors()) {
      throw new IllegalArgumentException("config has errors: " + loader.diagnostics().list());
    }
    return ConfigSet.of(loader.resources());
  }

  static MeshSnapshot snapshot(ConfigSet config) {
    List<Service> services = new ArrayList<>();
    Map<String, List<Endpoint>> endpoints = new TreeMap<>();
    List<Resource<Deployment>> deployments = config.all(Kind.DEPLOYMENT, Deployment.class);
    for (Resource<dev.weft.config.kube.Service> r : config.all(Kind.SERVICE, dev.weft.config.kube.Service.class)) {
      dev.weft.config.kube.Service ks = r.spec();
      String host = r.name() + "." + r.namespace() + ".svc.cluster.local";
      List<ServicePort> ports = new ArrayList<>();
      for (dev.weft.config.kube.Service.Port p : ks.ports()) {
        Protocol proto = p.appProtocol() != null ? Protocol.parse(p.appProtocol()) : Protocol.fromPortName(p.name());
        ports.add(new ServicePort(p.name() == null ? "" : p.name(), p.port(), proto == Protocol.UNSUPPORTED ? Protocol.TCP : proto));
      }
      services.add(new Service(host, r.namespace(), ports, r.meta().labels(), ks.selector(), Resolution.STATIC,
          MeshLocation.MESH_INTERNAL, List.of(), "test"));
      List<Endpoint> eps = new ArrayList<>();
      for (int i = 0; i < deployments.size(); i++) {
        Resource<Deployment> d = deployments.get(i);
        Map<String, String> labels = d.spec().template().labels();
        if (!d.namespace().equals(r.namespace()) || ks.selector().isEmpty()
            || !labels.entrySet().containsAll(ks.selector().entrySet())) {
          continue;
        }
        Map<String, Integer> portMap = new LinkedHashMap<>();
        for (ServicePort p : ports) {
          portMap.put(p.name(), FIRST_PORT + i);
        }
        String sa = d.spec().template().spec() == null ? null : d.spec().template().spec().serviceAccountName();
        eps.add(new Endpoint(host, "127.0.0.1", portMap, labels, sa == null ? "default" : sa, Health.HEALTHY,
            Locality.UNKNOWN, 1, d.namespace() + "/" + d.name()));
      }
      endpoints.put(host, eps);
    }
    for (Resource<ServiceEntry> r : config.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      ServiceEntry se = r.spec();
      List<ServicePort> ports = new ArrayList<>();
      Map<String, Integer> portMap = new LinkedHashMap<>();
      for (ServiceEntry.Port p : se.ports()) {
        ports.add(new ServicePort(p.name(), p.number(), p.protocol() != null ? Protocol.parse(p.protocol()) : Protocol.fromPortName(p.name())));
        portMap.put(p.name(), p.number());
      }
      Resolution resolution = se.resolution() == null ? Resolution.NONE : Resolution.valueOf(se.resolution().name());
      for (String host : se.hosts()) {
        services.add(new Service(host, r.namespace(), ports, Map.of(), Map.of(), resolution, MeshLocation.MESH_EXTERNAL,
            se.addresses(), "test"));
        if (resolution == Resolution.DNS || resolution == Resolution.DNS_ROUND_ROBIN) {
          endpoints.put(host, List.of(new Endpoint(host, host, portMap, Map.of(), "", Health.HEALTHY, Locality.UNKNOWN, 1,
              r.namespace() + "/" + r.name())));
        }
      }
    }
    return new MeshSnapshot(1, config, services, endpoints, MeshSettings.DEFAULT);
  }

  static ProxyNode sidecar(String pod, String namespace, Map<String, String> labels) {
    return ProxyNode.of(Node.newBuilder()
        .setId("sidecar~127.0.0.1~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(metadata(namespace, labels, null))
        .build());
  }

  /** A sidecar at its own address with extra (string) node metadata, e.g. Istio's INTERCEPTION_MODE. */
  static ProxyNode sidecar(String pod, String namespace, Map<String, String> labels, String ip, Map<String, String> extra) {
    Struct.Builder m = metadata(namespace, labels, null).toBuilder();
    new TreeMap<>(extra).forEach((k, v) -> m.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return ProxyNode.of(Node.newBuilder()
        .setId("sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(m)
        .build());
  }

  static ProxyNode router(String pod, String namespace, Map<String, String> labels) {
    return ProxyNode.of(Node.newBuilder()
        .setId("router~127.0.0.1~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(metadata(namespace, labels, null))
        .build());
  }

  static ProxyNode proxyless(String pod, String namespace, Map<String, String> labels) {
    return ProxyNode.of(Node.newBuilder()
        .setId("sidecar~127.0.0.1~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(metadata(namespace, labels, "grpc"))
        .build());
  }

  private static Struct metadata(String namespace, Map<String, String> labels, String generator) {
    Struct.Builder l = Struct.newBuilder();
    labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Struct.Builder m = Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
        .putFields("LABELS", Value.newBuilder().setStructValue(l).build());
    if (generator != null) {
      m.putFields("GENERATOR", Value.newBuilder().setStringValue(generator).build());
    }
    return m.build();
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** listeners, routes, clusters and endpoints, each sorted by name, as one pretty-printed JSON document. */
  static String json(ProxyResources resources) {
    JsonFormat.Printer printer = JsonFormat.printer().usingTypeRegistry(EnvoyJson.typeRegistry());
    ObjectNode root = JSON.createObjectNode();
    for (ResourceType type : List.of(ResourceType.LISTENER, ResourceType.ROUTE, ResourceType.CLUSTER, ResourceType.ENDPOINT)) {
      ArrayNode list = root.putArray(switch (type) {
        case LISTENER -> "listeners";
        case ROUTE -> "routes";
        case CLUSTER -> "clusters";
        default -> "endpoints";
      });
      for (Map.Entry<String, Any> e : new TreeMap<>(resources.of(type)).entrySet()) {
        try {
          list.add(JSON.readTree(printer.print(e.getValue())));
        } catch (Exception ex) {
          throw new IllegalStateException("cannot print " + e.getKey() + ": " + ex.getMessage(), ex);
        }
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
