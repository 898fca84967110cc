package dev.weft.config.kube;

import java.util.List;

/** The part of a pod spec the mesh uses, in a Pod or in a Deployment's template. */
public record PodSpec(List<Container> containers, String serviceAccountName, String nodeName) {
  public PodSpec {
    containers = List.copyOf(containers);
  }

  public static final PodSpec EMPTY = new PodSpec(List.of(), null, null);

  public record Container(String name, String image, List<ContainerPort> ports) {
    public Container {
      ports = List.copyOf(ports);
    }
  }

  /** @param protocol as written; null means TCP */
  public record ContainerPort(String name, Integer containerPort, String protocol) {}
}
