package dev.weft.config.analyze.virtualservice;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Names;
import dev.weft.config.model.Hosts;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * IST0109: two VirtualServices bound to the sidecars (mesh gateway) and visible in a common namespace
 * define the same host; which one applies is undefined. After Istio's
 * virtualservice.ConflictingMeshGatewayHostsAnalyzer: each VirtualService is reported at most once.
 */
public final class ConflictingMeshGatewayHostsAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "virtualservice.ConflictingMeshGatewayHostsAnalyzer";
  }

  @Override
  public String description() {
    return "Checks if multiple virtual services associated with the mesh gateway have conflicting hosts";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    // "scope/fqdn" -> the mesh VirtualServices defining that host for that scope
    Map<String, List<Resource<VirtualService>>> byKey = new LinkedHashMap<>();
    for (Resource<VirtualService> r : ctx.all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      VirtualService vs = r.spec();
      if (!vs.appliesToMesh()) {
        continue;
      }
      for (String scope : Names.scopes(vs.exportTo(), r.namespace())) {
        for (String h : vs.hosts()) {
          byKey.computeIfAbsent(scope + "/" + Names.fqdn(r.namespace(), h, ctx.mesh()), k -> new ArrayList<>()).add(r);
        }
      }
    }
    Set<Resource<?>> reported = new HashSet<>();
    for (Map.Entry<String, List<Resource<VirtualService>>> e : byKey.entrySet()) {
      String scope = e.getKey().substring(0, e.getKey().indexOf('/'));
      String host = e.getKey().substring(scope.length() + 1);
      List<Resource<VirtualService>> list = new ArrayList<>(e.getValue());
      if (!scope.equals("*")) {
        // a VirtualService visible everywhere also applies in this namespace
        for (Map.Entry<String, List<Resource<VirtualService>>> all : byKey.entrySet()) {
          if (all.getKey().startsWith("*/") && Hosts.overlap(all.getKey().substring(2), host)) {
            list.addAll(all.getValue());
          }
        }
      }
      if (list.size() < 2) {
        continue;
      }
      String vsNames = list.stream().map(Names::full).collect(Collectors.joining(","));
      for (Resource<VirtualService> r : list) {
        if (reported.add(r)) {
          ctx.report(MessageType.CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS, r, "metadata.name", vsNames, e.getKey());
        }
      }
    }
  }
}
