package dev.weft.config.networking.workloadentry;

import dev.weft.config.read.MapReader;

/** Reads WorkloadEntry and WorkloadGroup specs (and the WorkloadEntry messages embedded elsewhere). */
public final class WorkloadEntryParser {
  private WorkloadEntryParser() {}

  public static WorkloadEntry workloadEntry(MapReader w) {
    return new WorkloadEntry(
        w.string("address"),
        w.integerMap("ports"),
        w.stringMap("labels"),
        w.string("network"),
        w.string("locality"),
        w.longValue("weight"),
        w.string("serviceAccount"));
  }

  public static WorkloadGroup workloadGroup(MapReader g) {
    return new WorkloadGroup(
        g.object("metadata", m -> new WorkloadGroup.Metadata(m.stringMap("labels"), m.stringMap("annotations"))),
        g.object("template", WorkloadEntryParser::workloadEntry),
        g.object("probe", WorkloadEntryParser::probe));
  }

  static WorkloadGroup.ReadinessProbe probe(MapReader p) {
    p.oneOf("httpGet", "tcpSocket", "exec", "grpc");
    WorkloadGroup.HttpGet http = p.object("httpGet", h -> new WorkloadGroup.HttpGet(
        h.string("path"), h.integer("port"), h.string("host"), h.string("scheme"),
        h.list("httpHeaders", hh -> new WorkloadGroup.HttpHeader(hh.string("name"), hh.string("value")))));
    WorkloadGroup.TcpSocket tcp = p.object("tcpSocket", t -> new WorkloadGroup.TcpSocket(t.string("host"), t.integer("port")));
    WorkloadGroup.Exec exec = p.object("exec", e -> new WorkloadGroup.Exec(e.strings("command")));
    WorkloadGroup.Grpc grpc = p.object("grpc", g -> new WorkloadGroup.Grpc(g.integer("port"), g.string("service")));
    WorkloadGroup.HealthCheck method = http != null ? http : tcp != null ? tcp : exec != null ? exec : grpc;
    return new WorkloadGroup.ReadinessProbe(
        p.integer("initialDelaySeconds"),
        p.integer("timeoutSeconds"),
        p.integer("periodSeconds"),
        p.integer("successThreshold"),
        p.integer("failureThreshold"),
        method);
  }
}
