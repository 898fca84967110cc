package dev.weft.config.kube;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;
import dev.weft.config.validate.SpecValidator;

/**
 * Registration of the Kubernetes kinds with the loader. Their readers take the whole document
 * (Secret and ConfigMap keep their data beside, not in, a spec).
 */
public final class KubeKinds {
  public static final KindHandler<Service> SERVICE =
      new KindHandler<>(Kind.SERVICE, Service.class, KubeParser::service, KubeValidators::service);
  public static final KindHandler<Pod> POD = new KindHandler<>(Kind.POD, Pod.class, KubeParser::pod, KubeValidators::pod);
  public static final KindHandler<Deployment> DEPLOYMENT =
      new KindHandler<>(Kind.DEPLOYMENT, Deployment.class, KubeParser::deployment, KubeValidators::deployment);
  public static final KindHandler<Namespace> NAMESPACE =
      new KindHandler<>(Kind.NAMESPACE, Namespace.class, KubeParser::namespace, SpecValidator.none());
  public static final KindHandler<Node> NODE = new KindHandler<>(Kind.NODE, Node.class, KubeParser::node, SpecValidator.none());
  public static final KindHandler<Secret> SECRET = new KindHandler<>(Kind.SECRET, Secret.class, KubeParser::secret, KubeValidators::secret);
  public static final KindHandler<ConfigMap> CONFIG_MAP =
      new KindHandler<>(Kind.CONFIG_MAP, ConfigMap.class, KubeParser::configMap, KubeValidators::configMap);

  private KubeKinds() {}
}
