package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import dev.weft.proxy.tls.TlsContextConfig;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.Test;

/** Transport sockets and SDS secrets as the control plane sends them, and what is refused (the NACK text). */
class TlsConverterTest {

    private static final ConfigSource ADS = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();

    private static TransportSocket socket(com.google.protobuf.Message ctx) {
        return TransportSocket.newBuilder().setName(TlsConverter.TRANSPORT_SOCKET).setTypedConfig(Any.pack(ctx)).build();
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ADS).build();
    }

    @Test
    void gatewayServerContextBySds() throws ConversionException {
        // What TlsContexts.downstream emits for a MUTUAL server with credentialName.
        DownstreamTlsContext ctx = DownstreamTlsContext.newBuilder()
                .setRequireClientCertificate(BoolValue.of(true))
                .setCommonTlsContext(CommonTlsContext.newBuilder()
                        .addAlpnProtocols("h2").addAlpnProtocols("http/1.1")
                        .addTlsCertificateSdsSecretConfigs(sds("kubernetes://cred"))
                        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                                .setSanType(SubjectAltNameMatcher.SanType.DNS)
                                                .setMatcher(StringMatcher.newBuilder().setExact("client.example.com"))))
                                .setValidationContextSdsSecretConfig(sds("kubernetes://cred-cacert")))
                        .setTlsParams(TlsParameters.newBuilder()
                                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3)
                                .addCipherSuites("ECDHE-RSA-AES128-GCM-SHA256")))
                .build();
        TlsContextConfig tls = TlsConverter.downstream(socket(ctx), "transport_socket").orElseThrow();
        assertThat(tls.sdsNames()).containsExactly("kubernetes://cred", "kubernetes://cred-cacert");
        assertThat(tls.requireClientCertificate()).isTrue();
        assertThat(tls.alpn()).containsExactly("h2", "http/1.1");
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.cipherSuites()).startsWith("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls.validation().orElseThrow().sans()).hasSize(1);
    }

    @Test
    void upstreamContextKeepsSniAndWithoutValidationVerifiesNothing() throws ConversionException {
        UpstreamTlsContext ctx = UpstreamTlsContext.newBuilder().setSni("secure.example.com")
                .setCommonTlsContext(CommonTlsContext.getDefaultInstance()).build();
        TlsContextConfig tls = TlsConverter.upstream(socket(ctx), "transport_socket").orElseThrow();
        assertThat(tls.sni()).isEqualTo("secure.example.com");
        assertThat(tls.validation()).isEmpty();
        assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(TlsConverter.upstream(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer").build(), "t"))
                .isEmpty();
    }

    /** Envoy's default ALPN: an HTTP/2 cluster over TLS without alpn_protocols offers h2; configured ones are kept. */
    @Test
    void aTlsClusterSpeakingHttp2OffersH2ByAlpn() throws ConversionException {
        UpstreamTlsContext ctx = UpstreamTlsContext.newBuilder().setSni("secure.example.com")
                .setCommonTlsContext(CommonTlsContext.getDefaultInstance()).build();
        var h2 = ClusterConverter.convert(io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder()
                .setName("h2-tls").setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC)
                .setTransportSocket(socket(ctx))
                .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance())
                .build());
        assertThat(h2.protocol()).isEqualTo(dev.weft.proxy.config.ClusterConfig.UpstreamProtocol.HTTP2);
        assertThat(h2.tls().orElseThrow().alpn()).containsExactly("h2");
        UpstreamTlsContext istio = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
                .addAlpnProtocols("istio-peer-exchange").addAlpnProtocols("istio")).build();
        var configured = ClusterConverter.convert(io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder()
                .setName("h2-istio").setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC)
                .setTransportSocket(socket(istio))
                .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance())
                .build());
        assertThat(configured.tls().orElseThrow().alpn()).containsExactly("istio-peer-exchange", "istio");

        // auto_config: over TLS, h2 and http/1.1 offered by default; without TLS it is refused (ALPN).
        var auto = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setAutoConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig
                        .getDefaultInstance()).build();
        var autoCluster = io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder().setName("auto")
                .setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC)
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        com.google.protobuf.Any.pack(auto));
        var converted = ClusterConverter.convert(autoCluster.clone().setTransportSocket(socket(ctx)).build());
        assertThat(converted.protocol()).isEqualTo(dev.weft.proxy.config.ClusterConfig.UpstreamProtocol.AUTO);
        assertThat(converted.tls().orElseThrow().alpn()).containsExactly("h2", "http/1.1");
        assertThatThrownBy(() -> ClusterConverter.convert(autoCluster.build()))
                .hasMessageContaining("auto_config: needs a TLS transport_socket");
    }

    @Test
    void refusesWhatCannotBeHonoured() {
        DownstreamTlsContext noCert = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.getDefaultInstance()).build();
        assertThatThrownBy(() -> TlsConverter.downstream(socket(noCert), "filter_chains[0].transport_socket"))
                .hasMessage("filter_chains[0].transport_socket.typed_config.common_tls_context: a downstream TLS context needs "
                        + "tls_certificates or tls_certificate_sds_secret_configs");
        DownstreamTlsContext inverted = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds("c"))
                .setTlsParams(TlsParameters.newBuilder().setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3)
                        .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))).build();
        assertThatThrownBy(() -> TlsConverter.downstream(socket(inverted), "t"))
                .hasMessage("t.typed_config.common_tls_context.tls_params: tls_minimum_protocol_version TLSv1.3 is above "
                        + "tls_maximum_protocol_version TLSv1.2");
        DownstreamTlsContext cipher = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds("c"))
                .setTlsParams(TlsParameters.newBuilder().addCipherSuites("NOT-A-CIPHER"))).build();
        assertThatThrownBy(() -> TlsConverter.downstream(socket(cipher), "t"))
                .hasMessageStartingWith("t.typed_config.common_tls_context.tls_params.cipher_suites[0]: unknown cipher suite NOT-A-CIPHER");
        DownstreamTlsContext file = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificates(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setFilename("/nonexistent/weft/cert.pem"))
                        .setPrivateKey(DataSource.newBuilder().setFilename("/nonexistent/weft/key.pem")))).build();
        assertThatThrownBy(() -> TlsConverter.downstream(socket(file), "t"))
                .hasMessageStartingWith("t.typed_config.common_tls_context.tls_certificates[0].certificate_chain.filename: "
                        + "cannot read /nonexistent/weft/cert.pem: NoSuchFileException");
    }

    @Test
    void aSecretWhosePemDoesNotParseIsRefused() {
        Secret bad = Secret.newBuilder().setName("kubernetes://cred").setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8("junk")))
                .setPrivateKey(DataSource.newBuilder().setInlineString("junk"))).build();
        assertThatThrownBy(() -> TlsConverter.secret(bad))
                .hasMessage("tls_certificate.certificate_chain: no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        Secret ca = Secret.newBuilder().setName("x-cacert").setValidationContext(CertificateValidationContext.getDefaultInstance()).build();
        assertThatThrownBy(() -> TlsConverter.secret(ca)).hasMessage("validation_context.trusted_ca: required");
    }
}
