package dev.weft.config.analyze.destinationrule;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.analyze.ServiceRegistry;
import dev.weft.config.kube.Deployment;
import dev.weft.config.kube.Node;
import dev.weft.config.kube.Pod;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.DestinationRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IST0174 and IST0173: a DestinationRule's host must be a service of the mesh, and each of its
 * subsets must select at least one pod (by the subset's labels plus the ServiceEntry's workload
 * selector), or traffic to it finds no endpoint. Pods are Pod objects and, unlike istioctl, the
 * pod templates of Deployments not scaled to zero. A pod's labels include the topology labels of its
 * node, as Istio's registry gives them to endpoints. After Istio's destinationrule.PodNotSelectedAnalyzer.
 */
public final class SubsetSelectPodAnalyzer implements Analyzer {
  static final String REGION = "topology.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String SUBZONE = "topology.istio.io/subzone";
  static final String HOSTNAME = "kubernetes.io/hostname";

  @Override
  public String name() {
    return "destinationrule.SubsetSelectPodAnalyzer";
  }

  @Override
  public String description() {
    return "Checks if pods are selected by subsets in destination rules.";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    ServiceRegistry registry = new ServiceRegistry(ctx.config(), ctx.mesh());
    Map<String, Map<String, String>> nodeLabels = new HashMap<>();
    for (Resource<Node> n : ctx.all(Kind.NODE, Node.class)) {
      nodeLabels.put(n.name(), n.meta().labels());
    }
    List<Map<String, String>> podLabels = new java.util.ArrayList<>(ctx.all(Kind.POD, Pod.class).stream()
        .map(p -> withNodeTopology(p.meta().labels(), p.spec().spec().nodeName(), nodeLabels))
        .toList());
    // Weft's departure from istioctl: files describe desired state, so the pods a Deployment will
    // create (its template, unless scaled to zero) count as pods. Istio's Bookinfo ships Deployments,
    // not Pods, and analyzing it offline should not claim that no pod serves reviews v1.
    for (Resource<Deployment> d : ctx.all(Kind.DEPLOYMENT, Deployment.class)) {
      Deployment spec = d.spec();
      if (spec.template() != null && (spec.replicas() == null || spec.replicas() > 0)) {
        podLabels.add(spec.template().labels());
      }
    }
    for (Resource<DestinationRule> r : ctx.all(Kind.DESTINATION_RULE, DestinationRule.class)) {
      DestinationRule dr = r.spec();
      String host = dr.host() == null ? "" : dr.host();
      ServiceRegistry.Entry service = registry.lookup(r.namespace(), dr.exportTo(), host);
      if (service == null) {
        ctx.report(MessageType.UNKNOWN_DESTINATION_RULE_HOST, r, null, host);
        continue;
      }
      for (DestinationRule.Subset subset : dr.subsets()) {
        Map<String, String> selector = new HashMap<>(service.workloadSelector());
        selector.putAll(subset.labels());
        if (podLabels.stream().noneMatch(labels -> Selectors.matches(selector, labels))) {
          ctx.report(MessageType.DESTINATION_RULE_SUBSET_NOT_SELECT_PODS, r, null, subset.name() == null ? "" : subset.name());
        }
      }
    }
  }

  /**
   * The pod's labels plus its node's region, zone and subzone (those set to a value) and the node's
   * name as hostname: the labels Istio's registry gives the pod's endpoints.
   */
  static Map<String, String> withNodeTopology(Map<String, String> labels, String nodeName,
      Map<String, Map<String, String>> nodeLabels) {
    if (nodeName == null || nodeName.isEmpty() || !nodeLabels.containsKey(nodeName)) {
      return labels;
    }
    Map<String, String> out = new HashMap<>(labels);
    Map<String, String> node = nodeLabels.get(nodeName);
    for (String key : List.of(REGION, ZONE, SUBZONE)) {
      String value = node.get(key);
      if (value != null && !value.isEmpty()) {
        out.put(key, value);
      }
    }
    out.put(HOSTNAME, nodeName);
    return out;
  }
}
