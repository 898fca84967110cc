package dev.weft.config.networking.sidecar;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.destinationrule.DestinationRuleParser;
import dev.weft.config.networking.gateway.GatewayParser;
import dev.weft.config.networking.virtualservice.VirtualServiceParser;
import dev.weft.config.read.MapReader;

/** Reads a Sidecar spec. */
public final class SidecarParser {
  private SidecarParser() {}

  public static Sidecar parse(MapReader spec) {
    return new Sidecar(
        spec.object("workloadSelector", WorkloadSelector::readLabels),
        spec.list("ingress", i -> new Sidecar.IngressListener(
            i.object("port", SidecarParser::port),
            i.string("bind"),
            captureMode(i),
            i.string("defaultEndpoint"),
            i.object("tls", GatewayParser::tls),
            i.object("connectionPool", DestinationRuleParser::connectionPool))),
        spec.list("egress", e -> new Sidecar.EgressListener(
            e.object("port", SidecarParser::port), e.string("bind"), captureMode(e), e.strings("hosts"))),
        spec.object("outboundTrafficPolicy", o -> {
          Sidecar.OutboundTrafficPolicy.Mode mode = o.enumValue("mode", Sidecar.OutboundTrafficPolicy.Mode.class);
          return new Sidecar.OutboundTrafficPolicy(
              mode == null ? Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY : mode,
              o.object("egressProxy", VirtualServiceParser::destination));
        }),
        spec.object("inboundConnectionPool", DestinationRuleParser::connectionPool));
  }

  static Sidecar.Port port(MapReader p) {
    return new Sidecar.Port(p.integer("number"), p.string("protocol"), p.string("name"), p.integer("targetPort"));
  }

  private static Sidecar.CaptureMode captureMode(MapReader r) {
    Sidecar.CaptureMode mode = r.enumValue("captureMode", Sidecar.CaptureMode.class);
    return mode == null ? Sidecar.CaptureMode.DEFAULT : mode;
  }
}
