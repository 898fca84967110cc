package dev.weft.proxy.config;

import dev.weft.proxy.tls.SanMatcher;
import dev.weft.proxy.tls.TlsContextConfig;
import dev.weft.proxy.tls.TlsContextConfig.CertificateSource;
import dev.weft.proxy.tls.TlsContextConfig.ValidationConfig;
import dev.weft.proxy.tls.TlsSecret;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TLS transport sockets and SDS secrets to {@link TlsContextConfig} / {@link TlsSecret}. File data
 * sources (Istio's Gateway {@code serverCertificate}/{@code privateKey} paths) are read here, once
 * per configuration, bounded in size.
 */
public final class TlsConverter {

    public static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
    private static final String DOWNSTREAM_URL = ProtoTypes.typeUrl(DownstreamTlsContext.class);
    private static final String UPSTREAM_URL = ProtoTypes.typeUrl(UpstreamTlsContext.class);
    private static final int MAX_PEM_BYTES = 1024 * 1024;

    /** Envoy's TLS version names to the JDK's. */
    private static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** Envoy's (BoringSSL) names of its default cipher suites to IANA names, for the JDK provider. */
    private static final Map<String, String> CIPHERS = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"));

    private TlsConverter() {
    }

    /** A listener filter chain's transport socket: empty for plaintext (none, or raw_buffer). */
    static Optional<TlsContextConfig> downstream(TransportSocket socket, String field) throws ConversionException {
        if (!isTls(socket, DOWNSTREAM_URL, field)) {
            return Optional.empty();
        }
        DownstreamTlsContext ctx = Protos.unpack(socket.getTypedConfig(), DownstreamTlsContext.class, field + ".typed_config");
        String f = field + ".typed_config";
        Protos.unsupported(ctx.hasSessionTicketKeys() || ctx.hasSessionTicketKeysSdsSecretConfig(), f + ".session_ticket_keys");
        Protos.unsupported(ctx.getRequireSni().getValue(), f + ".require_sni");
        boolean requireClient = ctx.getRequireClientCertificate().getValue();
        TlsContextConfig config = common(ctx.getCommonTlsContext(), TlsContextConfig.Side.DOWNSTREAM, requireClient, "",
                f + ".common_tls_context");
        if (config.certificates().isEmpty()) {
            throw new ConversionException(f + ".common_tls_context: a downstream TLS context needs tls_certificates "
                    + "or tls_certificate_sds_secret_configs");
        }
        if (requireClient && config.validation().isEmpty()) {
            throw new ConversionException(f + ".require_client_certificate: needs a validation context");
        }
        return Optional.of(config);
    }

    /** A cluster's transport socket: empty for plaintext. */
    static Optional<TlsContextConfig> upstream(TransportSocket socket, String field) throws ConversionException {
        if (!isTls(socket, UPSTREAM_URL, field)) {
            return Optional.empty();
        }
        String f = field + ".typed_config";
        UpstreamTlsContext ctx = Protos.unpack(socket.getTypedConfig(), UpstreamTlsContext.class, f);
        return Optional.of(common(ctx.getCommonTlsContext(), TlsContextConfig.Side.UPSTREAM, false, ctx.getSni(),
                f + ".common_tls_context"));
    }

    private static boolean isTls(TransportSocket socket, String url, String field) throws ConversionException {
        if (socket.getName().isEmpty() && !socket.hasTypedConfig()
                || socket.getName().equals("envoy.transport_sockets.raw_buffer") && !socket.hasTypedConfig()) {
            return false;
        }
        if (socket.hasTypedConfig()) {
            if (socket.getTypedConfig().getTypeUrl().endsWith("raw_buffer.v3.RawBuffer")) {
                return false;
            }
            if (!socket.getTypedConfig().getTypeUrl().equals(url)) {
                throw new ConversionException(field + ".typed_config: " + socket.getTypedConfig().getTypeUrl()
                        + " is not supported by weft-proxy (only " + url + ")");
            }
            return true;
        }
        if (!socket.getName().equals(TRANSPORT_SOCKET)) {
            throw new ConversionException(field + ".name: " + socket.getName() + " is not supported by weft-proxy");
        }
        throw new ConversionException(field + ".typed_config: required for " + TRANSPORT_SOCKET);
    }

    private static TlsContextConfig common(CommonTlsContext common, TlsContextConfig.Side side, boolean requireClient,
            String sni, String f) throws ConversionException {
        List<CertificateSource> certificates = new ArrayList<>();
        for (int i = 0; i < common.getTlsCertificatesCount(); i++) {
            certificates.add(new CertificateSource.Inline(certificate(common.getTlsCertificates(i), f + ".tls_certificates[" + i + "]")));
        }
        for (int i = 0; i < common.getTlsCertificateSdsSecretConfigsCount(); i++) {
            var sds = common.getTlsCertificateSdsSecretConfigs(i);
            String sf = f + ".tls_certificate_sds_secret_configs[" + i + "]";
            sdsSource(sds, sf);
            certificates.add(new CertificateSource.Sds(sds.getName()));
        }
        Optional<ValidationConfig> validation = switch (common.getValidationContextTypeCase()) {
            case VALIDATION_CONTEXT -> Optional.of(validation(common.getValidationContext(), Optional.empty(),
                    f + ".validation_context"));
            case COMBINED_VALIDATION_CONTEXT -> {
                var combined = common.getCombinedValidationContext();
                String cf = f + ".combined_validation_context";
                sdsSource(combined.getValidationContextSdsSecretConfig(), cf + ".validation_context_sds_secret_config");
                yield Optional.of(validation(combined.getDefaultValidationContext(),
                        Optional.of(combined.getValidationContextSdsSecretConfig().getName()), cf + ".default_validation_context"));
            }
            case VALIDATION_CONTEXT_SDS_SECRET_CONFIG -> {
                sdsSource(common.getValidationContextSdsSecretConfig(), f + ".validation_context_sds_secret_config");
                yield Optional.of(new ValidationConfig("", List.of(), Optional.of(common.getValidationContextSdsSecretConfig().getName())));
            }
            case VALIDATION_CONTEXT_CERTIFICATE_PROVIDER, VALIDATION_CONTEXT_CERTIFICATE_PROVIDER_INSTANCE ->
                    throw new ConversionException(f + ": certificate providers are not supported by weft-proxy");
            case VALIDATIONCONTEXTTYPE_NOT_SET -> Optional.empty();
        };
        Protos.unsupported(common.hasTlsCertificateProviderInstance() || common.hasTlsCertificateCertificateProvider(),
                f + ".tls_certificate_provider_instance");
        List<String> protocols = protocols(common.getTlsParams(), side, f + ".tls_params");
        List<String> ciphers = new ArrayList<>();
        for (int i = 0; i < common.getTlsParams().getCipherSuitesCount(); i++) {
            String name = common.getTlsParams().getCipherSuites(i);
            // BoringSSL's "[A|B]" equal-preference groups: each member counts.
            for (String member : name.replace("[", "").replace("]", "").split("\\|")) {
                String iana = member.startsWith("TLS_") ? member : CIPHERS.get(member);
                if (iana == null) {
                    throw new ConversionException(f + ".tls_params.cipher_suites[" + i + "]: unknown cipher suite " + member
                            + " (known: " + String.join(", ", new java.util.TreeSet<>(CIPHERS.keySet())) + ", or IANA TLS_* names)");
                }
                ciphers.add(iana);
            }
        }
        if (!ciphers.isEmpty()) {
            // TLS 1.3 suites are not configured by cipher_suites in Envoy: keep the JDK's.
            ciphers.addAll(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"));
        }
        return new TlsContextConfig(side, certificates, validation, requireClient, sni, common.getAlpnProtocolsList(),
                protocols, ciphers);
    }

    /** Envoy's defaults: TLS 1.2 to 1.3 on both sides (TLS_AUTO). */
    private static List<String> protocols(TlsParameters params, TlsContextConfig.Side side, String f) throws ConversionException {
        int min = switch (params.getTlsMinimumProtocolVersion()) {
            case TLS_AUTO -> 2;
            case TLSv1_0 -> 0;
            case TLSv1_1 -> 1;
            case TLSv1_2 -> 2;
            case TLSv1_3 -> 3;
            case UNRECOGNIZED -> throw new ConversionException(f + ".tls_minimum_protocol_version: unknown");
        };
        int max = switch (params.getTlsMaximumProtocolVersion()) {
            case TLS_AUTO -> 3;
            case TLSv1_0 -> 0;
            case TLSv1_1 -> 1;
            case TLSv1_2 -> 2;
            case TLSv1_3 -> 3;
            case UNRECOGNIZED -> throw new ConversionException(f + ".tls_maximum_protocol_version: unknown");
        };
        if (min > max) {
            throw new ConversionException(f + ": tls_minimum_protocol_version " + VERSIONS.get(min)
                    + " is above tls_maximum_protocol_version " + VERSIONS.get(max));
        }
        return VERSIONS.subList(min, max + 1);
    }

    private static void sdsSource(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig sds, String f)
            throws ConversionException {
        if (sds.getName().isEmpty()) {
            throw new ConversionException(f + ".name: required");
        }
        if (sds.hasSdsConfig() && !sds.getSdsConfig().hasAds()) {
            throw new ConversionException(f + ".sds_config: only ads is supported by weft-proxy (secrets come over the ADS stream)");
        }
    }

    private static TlsSecret.Certificate certificate(TlsCertificate c, String f) throws ConversionException {
        Protos.unsupported(c.hasPassword(), f + ".password");
        Protos.unsupported(c.hasPrivateKeyProvider(), f + ".private_key_provider");
        String chain = data(c.getCertificateChain(), f + ".certificate_chain");
        String key = data(c.getPrivateKey(), f + ".private_key");
        if (chain.isEmpty() || key.isEmpty()) {
            throw new ConversionException(f + ": certificate_chain and private_key are required");
        }
        return new TlsSecret.Certificate(chain, key);
    }

    private static ValidationConfig validation(CertificateValidationContext v, Optional<String> sds, String f)
            throws ConversionException {
        Protos.unsupported(v.hasCrl(), f + ".crl");
        Protos.unsupported(v.getVerifyCertificateSpkiCount() > 0, f + ".verify_certificate_spki");
        Protos.unsupported(v.getVerifyCertificateHashCount() > 0, f + ".verify_certificate_hash");
        String ca = v.hasTrustedCa() ? data(v.getTrustedCa(), f + ".trusted_ca") : "";
        List<SanMatcher> sans = new ArrayList<>();
        for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
            SubjectAltNameMatcher m = v.getMatchTypedSubjectAltNames(i);
            SanMatcher.Type type = switch (m.getSanType()) {
                case DNS -> SanMatcher.Type.DNS;
                case URI -> SanMatcher.Type.URI;
                case EMAIL -> SanMatcher.Type.EMAIL;
                case IP_ADDRESS -> SanMatcher.Type.IP;
                default -> throw new ConversionException(f + ".match_typed_subject_alt_names[" + i + "].san_type: "
                        + m.getSanType() + " is not supported by weft-proxy");
            };
            sans.add(san(type, m.getMatcher(), f + ".match_typed_subject_alt_names[" + i + "].matcher"));
        }
        for (int i = 0; i < v.getMatchSubjectAltNamesCount(); i++) {
            sans.add(san(SanMatcher.Type.ANY, v.getMatchSubjectAltNames(i), f + ".match_subject_alt_names[" + i + "]"));
        }
        if (ca.isEmpty() && sds.isEmpty() && !sans.isEmpty()) {
            // Envoy refuses SAN matching without a CA: any certificate could claim the name.
            throw new ConversionException(f + ": match_subject_alt_names needs trusted_ca");
        }
        return new ValidationConfig(ca, sans, sds);
    }

    private static SanMatcher san(SanMatcher.Type type, StringMatcher m, String f) throws ConversionException {
        return switch (m.getMatchPatternCase()) {
            case EXACT -> new SanMatcher(type, SanMatcher.Kind.EXACT, m.getExact(), m.getIgnoreCase());
            case PREFIX -> new SanMatcher(type, SanMatcher.Kind.PREFIX, m.getPrefix(), m.getIgnoreCase());
            case SUFFIX -> new SanMatcher(type, SanMatcher.Kind.SUFFIX, m.getSuffix(), m.getIgnoreCase());
            case CONTAINS -> new SanMatcher(type, SanMatcher.Kind.CONTAINS, m.getContains(), m.getIgnoreCase());
            default -> throw new ConversionException(f + ": only exact, prefix, suffix and contains are supported by weft-proxy");
        };
    }

    /** An SDS Secret: a certificate with its key, or a validation context. */
    public static TlsSecret secret(Secret secret) throws ConversionException {
        return switch (secret.getTypeCase()) {
            case TLS_CERTIFICATE -> {
                TlsSecret.Certificate certificate = certificate(secret.getTlsCertificate(), "tls_certificate");
                try {
                    dev.weft.proxy.tls.SslContexts.check(certificate);
                } catch (IllegalArgumentException e) {
                    throw new ConversionException("tls_certificate." + e.getMessage());
                }
                yield certificate;
            }
            case VALIDATION_CONTEXT -> {
                ValidationConfig v = validation(secret.getValidationContext(), Optional.of(secret.getName()), "validation_context");
                if (v.trustedCaPem().isEmpty()) {
                    throw new ConversionException("validation_context.trusted_ca: required");
                }
                yield new TlsSecret.Validation(v.trustedCaPem(), v.sans());
            }
            case SESSION_TICKET_KEYS, GENERIC_SECRET -> throw new ConversionException(
                    secret.getTypeCase().name().toLowerCase(java.util.Locale.ROOT) + ": not supported by weft-proxy");
            case TYPE_NOT_SET -> throw new ConversionException("one of tls_certificate or validation_context is required");
        };
    }

    private static String data(DataSource source, String f) throws ConversionException {
        return switch (source.getSpecifierCase()) {
            case INLINE_BYTES -> bounded(source.getInlineBytes().toStringUtf8(), f);
            case INLINE_STRING -> bounded(source.getInlineString(), f);
            case FILENAME -> {
                Path path = Path.of(source.getFilename());
                try {
                    if (Files.size(path) > MAX_PEM_BYTES) {
                        throw new ConversionException(f + ".filename: " + path + " is larger than " + MAX_PEM_BYTES + " bytes");
                    }
                    yield Files.readString(path, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ConversionException(f + ".filename: cannot read " + path + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()));
                }
            }
            case ENVIRONMENT_VARIABLE -> throw new ConversionException(f + ".environment_variable: not supported by weft-proxy");
            case SPECIFIER_NOT_SET -> "";
        };
    }

    private static String bounded(String pem, String f) throws ConversionException {
        if (pem.length() > MAX_PEM_BYTES) {
            throw new ConversionException(f + ": larger than " + MAX_PEM_BYTES + " bytes");
        }
        return pem;
    }
}
