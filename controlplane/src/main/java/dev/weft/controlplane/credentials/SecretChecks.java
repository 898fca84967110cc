package dev.weft.controlplane.credentials;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.kube.Secret;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * What the control plane checks in a Secret when it is applied, beyond Kubernetes' own rules: a TLS
 * credential (type kubernetes.io/tls, or a generic secret with Istio's cert/key keys) must hold PEM
 * that parses and a private key that belongs to its certificate, or gateways would fail their
 * handshakes later with nothing pointing at the cause. Done at apply time, not in {@code weft
 * validate}: Istio's analyzer inputs hold sample secrets whose keys do not match.
 */
public final class SecretChecks {
  private SecretChecks() {}

  public static List<Diagnostic> check(List<Resource<?>> resources) {
    List<Diagnostic> out = new ArrayList<>();
    for (Resource<?> r : resources) {
      if (r.kind() != Kind.SECRET || !(r.spec() instanceof Secret secret) || !Credential.isTls(secret)) {
        continue;
      }
      Credential.of(secret).ifPresent(c -> {
        boolean generic = !secret.has("tls.crt") && !secret.has("tls.key") && !secret.has("ca.crt");
        String section = secret.stringData().isEmpty() ? "data" : "stringData";
        String[] names = generic ? new String[] {"cert", "key", "cacert"} : new String[] {"tls.crt", "tls.key", "ca.crt"};
        for (String[] p : c.problems(field(section, names[0]), field(section, names[1]), field(section, names[2]))) {
          out.add(new Diagnostic(Level.ERROR, r.origin().file(), r.lineOf(p[0]), "Secret " + r.namespace() + "/" + r.name(),
              p[0], p[1]));
        }
      });
    }
    return out;
  }

  private static String field(String section, String key) {
    return dev.weft.config.read.FieldPaths.child(section, key);
  }
}
