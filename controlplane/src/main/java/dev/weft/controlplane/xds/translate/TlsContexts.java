package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.destinationrule.ClientTls;
import dev.weft.config.networking.gateway.ServerTls;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * TLS contexts: the client side from a DestinationRule's ClientTLSSettings, the server side from a
 * Gateway server's ServerTLSSettings. Certificates are files, or SDS secrets by Istio's names:
 * {@code default} and {@code ROOTCA} for the workload identity (ISTIO_MUTUAL), and
 * {@code kubernetes://<credentialName>} (with {@code -cacert} for its CA) for credentials.
 */
final class TlsContexts {
  private TlsContexts() {}

  static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  static final String SDS_DEFAULT = "default";
  static final String SDS_ROOT = "ROOTCA";
  static final List<String> ALPN_IN_MESH = List.of("istio-peer-exchange", "istio");

  /** Istio's name for a credential's SDS secret. */
  static String credential(String name) {
    return name.startsWith("kubernetes://") ? name : "kubernetes://" + name;
  }

  static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(Protos.ADS).build();
  }

  /**
   * The upstream TLS transport socket for a cluster, or null when the mode is DISABLE.
   *
   * @param defaultSans identities expected for ISTIO_MUTUAL when the rule lists none (the
   *     service's endpoints' SPIFFE ids)
   * @param istioSni the SNI used for ISTIO_MUTUAL when the rule sets none
   * @param hostSni the SNI used for SIMPLE/MUTUAL when the rule sets none (null: none)
   */
  static TransportSocket upstream(ClientTls tls, List<String> defaultSans, String istioSni, String hostSni) {
    if (tls == null || tls.mode() == null || tls.mode() == ClientTls.Mode.DISABLE) {
      return null;
    }
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
    UpstreamTlsContext.Builder ctx = UpstreamTlsContext.newBuilder();
    boolean skipVerify = Boolean.TRUE.equals(tls.insecureSkipVerify());
    switch (tls.mode()) {
      case ISTIO_MUTUAL -> {
        common.addTlsCertificateSdsSecretConfigs(sds(SDS_DEFAULT));
        List<String> sans = tls.subjectAltNames().isEmpty() ? defaultSans : tls.subjectAltNames();
        common.setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(validation(sans, null))
            .setValidationContextSdsSecretConfig(sds(SDS_ROOT)));
        common.addAllAlpnProtocols(ALPN_IN_MESH);
        ctx.setSni(nonEmpty(tls.sni()) ? tls.sni() : istioSni);
      }
      case SIMPLE, MUTUAL -> {
        boolean credential = nonEmpty(tls.credentialName());
        if (tls.mode() == ClientTls.Mode.MUTUAL) {
          if (credential) {
            common.addTlsCertificateSdsSecretConfigs(sds(credential(tls.credentialName())));
          } else if (nonEmpty(tls.clientCertificate()) || nonEmpty(tls.privateKey())) {
            common.addTlsCertificates(TlsCertificate.newBuilder()
                .setCertificateChain(file(tls.clientCertificate()))
                .setPrivateKey(file(tls.privateKey())));
          }
        }
        if (!skipVerify) {
          if (credential) {
            common.setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(validation(tls.subjectAltNames(), tls.caCrl()))
                .setValidationContextSdsSecretConfig(sds(credential(tls.credentialName()) + "-cacert")));
          } else if (nonEmpty(tls.caCertificates()) || !tls.subjectAltNames().isEmpty()) {
            CertificateValidationContext.Builder v = validation(tls.subjectAltNames(), tls.caCrl()).toBuilder();
            if (nonEmpty(tls.caCertificates())) {
              v.setTrustedCa(file(tls.caCertificates()));
            }
            common.setValidationContext(v);
          }
        }
        if (nonEmpty(tls.sni())) {
          ctx.setSni(tls.sni());
        } else if (hostSni != null) {
          ctx.setSni(hostSni);
        }
      }
      case DISABLE -> {
        return null;
      }
    }
    ctx.setCommonTlsContext(common);
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Protos.any(ctx.build())).build();
  }

  /**
   * The downstream TLS context of a gateway server (SIMPLE, MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL),
   * or null for PASSTHROUGH / AUTO_PASSTHROUGH (not terminated).
   */
  static DownstreamTlsContext downstream(ServerTls tls, List<String> alpn) {
    if (tls == null || tls.mode() == null || tls.mode() == ServerTls.Mode.PASSTHROUGH
        || tls.mode() == ServerTls.Mode.AUTO_PASSTHROUGH) {
      return null;
    }
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder().addAllAlpnProtocols(alpn);
    DownstreamTlsContext.Builder ctx = DownstreamTlsContext.newBuilder();
    boolean mutual = tls.mode() == ServerTls.Mode.MUTUAL || tls.mode() == ServerTls.Mode.OPTIONAL_MUTUAL;
    if (tls.mode() == ServerTls.Mode.ISTIO_MUTUAL) {
      common.addTlsCertificateSdsSecretConfigs(sds(SDS_DEFAULT));
      common.setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
          .setDefaultValidationContext(validation(tls.subjectAltNames(), null))
          .setValidationContextSdsSecretConfig(sds(SDS_ROOT)));
      ctx.setRequireClientCertificate(com.google.protobuf.BoolValue.of(true));
    } else if (nonEmpty(tls.credentialName()) || !tls.credentialNames().isEmpty()) {
      List<String> names = nonEmpty(tls.credentialName()) ? List.of(tls.credentialName()) : tls.credentialNames();
      for (String n : names) {
        common.addTlsCertificateSdsSecretConfigs(sds(credential(n)));
      }
      if (mutual) {
        common.setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(serverValidation(tls))
            .setValidationContextSdsSecretConfig(sds(credential(names.getFirst()) + "-cacert")));
      }
    } else {
      if (!tls.tlsCertificates().isEmpty()) {
        for (ServerTls.TlsCertificate c : tls.tlsCertificates()) {
          common.addTlsCertificates(TlsCertificate.newBuilder()
              .setCertificateChain(file(c.serverCertificate())).setPrivateKey(file(c.privateKey())));
        }
      } else {
        common.addTlsCertificates(TlsCertificate.newBuilder()
            .setCertificateChain(file(tls.serverCertificate())).setPrivateKey(file(tls.privateKey())));
      }
      if (mutual) {
        CertificateValidationContext.Builder v = serverValidation(tls).toBuilder();
        if (nonEmpty(tls.caCertificates())) {
          v.setTrustedCa(file(tls.caCertificates()));
        }
        common.setValidationContext(v);
      }
    }
    if (mutual) {
      ctx.setRequireClientCertificate(com.google.protobuf.BoolValue.of(tls.mode() == ServerTls.Mode.MUTUAL));
    }
    TlsParameters.Builder params = TlsParameters.newBuilder();
    boolean anyParam = false;
    if (tls.minProtocolVersion() != null) {
      params.setTlsMinimumProtocolVersion(version(tls.minProtocolVersion()));
      anyParam = true;
    }
    if (tls.maxProtocolVersion() != null) {
      params.setTlsMaximumProtocolVersion(version(tls.maxProtocolVersion()));
      anyParam = true;
    }
    if (!tls.cipherSuites().isEmpty()) {
      params.addAllCipherSuites(tls.cipherSuites());
      anyParam = true;
    }
    if (anyParam) {
      common.setTlsParams(params);
    }
    return ctx.setCommonTlsContext(common).build();
  }

  static TransportSocket socket(DownstreamTlsContext ctx) {
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Protos.any(ctx)).build();
  }

  private static CertificateValidationContext serverValidation(ServerTls tls) {
    CertificateValidationContext.Builder v = validation(tls.subjectAltNames(), tls.caCrl()).toBuilder();
    v.addAllVerifyCertificateSpki(tls.verifyCertificateSpki());
    v.addAllVerifyCertificateHash(tls.verifyCertificateHash());
    return v.build();
  }

  /** SANs as typed matchers: SPIFFE ids are URIs, anything else a DNS name. */
  static CertificateValidationContext validation(List<String> sans, String crl) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    for (String san : sans) {
      v.addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
          .setSanType(san.startsWith("spiffe://") ? SubjectAltNameMatcher.SanType.URI : SubjectAltNameMatcher.SanType.DNS)
          .setMatcher(StringMatcher.newBuilder().setExact(san)));
    }
    if (nonEmpty(crl)) {
      v.setCrl(file(crl));
    }
    return v.build();
  }

  private static TlsParameters.TlsProtocol version(ServerTls.ProtocolVersion v) {
    return switch (v) {
      case TLS_AUTO -> TlsParameters.TlsProtocol.TLS_AUTO;
      case TLSV1_0 -> TlsParameters.TlsProtocol.TLSv1_0;
      case TLSV1_1 -> TlsParameters.TlsProtocol.TLSv1_1;
      case TLSV1_2 -> TlsParameters.TlsProtocol.TLSv1_2;
      case TLSV1_3 -> TlsParameters.TlsProtocol.TLSv1_3;
    };
  }

  private static DataSource file(String path) {
    return DataSource.newBuilder().setFilename(path == null ? "" : path).build();
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
  }
}
