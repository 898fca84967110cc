package dev.weft.config.analyze.virtualservice;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.ServiceRegistry;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.virtualservice.VirtualService;
import java.util.HashSet;
import java.util.Set;

/**
 * IST0101 (host+subset): a route or mirror that names a subset needs a DestinationRule for that host
 * defining it. After Istio's virtualservice.DestinationRuleAnalyzer.
 */
public final class DestinationRuleAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "virtualservice.DestinationRuleAnalyzer";
  }

  @Override
  public String description() {
    return "Checks the destination rules associated with each virtual service";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    ServiceRegistry names = new ServiceRegistry(ctx.config(), ctx.mesh());
    String suffix = ".svc." + ctx.mesh().domainSuffix();
    // "ns/name+subset" for every subset of every DestinationRule
    Set<String> subsets = new HashSet<>();
    for (Resource<DestinationRule> r : ctx.all(Kind.DESTINATION_RULE, DestinationRule.class)) {
      if (r.spec().host() == null) {
        continue;
      }
      String resource = resourceName(r.namespace(), names.fqdn(r.namespace(), r.spec().host()), suffix);
      r.spec().subsets().forEach(s -> subsets.add(resource + "+" + s.name()));
    }
    for (Resource<VirtualService> r : ctx.all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      for (Destinations.Ref ref : Destinations.of(r.spec())) {
        String subset = ref.destination().subset();
        if (subset == null || subset.isEmpty()) {
          continue;
        }
        String host = Destinations.host(ref.destination());
        String resource = resourceName(r.namespace(), names.fqdn(r.namespace(), host), suffix);
        if (!subsets.contains(resource + "+" + subset)) {
          ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, ref.hostPath(),
              ref.mirror() ? "mirror+subset in destinationrule" : "host+subset in destinationrule", host + "+" + subset);
        }
      }
    }
  }

  /** Istio's GetResourceNameFromHost: "name.ns.svc.cluster.local" is ns/name, any other host ns/host. */
  static String resourceName(String namespace, String host, String suffix) {
    if (host.endsWith(suffix)) {
      String[] parts = host.substring(0, host.length() - suffix.length()).split("\\.");
      if (parts.length == 2) {
        return parts[1] + "/" + parts[0];
      }
    }
    return namespace + "/" + host;
  }
}
