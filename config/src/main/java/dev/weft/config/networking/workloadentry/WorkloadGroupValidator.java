package dev.weft.config.networking.workloadentry;

import dev.weft.config.model.Resource;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HeaderRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.Rules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;

/**
 * Istio's ValidateWorkloadGroup. The template is not checked as a WorkloadEntry: its address and
 * labels are filled in when entries are generated.
 */
public final class WorkloadGroupValidator implements SpecValidator<WorkloadGroup> {

  @Override
  public void validate(Resource<WorkloadGroup> r, Validation v) {
    WorkloadGroup g = r.spec();
    if (g.template() == null) {
      v.error("spec.template", "template is required");
    }
    if (g.metadata() != null) {
      LabelRules.labels(v, "spec.metadata.labels", g.metadata().labels());
    }
    probe(v, "spec.probe", g.probe());
  }

  /** Istio's validateReadinessProbe. */
  static void probe(Validation v, String path, WorkloadGroup.ReadinessProbe p) {
    if (p == null) {
      return;
    }
    Rules.nonNegative(v, path + ".periodSeconds", p.periodSeconds(), "periodSeconds");
    Rules.nonNegative(v, path + ".initialDelaySeconds", p.initialDelaySeconds(), "initialDelaySeconds");
    Rules.nonNegative(v, path + ".timeoutSeconds", p.timeoutSeconds(), "timeoutSeconds");
    Rules.nonNegative(v, path + ".successThreshold", p.successThreshold(), "successThreshold");
    Rules.nonNegative(v, path + ".failureThreshold", p.failureThreshold(), "failureThreshold");
    switch (p.method()) {
      case WorkloadGroup.HttpGet h -> {
        requiredPort(v, path + ".httpGet.port", h.port());
        if (h.scheme() != null && !h.scheme().isEmpty() && !h.scheme().equals("HTTP") && !h.scheme().equals("HTTPS")) {
          v.error(path + ".httpGet.scheme", "httpGet.scheme must be one of \"HTTPS\", \"HTTP\"");
        }
        for (int i = 0; i < h.httpHeaders().size(); i++) {
          String name = h.httpHeaders().get(i).name();
          String hp = path + ".httpGet.httpHeaders[" + i + "].name";
          if (name == null || name.isEmpty()) {
            v.error(hp, "header name cannot be empty");
          } else {
            HeaderRules.istioHeaderName(v, hp, name);
          }
        }
      }
      case WorkloadGroup.TcpSocket t -> requiredPort(v, path + ".tcpSocket.port", t.port());
      case WorkloadGroup.Exec e -> {
        if (e.command().isEmpty()) {
          v.error(path + ".exec.command", "exec.command is required");
        }
      }
      case WorkloadGroup.Grpc g -> requiredPort(v, path + ".grpc.port", g.port());
      case null -> v.error(path, "probe must set one health check method: httpGet, tcpSocket, exec or grpc");
    }
  }

  private static void requiredPort(Validation v, String path, Integer port) {
    AddressRules.port(v, path, port == null ? 0 : port);
  }
}
