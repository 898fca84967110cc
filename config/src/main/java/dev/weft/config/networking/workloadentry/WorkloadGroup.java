package dev.weft.config.networking.workloadentry;

import java.util.List;
import java.util.Map;

/**
 * networking.istio.io WorkloadGroup: the template from which WorkloadEntries are made for VMs that
 * register themselves, and how their readiness is probed.
 *
 * @param metadata null when absent
 * @param template null when absent (an error: Istio requires it)
 * @param probe null when absent
 */
public record WorkloadGroup(Metadata metadata, WorkloadEntry template, ReadinessProbe probe) {

  /** Labels and annotations every generated WorkloadEntry gets. */
  public record Metadata(Map<String, String> labels, Map<String, String> annotations) {
    public Metadata {
      labels = Map.copyOf(labels);
      annotations = Map.copyOf(annotations);
    }
  }

  /**
   * Readiness probe, as in Kubernetes. Integer fields are null when absent.
   *
   * @param method how health is checked; null when none is set
   */
  public record ReadinessProbe(
      Integer initialDelaySeconds,
      Integer timeoutSeconds,
      Integer periodSeconds,
      Integer successThreshold,
      Integer failureThreshold,
      HealthCheck method) {}

  /** The {@code health_check_method} oneof. */
  public sealed interface HealthCheck permits HttpGet, TcpSocket, Exec, Grpc {}

  /** @param scheme "HTTP" (default when null) or "HTTPS" */
  public record HttpGet(String path, Integer port, String host, String scheme, List<HttpHeader> httpHeaders) implements HealthCheck {
    public HttpGet {
      httpHeaders = List.copyOf(httpHeaders);
    }
  }

  public record HttpHeader(String name, String value) {}

  public record TcpSocket(String host, Integer port) implements HealthCheck {}

  public record Exec(List<String> command) implements HealthCheck {
    public Exec {
      command = List.copyOf(command);
    }
  }

  public record Grpc(Integer port, String service) implements HealthCheck {}
}
