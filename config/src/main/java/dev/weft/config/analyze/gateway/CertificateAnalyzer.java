package dev.weft.config.analyze.gateway;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.gateway.ServerTls;
import java.util.List;

/**
 * IST0138: two Gateways that can run on the same workload serve the same certificate; clients that
 * reuse an HTTP/2 connection across their hosts then get 404s. After Istio's
 * gateway.CertificateAnalyzer, with PILOT_SCOPE_GATEWAY_TO_NAMESPACE at its default (off): gateways
 * of every namespace are compared.
 */
public final class CertificateAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "gateway.CertificateAnalyzer";
  }

  @Override
  public String description() {
    return "Checks a gateway certificate";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<Gateway>> gateways = ctx.all(Kind.GATEWAY, Gateway.class);
    for (Resource<Gateway> current : gateways) {
      for (Resource<Gateway> other : gateways) {
        // "other" runs wherever "current" does when its selector includes all of current's labels
        if (other == current || !Selectors.matches(current.spec().selector(), other.spec().selector())) {
          continue;
        }
        for (Gateway.Server a : current.spec().servers()) {
          for (Gateway.Server b : other.spec().servers()) {
            if (a.tls() != null && b.tls() != null && sameCertificate(a.tls(), b.tls())) {
              ctx.report(MessageType.GATEWAY_DUPLICATE_CERTIFICATE, current, "metadata.name",
                  List.of(ConflictingGatewayAnalyzer.fullName(current), ConflictingGatewayAnalyzer.fullName(other)));
            }
          }
        }
      }
    }
  }

  private static boolean sameCertificate(ServerTls a, ServerTls b) {
    String credA = nz(a.credentialName());
    String credB = nz(b.credentialName());
    if (!credA.isEmpty() && !credB.isEmpty()) {
      return credA.equals(credB);
    }
    if (credA.isEmpty() && credB.isEmpty()) {
      String certA = nz(a.serverCertificate());
      String keyA = nz(a.privateKey());
      return !certA.isEmpty() && certA.equals(nz(b.serverCertificate())) && !keyA.isEmpty() && keyA.equals(nz(b.privateKey()));
    }
    return false;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
