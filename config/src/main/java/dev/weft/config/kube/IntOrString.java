package dev.weft.config.kube;

/** Kubernetes' IntOrString, as a Service's targetPort: a port number or a container port's name. */
public sealed interface IntOrString {
  record Number(int value) implements IntOrString {}

  record Name(String value) implements IntOrString {}
}
