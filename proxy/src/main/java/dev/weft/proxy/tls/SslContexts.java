package dev.weft.proxy.tls;

import dev.weft.envoy.tls.Pem;
import dev.weft.proxy.tls.TlsContextConfig.CertificateSource;
import dev.weft.proxy.tls.TlsContextConfig.ValidationConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds Netty {@link SslContext}s from {@link TlsContextConfig} and the SDS secrets it names.
 * Provider: the JDK's (netty-tcnative is not on the class path; see the README's TLS section).
 */
public final class SslContexts {

    /**
     * ALPN protocols the proxy can serve after a handshake, in its order of preference: HTTP/2
     * ({@code http2.DownstreamHttp2}) and HTTP/1.1; a DownstreamTlsContext's {@code alpn_protocols}
     * are offered only as far as they are in this list.
     */
    public static final List<String> SERVED_ALPN = List.of("h2", "http/1.1");

    private SslContexts() {
    }

    /**
     * The context, or empty while a secret it names has not arrived (the listener or cluster keeps
     * warming, as in Envoy).
     *
     * @throws IllegalArgumentException when a certificate or key cannot be used (message says which)
     */
    public static Optional<SslContext> build(TlsContextConfig config, Map<String, TlsSecret> secrets) {
        List<TlsSecret.Certificate> certificates = new ArrayList<>();
        for (CertificateSource source : config.certificates()) {
            switch (source) {
                case CertificateSource.Inline inline -> certificates.add(inline.certificate());
                case CertificateSource.Sds sds -> {
                    if (!(secrets.get(sds.name()) instanceof TlsSecret.Certificate c)) {
                        return Optional.empty();
                    }
                    certificates.add(c);
                }
            }
        }
        Optional<TrustManager> trust = Optional.empty();
        if (config.validation().isPresent()) {
            ValidationConfig v = config.validation().get();
            String ca = v.trustedCaPem();
            List<SanMatcher> sans = new ArrayList<>(v.sans());
            if (v.sdsName().isPresent()) {
                if (!(secrets.get(v.sdsName().get()) instanceof TlsSecret.Validation sv)) {
                    return Optional.empty();
                }
                ca = ca.isEmpty() ? sv.trustedCaPem() : ca + "\n" + sv.trustedCaPem();
                sans.addAll(sv.sans());
            }
            trust = Optional.of(trustManager(ca, sans));
        }
        try {
            SslContextBuilder builder;
            if (config.side() == TlsContextConfig.Side.DOWNSTREAM) {
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("a downstream TLS context needs a certificate");
                }
                TlsSecret.Certificate c = certificates.getFirst();
                builder = SslContextBuilder.forServer(key(c), chain(c));
                if (trust.isPresent()) {
                    builder.trustManager(trust.get())
                            .clientAuth(config.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
                }
            } else {
                builder = SslContextBuilder.forClient();
                if (!certificates.isEmpty()) {
                    builder.keyManager(key(certificates.getFirst()), chain(certificates.getFirst()));
                }
                // Envoy verifies nothing upstream without a validation context.
                builder.trustManager(trust.orElse(InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0]));
            }
            builder.sslProvider(SslProvider.JDK).protocols(config.protocols());
            if (!config.cipherSuites().isEmpty()) {
                builder.ciphers(config.cipherSuites());
            }
            List<String> alpn = config.side() == TlsContextConfig.Side.DOWNSTREAM
                    ? config.alpn().stream().filter(SERVED_ALPN::contains).toList() : config.alpn();
            if (!alpn.isEmpty()) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return Optional.of(builder.build());
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a certificate that cannot be served: PEM that does not parse, a key that is not the
     * certificate's (so a bad SDS secret is NACKed with the reason, not found at the first handshake).
     */
    public static void check(TlsSecret.Certificate c) {
        X509Certificate[] chain = chain(c);
        if (!Pem.matches(key(c), chain[0])) {
            throw new IllegalArgumentException("private_key: does not match the certificate ("
                    + chain[0].getSubjectX500Principal() + ")");
        }
    }

    private static PrivateKey key(TlsSecret.Certificate c) {
        try {
            return Pem.privateKey(c.keyPem());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private_key: " + e.getMessage());
        }
    }

    private static X509Certificate[] chain(TlsSecret.Certificate c) {
        try {
            return Pem.certificates(c.chainPem()).toArray(X509Certificate[]::new);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate_chain: " + e.getMessage());
        }
    }

    /** PKIX validation against {@code caPem} (blank: any issuer, as Envoy without trusted_ca), then the SAN matchers. */
    private static TrustManager trustManager(String caPem, List<SanMatcher> sans) {
        X509TrustManager pkix;
        if (caPem.isBlank()) {
            pkix = (X509TrustManager) InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0];
        } else {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (X509Certificate ca : Pem.certificates(caPem)) {
                    store.setCertificateEntry("ca-" + i++, ca);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                pkix = (X509TrustManager) factory.getTrustManagers()[0];
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalArgumentException("trusted_ca: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trusted_ca: " + e.getMessage());
            }
        }
        return sans.isEmpty() ? pkix : new SanCheckingTrustManager(pkix, sans);
    }

    /** The PKIX check, then: at least one SAN of the peer's leaf matches one of the matchers (Envoy's rule). */
    private static final class SanCheckingTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final List<SanMatcher> sans;

        SanCheckingTrustManager(X509TrustManager delegate, List<SanMatcher> sans) {
            this.delegate = delegate;
            this.sans = List.copyOf(sans);
        }

        private void checkSans(X509Certificate[] chain) throws CertificateException {
            Collection<List<?>> names;
            try {
                names = chain[0].getSubjectAlternativeNames();
            } catch (CertificateParsingException e) {
                throw new CertificateException("cannot read the subject alternative names", e);
            }
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (name.get(1) instanceof String value && sans.stream().anyMatch(m -> m.matches(type, value))) {
                        return;
                    }
                }
            }
            throw new CertificateException("no subject alternative name of " + chain[0].getSubjectX500Principal()
                    + " matches " + sans.stream().map(SanMatcher::value).toList());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
            checkSans(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            checkSans(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
