package dev.weft.config.networking.gateway;

import java.util.List;

/** ServerTLSSettings of a Gateway server. Certificates come from files or from {@code credentialName}. */
public record ServerTls(
    boolean httpsRedirect,
    Mode mode,
    String serverCertificate,
    String privateKey,
    String caCertificates,
    String caCrl,
    String credentialName,
    List<String> credentialNames,
    List<TlsCertificate> tlsCertificates,
    List<String> subjectAltNames,
    List<String> verifyCertificateSpki,
    List<String> verifyCertificateHash,
    ProtocolVersion minProtocolVersion,
    ProtocolVersion maxProtocolVersion,
    List<String> cipherSuites) {

  public ServerTls {
    credentialNames = List.copyOf(credentialNames);
    tlsCertificates = List.copyOf(tlsCertificates);
    subjectAltNames = List.copyOf(subjectAltNames);
    verifyCertificateSpki = List.copyOf(verifyCertificateSpki);
    verifyCertificateHash = List.copyOf(verifyCertificateHash);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /** Istio's TLSmode; a null mode in YAML means PASSTHROUGH (the proto default). */
  public enum Mode {
    PASSTHROUGH,
    SIMPLE,
    MUTUAL,
    AUTO_PASSTHROUGH,
    ISTIO_MUTUAL,
    OPTIONAL_MUTUAL
  }

  public enum ProtocolVersion {
    TLS_AUTO,
    TLSV1_0,
    TLSV1_1,
    TLSV1_2,
    TLSV1_3
  }

  /** One of several certificates served by the same server (RSA and ECDSA side by side). */
  public record TlsCertificate(String serverCertificate, String privateKey, String caCertificates) {}
}
