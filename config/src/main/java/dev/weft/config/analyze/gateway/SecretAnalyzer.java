package dev.weft.config.analyze.gateway;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.kube.Secret;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.gateway.ServerTls;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * IST0101 (selector, credentialName) and IST0161: a Gateway's TLS credentialName must name a Secret
 * in the namespace of the gateway workload (not of the Gateway), holding a usable certificate and key.
 * After Istio's gateway.SecretAnalyzer.
 */
public final class SecretAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "gateway.SecretAnalyzer";
  }

  @Override
  public String description() {
    return "Checks a gateway's referenced secrets for correctness";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<?>> pods = ctx.config().all(Kind.POD);
    for (Resource<Gateway> r : ctx.all(Kind.GATEWAY, Gateway.class)) {
      Gateway gw = r.spec();
      List<Resource<?>> selected = Selectors.selected(gw.selector(), pods);
      if (selected.isEmpty()) {
        ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r,
            gw.selector().isEmpty() ? null : "spec.selector." + Selectors.firstKey(gw.selector()),
            "selector", Selectors.toString(gw.selector()));
        continue;
      }
      // Istio assumes every selected workload is in one namespace and takes the first pod's
      String workloadNs = selected.getFirst().namespace();
      for (int i = 0; i < gw.servers().size(); i++) {
        ServerTls tls = gw.servers().get(i).tls();
        if (tls == null || tls.credentialName() == null || tls.credentialName().isEmpty()) {
          continue;
        }
        String cn = tls.credentialName();
        int slash = cn.indexOf('/');
        ResourceKey key = slash < 0 ? new ResourceKey(Kind.SECRET, workloadNs, cn)
            : new ResourceKey(Kind.SECRET, cn.substring(0, slash), cn.substring(slash + 1));
        Optional<Resource<?>> secret = ctx.config().get(key);
        String path = "spec.servers[" + i + "].tls.credentialName";
        if (secret.isEmpty()) {
          ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, path, "credentialName", cn);
        } else if (!validCredential(secret.get().as(Secret.class).spec())) {
          ctx.report(MessageType.INVALID_GATEWAY_CREDENTIAL, r, path, r.name(), workloadNs);
        }
      }
    }
  }

  /**
   * A server credential: {@code tls.crt}/{@code tls.key} (or a generic Secret's {@code cert}/{@code key}),
   * both present, the certificate a PEM X.509 certificate valid now.
   */
  static boolean validCredential(Secret s) {
    byte[] cert;
    byte[] key;
    if (s.has("tls.crt") || s.has("tls.key")) {
      cert = s.bytes("tls.crt").orElse(new byte[0]);
      key = s.bytes("tls.key").orElse(new byte[0]);
    } else {
      cert = s.bytes("cert").orElse(new byte[0]);
      key = s.bytes("key").orElse(new byte[0]);
    }
    if (cert.length == 0 || key.length == 0) {
      return false;
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      var certs = cf.generateCertificates(new ByteArrayInputStream(cert));
      if (certs.isEmpty()) {
        return false;
      }
      for (var c : certs) {
        ((X509Certificate) c).checkValidity();
      }
      return true;
    } catch (CertificateException | RuntimeException e) {
      // not PEM/DER, not X.509, expired or not yet valid
      return false;
    }
  }
}
