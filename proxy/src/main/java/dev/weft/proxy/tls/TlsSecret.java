package dev.weft.proxy.tls;

/** An SDS secret as the proxy uses it: a certificate with its key, or a CA to validate peers with. */
public sealed interface TlsSecret {

    /** {@code tls_certificate}: PEM chain (leaf first) and PEM private key. */
    record Certificate(String chainPem, String keyPem) implements TlsSecret {
    }

    /** {@code validation_context}: PEM CA certificates (empty: none), SAN matchers from the secret. */
    record Validation(String trustedCaPem, java.util.List<SanMatcher> sans) implements TlsSecret {
        public Validation {
            sans = java.util.List.copyOf(sans);
        }
    }
}
