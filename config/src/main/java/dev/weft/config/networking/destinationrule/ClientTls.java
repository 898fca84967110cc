package dev.weft.config.networking.destinationrule;

import java.util.List;

/**
 * ClientTLSSettings: TLS the proxy originates to the upstream.
 *
 * @param mode DISABLE when not written (the proto default)
 * @param insecureSkipVerify null when absent (false)
 */
public record ClientTls(
    Mode mode,
    String clientCertificate,
    String privateKey,
    String caCertificates,
    String credentialName,
    List<String> subjectAltNames,
    String sni,
    Boolean insecureSkipVerify,
    String caCrl) {

  public ClientTls {
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  /** Istio's ClientTLSSettings.TLSmode. */
  public enum Mode {
    DISABLE,
    SIMPLE,
    MUTUAL,
    ISTIO_MUTUAL
  }
}
