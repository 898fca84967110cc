package dev.weft.config.analyze.destinationrule;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.ClientTls;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.destinationrule.TrafficPolicy;

/**
 * IST0128/IST0129: a DestinationRule originates TLS (SIMPLE or MUTUAL) without caCertificates, so
 * the server's certificate is not verified. A credentialName on a rule with a workloadSelector
 * (gateway-side) carries its own CA, so it is exempt. After Istio's destinationrule.CaCertificateAnalyzer.
 */
public final class CaCertificateAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "destinationrule.CaCertificateAnalyzer";
  }

  @Override
  public String description() {
    return "Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    for (Resource<DestinationRule> r : ctx.all(Kind.DESTINATION_RULE, DestinationRule.class)) {
      DestinationRule dr = r.spec();
      TrafficPolicy tp = dr.trafficPolicy();
      if (tp == null) {
        continue;
      }
      boolean selector = dr.workloadSelector() != null;
      String fullName = r.namespace() + "/" + r.name();
      if (unverified(tp.tls(), selector)) {
        ctx.report(MessageType.NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL, r, "spec.trafficPolicy.tls.caCertificates",
            fullName, r.namespace(), tp.tls().mode().name(), dr.host());
      }
      for (int i = 0; i < tp.portLevelSettings().size(); i++) {
        TrafficPolicy.PortTrafficPolicy p = tp.portLevelSettings().get(i);
        if (unverified(p.tls(), selector)) {
          // the proto text form of the PortSelector, as Istio prints it
          String port = p.port() == null || p.port().number() == null ? "" : "number:" + p.port().number();
          ctx.report(MessageType.NO_SERVER_CERTIFICATE_VERIFICATION_PORT_LEVEL, r,
              "spec.trafficPolicy.portLevelSettings[" + i + "].tls.caCertificates",
              fullName, r.namespace(), p.tls().mode().name(), dr.host(), port);
        }
      }
    }
  }

  private static boolean unverified(ClientTls tls, boolean workloadSelector) {
    if (tls == null || (tls.mode() != ClientTls.Mode.SIMPLE && tls.mode() != ClientTls.Mode.MUTUAL)) {
      return false;
    }
    if (tls.caCertificates() != null && !tls.caCertificates().isEmpty()) {
      return false;
    }
    boolean credential = tls.credentialName() != null && !tls.credentialName().isEmpty();
    return !(credential && workloadSelector);
  }
}
