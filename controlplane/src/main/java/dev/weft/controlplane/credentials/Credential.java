package dev.weft.controlplane.credentials;

import dev.weft.envoy.tls.Pem;
import dev.weft.config.kube.Secret;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A TLS credential read from a Kubernetes Secret as Istio reads it (its credentials controller):
 * {@code tls.crt}/{@code tls.key}/{@code ca.crt} (type kubernetes.io/tls or generic), or the generic
 * keys {@code cert}/{@code key}/{@code cacert}. Values are PEM text.
 *
 * @param certificateChain PEM, null for a CA-only secret
 * @param privateKey PEM, null for a CA-only secret
 * @param caCertificates PEM, null when absent
 */
public record Credential(String certificateChain, String privateKey, String caCertificates) {

  /** Istio's key names: kubernetes.io/tls's, then the generic ones. */
  private static final List<String[]> KEYS = List.of(
      new String[] {"tls.crt", "tls.key", "ca.crt"},
      new String[] {"cert", "key", "cacert"});

  /** The credential a Secret holds, empty when it holds neither a key pair nor a CA. */
  public static Optional<Credential> of(Secret secret) {
    for (String[] keys : KEYS) {
      String cert = text(secret, keys[0]);
      String key = text(secret, keys[1]);
      String ca = text(secret, keys[2]);
      if (cert != null || key != null || ca != null) {
        return Optional.of(new Credential(cert, key, ca));
      }
    }
    return Optional.empty();
  }

  /** Whether the secret names itself a TLS credential (so its content must be usable). */
  public static boolean isTls(Secret secret) {
    return Secret.TLS.equals(secret.type()) || KEYS.stream().anyMatch(k -> secret.has(k[0]) || secret.has(k[1]));
  }

  /**
   * What is wrong with this credential, as (field, message) pairs: PEM that does not parse, a key
   * without its certificate or the other way round, a key that is not the certificate's.
   */
  public List<String[]> problems(String certField, String keyField, String caField) {
    List<String[]> out = new ArrayList<>();
    if (certificateChain != null && privateKey == null) {
      out.add(new String[] {keyField, "missing: a certificate needs its private key"});
    }
    if (privateKey != null && certificateChain == null) {
      out.add(new String[] {certField, "missing: a private key needs its certificate"});
    }
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    if (certificateChain != null) {
      try {
        chain = Pem.certificates(certificateChain);
      } catch (IllegalArgumentException e) {
        out.add(new String[] {certField, e.getMessage()});
      }
    }
    if (privateKey != null) {
      try {
        key = Pem.privateKey(privateKey);
      } catch (IllegalArgumentException e) {
        out.add(new String[] {keyField, e.getMessage()});
      }
    }
    if (chain != null && key != null && !Pem.matches(key, chain.getFirst())) {
      out.add(new String[] {keyField, "private key does not match the certificate (" + chain.getFirst().getSubjectX500Principal() + ")"});
    }
    if (caCertificates != null) {
      try {
        Pem.certificates(caCertificates);
      } catch (IllegalArgumentException e) {
        out.add(new String[] {caField, e.getMessage()});
      }
    }
    return out;
  }

  private static String text(Secret secret, String key) {
    return secret.bytes(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
  }
}
