package dev.weft.cli.runtime;

import java.util.List;
import java.util.Map;

/**
 * A workload to put into the mesh: the service it belongs to (Istio's Service, here made by its
 * registration: {@code <service>.<namespace>.svc.cluster.local}), its labels and service account,
 * the service port, and how to start the application.
 *
 * @param name        workload (and Istio "pod") name, e.g. reviews-v2
 * @param servicePort the port clients use; the sidecar takes it on the workload's address
 * @param appPort     the port the application listens on (on 127.0.0.1), or 0: allocate one on the
 *                    workload's own address and tell the application ({@link AppCommand})
 * @param healthPath  an HTTP path answering 200 when the application is up, or null: a TCP connect
 * @param app         the application's command line
 */
public record WorkloadSpec(String name, String service, String namespace, String serviceAccount, Map<String, String> labels,
    int servicePort, int appPort, String healthPath, AppCommand app) {

  public WorkloadSpec {
    labels = Map.copyOf(labels);
  }

  /** The application's command line, once its address and port are known. */
  @FunctionalInterface
  public interface AppCommand {
    List<String> build(String address, int port);
  }
}
