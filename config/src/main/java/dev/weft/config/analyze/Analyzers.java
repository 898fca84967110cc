package dev.weft.config.analyze;

import java.util.List;

/** The registry of analyzers: one line per analyzer. */
final class Analyzers {
  static final List<Analyzer> ALL = List.of(
      new dev.weft.config.analyze.auth.AuthorizationPoliciesAnalyzer(),
      new dev.weft.config.analyze.destinationrule.CaCertificateAnalyzer(),
      new dev.weft.config.analyze.destinationrule.SubsetSelectPodAnalyzer(),
      new dev.weft.config.analyze.gateway.CertificateAnalyzer(),
      new dev.weft.config.analyze.gateway.ConflictingGatewayAnalyzer(),
      new dev.weft.config.analyze.gateway.IngressGatewayPortAnalyzer(),
      new dev.weft.config.analyze.gateway.SecretAnalyzer(),
      new dev.weft.config.analyze.serviceentry.ConflictingServiceEntryProtocolAnalyzer(),
      new dev.weft.config.analyze.serviceentry.ProtocolAddressesAnalyzer(),
      new dev.weft.config.analyze.sidecar.SelectorAnalyzer(),
      new dev.weft.config.analyze.virtualservice.DestinationHostAnalyzer(),
      new dev.weft.config.analyze.virtualservice.DestinationRuleAnalyzer(),
      new dev.weft.config.analyze.virtualservice.ConflictingMeshGatewayHostsAnalyzer(),
      new dev.weft.config.analyze.virtualservice.GatewayAnalyzer(),
      new dev.weft.config.analyze.virtualservice.JWTClaimRouteAnalyzer(),
      new dev.weft.config.analyze.schema.VirtualServiceValidationAnalyzer()
  );

  private Analyzers() {}
}
