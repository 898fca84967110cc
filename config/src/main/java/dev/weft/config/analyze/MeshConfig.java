package dev.weft.config.analyze;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.read.MapReader;
import dev.weft.config.read.ReadContext;
import dev.weft.config.yaml.YamlDocument;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlReader;
import dev.weft.config.yaml.YamlSyntaxException;
import java.util.List;
import java.util.Map;

/**
 * The mesh-wide settings analysis depends on: the part of Istio's MeshConfig it reads, with
 * Istio's defaults ({@code mesh.DefaultMeshConfig()}), plus the Istio install namespace.
 *
 * @param rootNamespace where mesh-wide policies live (AuthorizationPolicy, RequestAuthentication)
 * @param istioNamespace where Istio's own workloads run (the default ingress gateway)
 * @param ingressService name of the default ingress gateway Service and prefix of its Pod
 * @param ingressControllerOff {@code ingressControllerMode: OFF}: no default ingress gateway resources
 * @param proxyMetadata {@code defaultConfig.proxyMetadata} (DNS capture and auto-allocation switches)
 * @param domainSuffix the cluster DNS domain: services are {@code name.ns.svc.<domainSuffix>}
 */
public record MeshConfig(String rootNamespace, String istioNamespace, String ingressService, boolean ingressControllerOff,
    Map<String, String> proxyMetadata, String domainSuffix) {

  public MeshConfig {
    proxyMetadata = Map.copyOf(proxyMetadata);
  }

  public static MeshConfig defaults() {
    return new MeshConfig("istio-system", "istio-system", "istio-ingressgateway", false, Map.of(), "cluster.local");
  }

  /**
   * Reads a mesh config file (the {@code mesh} key of the istio ConfigMap, as istioctl's
   * {@code --meshConfigFile} takes it) over the defaults. Fields analysis does not use are accepted
   * and ignored; problems go to {@code diags} and leave the defaults in place.
   */
  public static MeshConfig parse(String file, String text, Diagnostics diags) {
    MeshConfig d = defaults();
    List<YamlDocument> docs;
    try {
      docs = new YamlReader().read(text);
    } catch (YamlSyntaxException e) {
      diags.add(new Diagnostic(Level.ERROR, file, e.line(), "", "", e.getMessage()));
      return d;
    }
    YamlNode root = docs.isEmpty() ? null : docs.getFirst().root();
    if (root == null) {
      return d;
    }
    if (!(root instanceof YamlNode.Mapping m)) {
      diags.add(new Diagnostic(Level.ERROR, file, root.line(), "", "", "mesh config must be an object, got a " + root.typeName()));
      return d;
    }
    MapReader r = new MapReader(new ReadContext(file, root.line(), diags), "", m).lenient();
    String rootNs = r.string("rootNamespace", d.rootNamespace());
    String ingressService = r.string("ingressService", d.ingressService());
    String mode = r.string("ingressControllerMode", "STRICT");
    Map<String, String> metadata = r.object("defaultConfig", dc -> {
      dc.lenient();
      return dc.stringMap("proxyMetadata");
    });
    return new MeshConfig(rootNs.isEmpty() ? d.rootNamespace() : rootNs, d.istioNamespace(),
        ingressService.isEmpty() ? d.ingressService() : ingressService, mode.equalsIgnoreCase("OFF"),
        metadata == null ? Map.of() : metadata, d.domainSuffix());
  }
}
