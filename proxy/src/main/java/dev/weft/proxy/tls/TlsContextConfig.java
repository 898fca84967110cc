package dev.weft.proxy.tls;

import java.util.List;
import java.util.Optional;

/**
 * A Downstream- or UpstreamTlsContext as converted from xDS: everything a Netty {@code SslContext}
 * is built from, with certificates and CAs either inline (file DataSources are read at conversion)
 * or by SDS name, resolved when the secret arrives.
 *
 * @param certificates {@code tls_certificates} and {@code tls_certificate_sds_secret_configs}
 * @param validation how the peer is checked; empty: not at all (Envoy's default without a validation context)
 * @param requireClientCertificate downstream only: the client must present a valid certificate
 * @param sni upstream only: the SNI to send ("" none)
 * @param alpn {@code alpn_protocols}, in preference order
 * @param protocols the TLS versions allowed, JDK names ("TLSv1.2", "TLSv1.3")
 * @param cipherSuites IANA names; empty: the provider's defaults
 */
public record TlsContextConfig(Side side, List<CertificateSource> certificates, Optional<ValidationConfig> validation,
        boolean requireClientCertificate, String sni, List<String> alpn, List<String> protocols,
        List<String> cipherSuites) {

    public enum Side { DOWNSTREAM, UPSTREAM }

    public TlsContextConfig {
        certificates = List.copyOf(certificates);
        alpn = List.copyOf(alpn);
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** The same context offering {@code protocols} by ALPN. */
    public TlsContextConfig withAlpn(List<String> protocols) {
        return new TlsContextConfig(side, certificates, validation, requireClientCertificate, sni, protocols,
                this.protocols, cipherSuites);
    }

    /** A certificate with its key: inline, or an SDS secret by name. */
    public sealed interface CertificateSource {
        record Inline(TlsSecret.Certificate certificate) implements CertificateSource {
        }

        record Sds(String name) implements CertificateSource {
        }
    }

    /**
     * The validation context: inline CA and SAN matchers, plus (combined validation context) an SDS
     * secret holding the CA; {@code insecureSkip} (upstream, Istio's insecureSkipVerify) trusts any certificate.
     */
    public record ValidationConfig(String trustedCaPem, List<SanMatcher> sans, Optional<String> sdsName) {
        public ValidationConfig {
            sans = List.copyOf(sans);
        }
    }

    /** The SDS secrets this context needs before it can be built. */
    public List<String> sdsNames() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (CertificateSource c : certificates) {
            if (c instanceof CertificateSource.Sds sds) {
                out.add(sds.name());
            }
        }
        validation.flatMap(ValidationConfig::sdsName).ifPresent(out::add);
        return out;
    }
}
