package dev.weft.config.analyze.gateway;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.kube.IntOrString;
import dev.weft.config.kube.Service;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.gateway.Gateway;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IST0101 (selector) and IST0162: a Gateway must select gateway pods, and each of its server ports
 * must be reachable through a Service of those pods. After Istio's gateway.IngressGatewayPortAnalyzer.
 */
public final class IngressGatewayPortAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "gateway.IngressGatewayPortAnalyzer";
  }

  @Override
  public String description() {
    return "Checks a gateway's ports against the gateway's Kubernetes service ports";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<?>> pods = ctx.config().all(Kind.POD);
    List<Resource<Service>> services = ctx.all(Kind.SERVICE, Service.class);
    for (Resource<Gateway> r : ctx.all(Kind.GATEWAY, Gateway.class)) {
      Gateway gw = r.spec();
      String selector = Selectors.toString(gw.selector());
      String selectorPath = gw.selector().isEmpty() ? null : "spec.selector." + Selectors.firstKey(gw.selector());
      List<Resource<?>> selected = Selectors.selected(gw.selector(), pods);
      if (selected.isEmpty()) {
        ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, selectorPath, "selector", selector);
        continue;
      }
      Set<Integer> ports = new HashSet<>();
      for (Resource<?> pod : selected) {
        for (Resource<Service> svc : services) {
          // Services only select pods of their own namespace
          if (!svc.namespace().equals(pod.namespace()) || !Selectors.matches(svc.spec().selector(), pod.meta().labels())) {
            continue;
          }
          for (Service.Port p : svc.spec().ports()) {
            if (p.protocol() != null && !p.protocol().equals("TCP")) {
              continue;
            }
            // A server port may name the Service port (Istio translates it to the target port) or
            // the target port the gateway pod listens on: both count. Istio's own cases need both
            // (gateway-custom-ingressgateway.yaml and -translation.yaml).
            if (p.port() != null) {
              ports.add(p.port());
            }
            if (p.targetPort() instanceof IntOrString.Number n && n.value() != 0) {
              ports.add(n.value());
            }
          }
        }
      }
      for (Gateway.Server s : gw.servers()) {
        if (s.port() != null && s.port().number() != null && !ports.contains(s.port().number())) {
          ctx.report(MessageType.GATEWAY_PORT_NOT_DEFINED_ON_SERVICE, r, selectorPath, s.port().number(), selector);
        }
      }
    }
  }
}
