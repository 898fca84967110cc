package dev.weft.config.analyze.virtualservice;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Names;
import dev.weft.config.analyze.ServiceRegistry;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.Destination;
import dev.weft.config.networking.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.List;

/**
 * IST0101 (host, mirror host, host:port), IST0112 and IST0140: every destination must be a known
 * service (Kubernetes Service or ServiceEntry visible to the VirtualService), with a port it has, and
 * a port must be named when it has several. A gateway route to a host without subset makes the
 * subsets other VirtualServices route that host to ineffective for ingress traffic. After Istio's
 * virtualservice.DestinationHostAnalyzer.
 */
public final class DestinationHostAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "virtualservice.DestinationHostAnalyzer";
  }

  @Override
  public String description() {
    return "Checks the destination hosts associated with each virtual service";
  }

  /** A VirtualService routing one of its own hosts to a subset. */
  private record SubsetRoute(Resource<VirtualService> vs, String host) {}

  @Override
  public void analyze(AnalysisContext ctx) {
    ServiceRegistry registry = new ServiceRegistry(ctx.config(), ctx.mesh());
    List<Resource<VirtualService>> all = ctx.all(Kind.VIRTUAL_SERVICE, VirtualService.class);
    List<SubsetRoute> subsetRoutes = new ArrayList<>();
    for (Resource<VirtualService> x : all) {
      for (var http : x.spec().http()) {
        for (var route : http.route()) {
          Destination d = route.destination();
          if (d != null && d.subset() != null && !d.subset().isEmpty() && x.spec().hosts().contains(Destinations.host(d))) {
            subsetRoutes.add(new SubsetRoute(x, Destinations.host(d)));
          }
        }
      }
    }
    for (Resource<VirtualService> r : all) {
      VirtualService vs = r.spec();
      for (Destinations.Ref ref : Destinations.of(vs)) {
        checkHost(ctx, registry, r, ref);
      }
      if (vs.gateways().isEmpty()) {
        continue;
      }
      for (var http : vs.http()) {
        for (var route : http.route()) {
          Destination d = route.destination();
          if (d == null || (d.subset() != null && !d.subset().isEmpty())) {
            continue;
          }
          for (SubsetRoute s : subsetRoutes) {
            if (s.host().equals(Destinations.host(d))) {
              // Istio names a path its source map never has, so the message carries the resource's line
              ctx.report(MessageType.INGRESS_ROUTE_RULES_NOT_AFFECTED, r, null, Names.full(s.vs()), Names.full(r));
            }
          }
        }
      }
    }
  }

  private static void checkHost(AnalysisContext ctx, ServiceRegistry registry, Resource<VirtualService> r, Destinations.Ref ref) {
    Destination d = ref.destination();
    String host = Destinations.host(d);
    ServiceRegistry.Entry service = registry.lookup(r.namespace(), r.spec().exportTo(), host);
    if (service == null) {
      ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, ref.hostPath(), ref.mirror() ? "mirror host" : "host", host);
      return;
    }
    if (d.port() == null) {
      if (service.ports().size() > 1) {
        ctx.report(MessageType.VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED, r, ref.hostPath(), host, service.ports());
      }
      return;
    }
    int number = d.port().number() == null ? 0 : d.port().number();
    if (!service.ports().contains(number)) {
      ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, ref.hostPath(), "host:port", host + ":" + number);
    }
  }
}
